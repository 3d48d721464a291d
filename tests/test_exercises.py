"""The exercises (exercises/) as an instructor uses them with nbgrader, in a temporary copy:

1. the committed student copies are exactly what nbgrader generates from the sources;
2. the solutions (the source notebooks) run end to end and autograde to full marks;
3. an untouched student copy autogrades to zero, every failure a friendly "Not done yet"
   (no crash, no other error), and the feedback a student would get says so.

All three run nbgrader's own command line, as docs/instructors.md tells instructors to.
Steps 2 and 3 train the exercises' models: about 3 minutes on 2 CPU cores.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import support

pytestmark = pytest.mark.slow

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
ASSIGNMENT = "mnist"


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one nbgrader command in the course folder; fail with its log if it fails."""
    return support.nbgrader(*args, f"--CourseDirectory.root={course}", cwd=course)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course folder with freshly generated student copies."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(EXERCISES / "nbgrader_config.py", root)
    shutil.copytree(
        EXERCISES / "source", root / "source", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    return root


@pytest.fixture(scope="module")
def graded(course):
    """Submit the solutions as student "solution" and the untouched copies as "blank", autograde both."""
    for student, folder in [("solution", course / "source"), ("blank", course / "release")]:
        shutil.copytree(folder / ASSIGNMENT, course / "submitted" / student / ASSIGNMENT)
    nbgrader(course, "autograde", ASSIGNMENT)
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in ("solution", "blank"):
            submission = gradebook.find_submission(ASSIGNMENT, student)
            scores[student] = {nb.name: (nb.score, nb.max_score) for nb in submission.notebooks}
    return scores


def error_outputs(path: Path) -> list[dict]:
    cells = json.loads(path.read_text())["cells"]
    return [out for cell in cells for out in cell.get("outputs", []) if out["output_type"] == "error"]


def test_committed_student_copies_are_what_nbgrader_generates(course):
    generated = sorted((course / "release" / ASSIGNMENT).glob("*.ipynb"))
    committed = sorted((EXERCISES / "release" / ASSIGNMENT).glob("*.ipynb"))
    assert (
        [p.name for p in generated]
        == [p.name for p in committed]
        == [p.name for p in sorted((EXERCISES / "source" / ASSIGNMENT).glob("*.ipynb"))]
    )
    stale = [p.name for p, q in zip(generated, committed, strict=False) if p.read_text() != q.read_text()]
    assert not stale, (
        f"The student copies {stale} are out of date: run `cd exercises && nbgrader "
        f"generate_assignment {ASSIGNMENT} --force` and commit exercises/release/."
    )


def test_student_copies_contain_no_solutions_and_no_hidden_tests(course):
    for path in (course / "release" / ASSIGNMENT).glob("*.ipynb"):
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "# YOUR CODE HERE" in text


def test_solutions_run_end_to_end_and_get_full_marks(graded, course):
    assert len(graded["solution"]) == 5
    assert sum(max_score for _, max_score in graded["solution"].values()) == 15
    for name, (score, max_score) in graded["solution"].items():
        assert max_score > 0 and score == max_score, f"{name}: {score} of {max_score}"
    for path in (course / "autograded" / "solution" / ASSIGNMENT).glob("*.ipynb"):
        assert error_outputs(path) == [], f"{path.name} has an error"


def test_an_untouched_copy_gets_zero_and_says_not_done_yet(graded, course):
    for name, (score, max_score) in graded["blank"].items():
        assert score == 0 and max_score > 0, f"{name}: {score} of {max_score}"
    for path in (course / "autograded" / "blank" / ASSIGNMENT).glob("*.ipynb"):
        errors = error_outputs(path)
        assert errors, f"{path.name}: an untouched copy should fail its checks"
        for error in errors:  # only the checks fail, with one friendly line each
            assert error["ename"] == "NotDoneYet", f"{path.name}: {error['ename']}: {error['evalue']}"
            assert error["traceback"] == [f"⏳ Not done yet: {error['evalue']}"]
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--student", "blank")
    feedback = (
        course / "feedback" / "blank" / ASSIGNMENT / "01_predict_shapes_and_parameters.html"
    ).read_text()
    assert "Not done yet" in feedback and "predicted_shapes" in feedback
