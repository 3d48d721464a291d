"""tools/regenerate_exercises.py, on a temporary copy of the course folder (exercises/).

It must make the student copies with nbgrader without an activated environment, and never lose
what release/ held: not when nbgrader fails, and not a file that source/ does not produce.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import support

pytestmark = pytest.mark.slow  # nbgrader: a few seconds a run

TOOL = support.TOOLS / "regenerate_exercises.py"
FIRST = "01_predict_shapes_and_parameters.ipynb"
# No virtual environment on PATH: what a maintainer has who did not activate .venv.
BARE = {**os.environ, "PATH": os.pathsep.join(["/usr/bin", "/bin"])}


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the exercises' course folder: settings, solutions, committed student copies."""
    root = tmp_path / "exercises"
    shutil.copytree(support.EXERCISES, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.db"))
    return root


def edit_title(path: Path, text: str) -> None:
    """Append ``text`` to a notebook's first (title) cell."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"][0]["source"] = "".join(notebook["cells"][0]["source"]) + text
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its bytes and modification time."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_regenerates_the_copies_without_an_activated_environment(course):
    release = course / "release" / "mnist"
    edit_title(course / "source" / "mnist" / FIRST, "\n\nA sentence added to the solution.")
    (release / "my notes.txt").write_text("an instructor's file")
    before = snapshot(release)

    result = support.python(TOOL, "--course", course, env=BARE)

    after = snapshot(release)
    assert "A sentence added to the solution." in (release / FIRST).read_text(encoding="utf-8")
    assert [name for name in after if after[name] != before.get(name)] == [FIRST], "only the edited copy"
    assert after["my notes.txt"] == before["my notes.txt"], "a file source/ does not make is kept"
    assert "1 file changed" in result.stdout and "my notes.txt" in result.stdout


def test_what_it_generates_is_a_student_copy_the_course_can_grade(course):
    support.python(TOOL, "--course", course, env=BARE)
    for path in (course / "release" / "mnist").glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "# YOUR CODE HERE" in text and "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    from nbgrader.api import Gradebook

    # `nbgrader autograde mnist` in the course folder needs the assignment and its graded cells
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assignment = gradebook.find_assignment("mnist")
        assert len(assignment.notebooks) == 5 and assignment.max_score == 15


def test_a_failing_run_leaves_release_as_it_was(course):
    """A solution whose BEGIN SOLUTION has no END: nbgrader fails, and nothing in release/ moves."""
    source = course / "source" / "mnist" / FIRST
    source.write_text(source.read_text(encoding="utf-8").replace("### END SOLUTION", "", 1), encoding="utf-8")
    edit_title(course / "source" / "mnist" / "02_build_the_mlp_baseline.ipynb", "\n\nNew text.")
    before = snapshot(course / "release")

    result = support.python(TOOL, "--course", course, env=BARE, check=False)

    assert result.returncode != 0
    assert "nbgrader could not generate the student copies of mnist" in result.stderr
    assert "Nothing was changed in" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(course / "release") == before


def test_a_folder_that_is_not_the_course_gets_one_sentence(tmp_path):
    result = support.python(TOOL, "--course", tmp_path, env=BARE, check=False)
    assert result.returncode != 0
    assert result.stderr.startswith(f"{tmp_path} is not the exercises' course folder")
    assert "Traceback" not in result.stderr
