"""Run one notebook from another, e.g. to train the model a later notebook needs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run_notebook(path: str | Path, timeout: int = 1800) -> float:
    """Execute a notebook top to bottom in a fresh kernel, in its own folder; return seconds.

    The notebook file is not modified; its outputs are discarded. An error in any cell
    raises ``nbclient.exceptions.CellExecutionError`` naming the cell.

    Example:
        >>> seconds = run_notebook("03_prepare_mnist_and_train.ipynb")  # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"There is no notebook {path} (looked in {Path.cwd()}).")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def ensure_trained_model(
    model_path: str | Path, notebook: str | Path, announce: Callable[[str], object] = print
) -> Path:
    """Return ``model_path``, first running ``notebook`` to create it if the file is missing.

    Later notebooks use this to find the model an earlier notebook trained and saved, so each
    of them also runs on its own in a fresh clone. ``announce`` receives one line before the
    notebook runs and one after it (``print`` by default, so the reader sees why the cell is slow).

    Example:
        >>> path = ensure_trained_model("models/mnist_convnet.keras", "03_prepare_mnist_and_train.ipynb")  # doctest: +SKIP
    """
    model_path, notebook = Path(model_path), Path(notebook)
    if model_path.exists():
        return model_path
    announce(f"No trained model at {model_path}: running {notebook.name} to train it (a few minutes)…")
    seconds = run_notebook(notebook)
    if not model_path.exists():
        raise FileNotFoundError(
            f"{notebook.name} ran to the end but did not save {model_path}; "
            f"open it and check the cell that saves the model."
        )
    announce(f"…done in {seconds:.0f} s.")
    return model_path
