"""Regenerate the exercises' student copies (exercises/release/) from the solutions (exercises/source/).

    .venv/bin/python tools/regenerate_exercises.py

nbgrader's ``generate_assignment`` makes the copies in a temporary copy of the course folder
(``exercises/``). Only once it has succeeded for every assignment, and every copy it made is a
student copy (no solution, no hidden test, no output), are the copies written over those in
``exercises/release/``, one file at a time. A failure leaves ``exercises/release/`` exactly as it
was and says why. Files in ``exercises/release/`` that the solutions no longer produce are left
where they are, and listed. As with nbgrader run in the course folder, the course's gradebook
(``gradebook.db``, kept out of git) records the assignment and its graded cells, which
``nbgrader autograde`` needs.

nbgrader runs from the environment of the Python that runs this script, and finds its ``alembic``
helper next to that Python, so the environment need not be activated. ``--course`` names another
course folder (the tests use a temporary copy).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
CONFIG = "nbgrader_config.py"
# What must not reach a student: nbgrader's markers around solutions and hidden tests.
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


class RegenerationFailed(Exception):
    """The copies could not be made; release/ was not touched. The message says why."""


def nbgrader_environment() -> dict[str, str]:
    """This environment's variables, with the folder of this Python (where ``alembic`` is) first on PATH."""
    scripts = Path(sys.executable).parent
    if shutil.which("alembic", path=str(scripts)) is None:
        raise RegenerationFailed(
            f"nbgrader needs its `alembic` helper, which is not next to {sys.executable}: run this "
            "script with the Python of the environment that has requirements-dev.txt installed."
        )
    return {**os.environ, "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}"}


def generate(course: Path, scratch: Path) -> dict[str, Path]:
    """Generate every assignment of ``course`` in ``scratch``; return each one's new release folder."""
    if not (course / CONFIG).is_file() or not (course / "source").is_dir():
        raise RegenerationFailed(f"{course} is not the exercises' course folder (no {CONFIG} or source/).")
    assignments = sorted(folder.name for folder in (course / "source").iterdir() if folder.is_dir())
    if not assignments:
        raise RegenerationFailed(f"{course / 'source'} holds no assignment folder.")
    shutil.copy(course / CONFIG, scratch / CONFIG)
    shutil.copytree(
        course / "source", scratch / "source", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    env = nbgrader_environment()
    for name in assignments:
        command = [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force"]
        # the files go to the scratch copy; the course's own gradebook learns the assignment and
        # its graded cells, as with nbgrader in the course folder, so that autograde can run there
        gradebook = f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"
        result = subprocess.run(
            [*command, f"--CourseDirectory.root={scratch}", gradebook],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            log = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
            raise RegenerationFailed(f"nbgrader could not generate the student copies of {name}:\n{log}")
    return {name: scratch / "release" / name for name in assignments}


def not_a_student_copy(source: Path, release: Path) -> list[str]:
    """What is wrong with a generated release folder, compared with its source folder (none: [])."""
    wanted = {path.name for path in source.glob("*.ipynb")}
    made = {path.name for path in release.glob("*.ipynb")}
    problems = [f"{name} was not generated" for name in sorted(wanted - made)]
    for path in sorted(release.glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        problems += [f"{path.name} still holds {marker!r}" for marker in MARKERS if marker in text]
        if '"output_type"' in text:
            problems.append(f"{path.name} still has outputs")
    return problems


def replace_files(new: Path, old: Path) -> tuple[list[str], list[str]]:
    """Write every file under ``new`` over its namesake under ``old``, each in one step (os.replace).

    Returns the files that changed and those under ``old`` that ``new`` does not have (kept)."""
    changed = []
    for path in sorted(p for p in new.rglob("*") if p.is_file()):
        target = old / path.relative_to(new)
        if target.is_file() and target.read_bytes() == path.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.regenerated")
        shutil.copyfile(path, staged)
        os.replace(staged, target)
        changed.append(str(path.relative_to(new)))
    kept = [
        str(path.relative_to(old))
        for path in sorted(old.rglob("*"))
        if path.is_file() and not (new / path.relative_to(old)).exists()
    ]
    return changed, kept


def regenerate(course: Path) -> str:
    """Regenerate ``course``'s release/ from its source/; return what was done, in a few lines."""
    with tempfile.TemporaryDirectory(prefix="regenerate-exercises-") as scratch:
        generated = generate(course, Path(scratch))
        problems = [
            f"{name}: {problem}"
            for name, folder in generated.items()
            for problem in not_a_student_copy(course / "source" / name, folder)
        ]
        if problems:
            raise RegenerationFailed("nbgrader's copies are not student copies: " + "; ".join(problems))
        report = []
        for name, folder in generated.items():
            release = course / "release" / name
            changed, kept = replace_files(folder, release)
            count = len(list(folder.glob("*.ipynb")))
            report.append(
                f"{release}: {count} student copies, {len(changed)} file{'s' * (len(changed) != 1)} changed"
                + (f" ({', '.join(changed)})" if changed else "")
            )
            if kept:
                report.append(
                    f"  left in place, not made from source/ (delete them if they are stale): {', '.join(kept)}"
                )
    return "\n".join(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--course", type=Path, default=EXERCISES, help="the course folder (default: exercises/)"
    )
    args = parser.parse_args()
    try:
        print(regenerate(args.course.resolve()))
    except RegenerationFailed as failure:
        raise SystemExit(f"{failure}\nNothing was changed in {args.course.resolve() / 'release'}.") from None


if __name__ == "__main__":
    main()
