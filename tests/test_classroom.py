"""A class of three through nbgrader's whole cycle, with the filesystem exchange (docs/classroom.md).

In a temporary folder: an instructor's course (exercise 1, the one that trains nothing, so the
cycle takes about a minute), an exchange folder, and three students with homes of their own.
The instructor releases; each student fetches, works and submits — Ada answers right, Ben
forgets that an unpadded convolution shrinks the image, Cy submits the untouched copy; the
instructor collects, autogrades, generates and releases feedback; each student fetches it.
Every step is nbgrader's own command line, as on a JupyterHub; students are named with
``--student`` because here they all share one operating-system account (on a hub, nbgrader
takes each student's name from their account).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

import support

pytestmark = pytest.mark.slow

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
COURSE, ASSIGNMENT = "mnist-convnet", "mnist"
NOTEBOOK = "01_predict_shapes_and_parameters"
# What each student writes in the two answer cells (None: the cell is left as released).
WRONG_SHAPES = (
    "predicted_shapes = [(28, 28, 16), (14, 14, 16), (14, 14, 32), (7, 7, 32), (7, 7, 64), (3136,), (10,)]"
)
WORK: dict[str, dict[str, str] | None] = {"ada": {}, "ben": {"shapes": WRONG_SHAPES}, "cy": None}


def solution(grade_id: str) -> str:
    """The solution's code for one answer cell, without nbgrader's markers: what a right answer is."""
    cells = json.loads((EXERCISES / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text())["cells"]
    (source,) = [
        "".join(c["source"]) for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id
    ]
    return "\n".join(line for line in source.splitlines() if "### " not in line)


def work(path: Path, answers: dict[str, str]) -> None:
    """Fill in the answer cells of a fetched notebook: the given answers, the solution elsewhere."""
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in ("shapes", "params"):
            assert "# YOUR CODE HERE" in "".join(cell["source"]), "the fetched copy should be untouched"
            cell["source"] = answers.get(grade_id, solution(grade_id))
    path.write_text(json.dumps(notebook, indent=1))


@pytest.fixture(scope="module")
def semester(tmp_path_factory):
    """Run the whole cycle once; return the gradebook's scores and the students' homes."""
    root = tmp_path_factory.mktemp("classroom")
    course, exchange = root / "course", root / "exchange"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(EXERCISES / "nbgrader_config.py", course)
    shutil.copy(EXERCISES / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", course / "source" / ASSIGNMENT)
    shared = [f"--Exchange.root={exchange}"]

    def instructor(*args: str) -> None:
        support.nbgrader(*args, ASSIGNMENT, *shared, f"--CourseDirectory.root={course}", cwd=course)

    def student(name: str, *args: str) -> None:
        home = root / "home" / name
        home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "HOME": str(home)}  # no instructor's config reaches the student
        support.nbgrader(*args, ASSIGNMENT, *shared, f"--course={COURSE}", cwd=home, env=env)

    instructor("generate_assignment", "--force")
    instructor("release_assignment")
    for name, answers in WORK.items():
        student(name, "fetch_assignment")
        if answers is not None:
            work(root / "home" / name / ASSIGNMENT / f"{NOTEBOOK}.ipynb", answers)
        student(name, "submit", f"--student={name}")
    instructor("collect")
    instructor("autograde")
    instructor("generate_feedback")
    instructor("release_feedback")
    for name in WORK:
        student(name, "fetch_feedback", f"--student={name}")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {
            name: {
                cell.name: (cell.score, cell.max_score)
                for cell in gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, name).grades
            }
            for name in WORK
        }
    return scores, root / "home"


def test_every_submission_was_collected_and_graded(semester):
    scores, _ = semester
    assert set(scores) == set(WORK)
    for name, cells in scores.items():
        assert cells.keys() == {"check-shapes", "check-params"}, name
        assert {cell: best for cell, (_, best) in cells.items()} == {"check-shapes": 2, "check-params": 1}


def test_the_right_answer_gets_full_marks(semester):
    scores, _ = semester
    assert scores["ada"] == {"check-shapes": (2, 2), "check-params": (1, 1)}


def test_the_wrong_shapes_lose_their_two_points_and_keep_the_right_count(semester):
    scores, _ = semester
    assert scores["ben"] == {"check-shapes": (0, 2), "check-params": (1, 1)}


def test_the_untouched_copy_gets_zero(semester):
    scores, _ = semester
    assert scores["cy"] == {"check-shapes": (0, 2), "check-params": (0, 1)}


def test_each_student_fetched_feedback_that_explains_their_grade(semester):
    _, homes = semester
    expected = {
        "ada": ("3", []),
        "ben": ("1", ["(14, 14, 32)", "shrinks height and width"]),
        "cy": ("0", ["Not done yet"]),
    }
    for name, (score, phrases) in expected.items():
        (feedback,) = (homes / name / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK}.html")
        text = feedback.read_text()
        assert re.search(rf"Score:\s*{score}(\.0)?\s*/\s*3", text), (
            f"{name}'s feedback does not show {score} / 3"
        )
        for phrase in phrases:
            assert phrase in text, f"{name}'s feedback does not say {phrase!r}"
