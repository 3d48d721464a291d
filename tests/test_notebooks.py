"""Tests for utils.notebooks (run_notebook, ensure_trained_model), on tiny notebooks written for the test."""

from __future__ import annotations

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_notebook

from utils.notebooks import ensure_trained_model, run_notebook


def write_notebook(path, *sources):
    notebook = new_notebook(cells=[new_code_cell(source) for source in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_runs_every_cell_in_the_notebooks_own_folder_and_leaves_the_file_alone(tmp_path):
    path = write_notebook(
        tmp_path / "make.ipynb", "from pathlib import Path", "Path('made.txt').write_text('yes')"
    )
    before = path.read_text()
    seconds = run_notebook(path)
    assert (tmp_path / "made.txt").read_text() == "yes"
    assert 0 < seconds < 120
    assert path.read_text() == before


def test_an_error_in_a_cell_is_raised_with_the_cells_message(tmp_path):
    path = write_notebook(tmp_path / "broken.ipynb", "raise ValueError('cell two is broken')")
    with pytest.raises(CellExecutionError, match=r"cell two is broken"):
        run_notebook(path)


def test_a_missing_notebook_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        FileNotFoundError, match=f"There is no notebook 03_x.ipynb \\(looked in {tmp_path}\\)"
    ):
        run_notebook("03_x.ipynb")


def test_ensure_trained_model_returns_an_existing_model_without_running_anything(tmp_path):
    model = tmp_path / "model.keras"
    model.write_text("weights")
    said = []
    assert ensure_trained_model(model, tmp_path / "never_run.ipynb", announce=said.append) == model
    assert said == []


def test_ensure_trained_model_runs_the_notebook_that_saves_a_missing_model(tmp_path):
    notebook = write_notebook(
        tmp_path / "train.ipynb", "from pathlib import Path", "Path('model.keras').write_text('w')"
    )
    said = []
    path = ensure_trained_model(tmp_path / "model.keras", notebook, announce=said.append)
    assert path.read_text() == "w"
    assert (
        said[0]
        == f"No trained model at {tmp_path / 'model.keras'}: running train.ipynb to train it (a few minutes)…"
    )
    assert said[1].startswith("…done in ") and said[1].endswith(" s.")


def test_ensure_trained_model_says_so_when_the_notebook_saves_nothing(tmp_path):
    notebook = write_notebook(tmp_path / "lazy.ipynb", "x = 1")
    with pytest.raises(FileNotFoundError, match=r"lazy.ipynb ran to the end but did not save .*model.keras"):
        ensure_trained_model(tmp_path / "model.keras", notebook, announce=lambda line: None)
