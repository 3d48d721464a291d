"""Tests for utils.notebooks: finding the trained model a notebook needs."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from support import NOTEBOOKS
from utils.notebooks import TrainedModelMissing, keras_file_problem, trained_model_path

SHIPPED = NOTEBOOKS / "pretrained" / "mnist_convnet.keras"


def test_the_shipped_model_is_a_complete_keras_file():
    assert keras_file_problem(SHIPPED) is None
    assert SHIPPED.with_suffix(".history.json").exists(), "notebook 4 reads the training log beside it"


@pytest.fixture
def folders(tmp_path):
    """A notebooks folder with the shipped copy and room for the reader's own model."""
    (tmp_path / "pretrained").mkdir()
    shutil.copy(SHIPPED, tmp_path / "pretrained")
    (tmp_path / "models").mkdir()
    return tmp_path


def find(folders, said):
    return trained_model_path(
        trained=folders / "models", shipped=folders / "pretrained", announce=said.append
    )


def test_the_readers_own_model_comes_first(folders):
    shutil.copy(SHIPPED, folders / "models")
    said = []
    assert find(folders, said) == folders / "models" / "mnist_convnet.keras"
    assert said == []


def test_without_the_readers_model_the_shipped_copy_is_used_silently(folders):
    said = []
    assert find(folders, said) == folders / "pretrained" / "mnist_convnet.keras"
    assert said == []


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: b"", "the file is empty"),
        (lambda data: data[: len(data) // 2], "not a zip archive"),
        (lambda data: b"<html>not a model</html>", "not a zip archive"),
    ],
)
def test_a_damaged_model_of_the_readers_is_kept_and_explained(folders, damage, reason):
    own = folders / "models" / "mnist_convnet.keras"
    own.write_bytes(damage(SHIPPED.read_bytes()))
    before = own.read_bytes()
    said = []
    assert find(folders, said) == folders / "pretrained" / "mnist_convnet.keras"
    assert len(said) == 1 and reason in said[0] and "rerun notebook 3" in said[0]
    assert own.read_bytes() == before, "nothing the reader made is deleted or changed"


def test_a_zip_that_is_not_a_keras_model_is_refused(tmp_path):
    path = tmp_path / "other.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert keras_file_problem(path) == "it is not a complete Keras model (no config.json, model.weights.h5)"


def test_a_flipped_byte_inside_the_weights_is_caught(tmp_path):
    data = bytearray(SHIPPED.read_bytes())
    data[len(data) // 2] ^= 0xFF  # in the middle of the stored weights
    path = tmp_path / "flipped.keras"
    path.write_bytes(bytes(data))
    assert "damaged" in keras_file_problem(path)


def test_no_model_anywhere_says_which_notebook_to_run(tmp_path):
    with pytest.raises(TrainedModelMissing, match=r"run notebook 3 \(03_prepare_mnist_and_train.ipynb\)"):
        trained_model_path(trained=tmp_path / "models", shipped=tmp_path / "pretrained")
