"""Tests for utils.backends.time_training: real measurements in fresh processes, on a tiny model."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from support import tiny_convnet
from utils.backends import time_training
from utils.setup import import_keras_quietly

keras = import_keras_quietly()


@pytest.fixture(scope="module")
def model_file(tmp_path_factory, mnist):  # mnist: the images are cached before the timing runs
    model = tiny_convnet()
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", steps_per_execution=4)
    path = tmp_path_factory.mktemp("backends") / "tiny.keras"
    model.save(path)
    return path


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_times_training_on_each_installed_backend(model_file, backend):
    seconds = time_training(model_file, backend, images=640, batch_size=64, repeats=2)
    assert seconds > 0  # how long it takes belongs to the benchmark, not to a test


def test_an_unknown_backend_lists_the_known_ones(model_file):
    with pytest.raises(
        ValueError, match=r"Unknown Keras backend 'mxnet': choose one of tensorflow, jax, torch"
    ):
        time_training(model_file, "mxnet")


def test_a_missing_backend_says_what_to_install(model_file, monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(
        ModuleNotFoundError, match=r"The jax backend is not installed here: run `pip install jax`"
    ):
        time_training(model_file, "jax")


def test_a_missing_model_file_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"There is no saved model at .*none.keras: save one"):
        time_training(tmp_path / "none.keras", "tensorflow")


def test_a_failed_measurement_reports_the_last_error_line(tmp_path):
    broken = tmp_path / "broken.keras"
    broken.write_text("not a model")
    with pytest.raises(RuntimeError, match=r"Timing the tensorflow backend failed: .+"):
        time_training(broken, "tensorflow", images=64, repeats=1)


def test_timed_fit_and_best_seconds_train_the_model_they_time():
    from utils.backends import best_seconds, timed_fit

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((128, 4), "float32"), np.ones((128, 2), "float32")
    before = model.get_weights()[0].copy()
    assert timed_fit(model, x, y, epochs=1, batch_size=64) > 0
    after_fit = model.get_weights()[0].copy()
    assert not np.allclose(before, after_fit)
    assert best_seconds(model, x, y, images=128, batch_size=64, repeats=2) > 0
    assert not np.allclose(after_fit, model.get_weights()[0])
