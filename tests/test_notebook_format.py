"""The committed notebooks look like one clean run: what nbval cannot see, checked here.

nbval proves each output is current; these tests keep the files readable on GitHub and in diffs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(params=NOTEBOOKS, ids=lambda path: path.name)
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


def test_outputs_come_from_one_top_to_bottom_run(notebook):
    counts = [cell.execution_count for cell in notebook.cells if cell.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "re-run the notebook from a fresh kernel"


def test_no_errors_no_stderr_no_timing_metadata(notebook):
    for cell in notebook.cells:
        assert "execution" not in cell.metadata, f"cell {cell.id} records execution times: strip them"
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {cell.id} has an error output"
            assert output.get("name") != "stderr", f"cell {cell.id} writes to stderr: {output.text[:100]!r}"


def test_header_says_what_you_learn_and_how_long_it_runs(notebook):
    title = notebook.cells[0]
    assert title.cell_type == "markdown" and title.source.startswith("# ")
    assert "**What you will learn.**" in title.source
    assert "**Runs in** about " in title.source, "measure it: scripts/benchmark_notebooks.py --publish"
