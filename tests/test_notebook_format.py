"""The committed notebooks look like one clean run: what nbval cannot see, checked here.

nbval proves each output is current; these tests keep the files readable on GitHub and in diffs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# every committed notebook: the lessons, the exercises' solutions and their student copies
COMMITTED = [*NOTEBOOKS, *sorted((ROOT / "exercises").glob("[rs]*/**/*.ipynb"))]


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
    assert "**Runs in** about " in title.source, "measure it: tools/benchmark_notebooks.py --publish"


@pytest.mark.parametrize("path", COMMITTED, ids=lambda path: str(path.relative_to(ROOT)))
def test_committed_notebooks_are_canonical(path):
    """Written as nbformat writes them, with a stable id on every cell, so a diff shows only what
    changed. tools/rerun_notebook.py writes notebooks this way."""
    text = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) >= (4, 5), "cell ids need nbformat 4.5"
    ids = [cell.id for cell in notebook.cells]
    assert len(set(ids)) == len(ids), "cell ids are unique"
    assert text == nbformat.writes(notebook) + "\n", (
        "rewrite it: nbformat.write(nbformat.read(path, 4), path)"
    )
