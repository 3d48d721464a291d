"""Run one notebook from another, e.g. to train the model a later notebook needs."""

from __future__ import annotations

import time
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
