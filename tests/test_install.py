"""`pip install .` in a clean virtual environment gives a `utils` whose every module imports.

The environment has no access to the development one (no `--system-site-packages`), so a
dependency missing from pyproject.toml fails here. Keras and TensorFlow are the `tensorflow`
extra and stay out: no module of `utils` imports them on import, only when a helper runs. pip
installs from the package index it is configured with (its cache keeps the wheels, so a rerun
needs no network when they are cached). About 1 to 2 minutes on 2 CPU cores; marked slow in the
root conftest.py.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

import support

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(path.stem for path in (ROOT / "utils").glob("*.py") if path.stem != "__init__")
DATA_FILES = sorted(path.name for path in (ROOT / "utils").iterdir() if path.suffix in {".js", ".css"})


def run(*command: str | Path, cwd: Path) -> str:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}  # nothing leaks in
    return support.run(*command, cwd=cwd, env=env).stdout


def test_pip_install_gives_a_utils_whose_every_module_imports(tmp_path):
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the repository
    source.mkdir()
    shutil.copytree(ROOT / "utils", source / "utils", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", source, cwd=tmp_path)

    code = (
        "import importlib, json, pathlib, utils\n"
        f"for name in {MODULES!r}: importlib.import_module('utils.' + name)\n"
        "folder = pathlib.Path(utils.__file__).parent\n"
        "print(json.dumps([str(folder), sorted(p.name for p in folder.iterdir())]))"
    )
    folder, files = json.loads(run(python, "-c", code, cwd=tmp_path))
    assert folder.startswith(str(venv)), "utils came from outside the new environment"
    assert set(DATA_FILES) <= set(files), "the drawing pad's .js and .css files are package data"
    assert MODULES, "found the modules to import"
