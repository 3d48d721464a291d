"""Every recap is plain Markdown, so it reads as prose on GitHub and in any viewer; its numbers
must still be this notebook's measured ones. After re-running a notebook, update its recap to the
new outputs: this test names each number that no output (or earlier text) of the notebook shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# A measured quantity: a decimal (99.07), a count with thousands separators (60,000), or a
# whole number followed by a unit or a counted thing (12 s, 98 %, 93 mistakes, 8 times).
MEASURED = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+"
    r"|\d+(?=\s?(?:%|×|s\b|ms\b|µs\b|GiB|MB)|\s(?:mistakes|errors|times|images|parameters|epochs))"
)


def cell_text(cell: nbformat.NotebookNode) -> str:
    if cell.cell_type != "code":
        return str(cell.source)
    parts = []
    for output in cell.get("outputs", []):
        parts.append(str(output.get("text", "")))
        for kind in ("text/plain", "text/markdown"):
            parts.append(str(output.get("data", {}).get(kind, "")))
    return "\n".join(parts)


def recap_and_before(path: Path) -> tuple[str, str]:
    notebook = nbformat.read(path, as_version=4)
    ids = [cell.get("id") for cell in notebook.cells]
    assert "recap" in ids, f"{path.name} has no cell with id 'recap'"
    index = ids.index("recap")
    recap = notebook.cells[index]
    assert recap.cell_type == "markdown", f"{path.name}: the recap must be a Markdown cell"
    before = "\n".join(cell_text(cell) for cell in notebook.cells[:index])
    return str(recap.source), before


def numbers(text: str) -> set[str]:
    return set(MEASURED.findall(text))


def unshown(recap: str, before: str) -> list[str]:
    """The recap's measured numbers that appear nowhere above, as whole numbers."""
    return sorted(
        number
        for number in numbers(recap)
        if not re.search(rf"(?<![\d.,]){re.escape(number)}(?!\d|[.,]\d)", before)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_recap_is_prose_whose_numbers_the_notebook_shows(path):
    recap, before = recap_and_before(path)
    missing = unshown(recap, before)
    assert not missing, f"{path.name}: the recap says {missing}, which no output above shows"


def test_the_check_catches_a_stale_number():
    recap, before = recap_and_before(NOTEBOOKS[3])  # notebook 4, with its test accuracy
    assert unshown(recap, before) == []
    assert unshown(recap + "\n- Test accuracy 97.31 % (269 mistakes).", before) == ["269", "97.31"]
    assert unshown("99.0 %", "99.07 %") == ["99.0"], "a prefix of a shown number is not shown"
