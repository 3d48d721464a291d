"""Run one notebook top to bottom in this Python's kernel and save the result (for test_colab.py).

Usage: python run_notebook.py NOTEBOOK OUTPUT. Runs in the current folder, as Colab does; a
cell that fails stops the run, and the executed notebook is saved either way.
"""

from __future__ import annotations

import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main(source: str, output: str) -> int:
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(notebook, timeout=1800, startup_timeout=300, kernel_name="python3")
    try:
        client.execute()
    except CellExecutionError as error:
        print(str(error)[-3000:], file=sys.stderr)
        return 1
    finally:
        nbformat.write(notebook, output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
