"""Colab, simulated here: each notebook opened alone, with Colab's packages, fetches the tutorial.

Colab opens one ``.ipynb`` in a runtime of its own, with its own packages. This test:

1. builds a virtual environment with Colab's published versions (``tests/colab/constraints.txt``:
   TensorFlow 2.20, Keras 3.13, NumPy 2.1, …; Python 3.11 stands in for Colab's 3.13, which
   cannot be installed here), reused between runs while the constraints are unchanged. uv
   installs it: it stands in for Colab's ready-made image; what the notebooks install goes
   through the environment's own pip, as on Colab;
2. publishes a clone of this repository under a sample address (``tools/launch_buttons.py``),
   and points git at that clone whenever a notebook asks for the sample address (git's
   ``url.<base>.insteadOf``), so the clone stands in for GitHub;
3. runs notebooks 01-04 and 09, each copied alone into an empty folder with a fresh home
   folder (a fresh Colab runtime), with Colab's marker variable set: each must fetch the
   tutorial in its first cell, say it runs on Colab, and run top to bottom;
4. checks that no package Colab already has was installed or replaced, except Keras (see below).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from uv import find_uv_bin

from support import run
from utils.data import default_data_dir

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "tests" / "colab" / "constraints.txt"
RUNNER = ROOT / "tests" / "colab" / "run_notebook.py"
VENV = ROOT / ".cache" / "colab-venv"
NOTEBOOKS = [
    "01_build_the_convnet_base",
    "02_add_the_classifier_head",
    "03_prepare_mnist_and_train",
    "04_evaluate_on_the_test_set",
    "09_draw_your_own_digit",
]


@pytest.fixture(scope="module")
def colab_python():
    """Python in a virtual environment with Colab's package versions."""
    python = VENV / "bin" / "python"
    stamp = VENV / "constraints.sha256"
    wanted = hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()
    # Colab's image is a given, so uv builds it (14 s against pip's 60 s, measured cold on 2 cores);
    # what the notebooks themselves install goes through the venv's own pip, as on Colab.
    uv = [find_uv_bin(), "pip"]
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        shutil.rmtree(VENV, ignore_errors=True)
        run(sys.executable, "-m", "venv", str(VENV))
        run(*uv, "install", "--quiet", "--python", python, "-r", CONSTRAINTS, timeout=1800)
        stamp.write_text(wanted)
    # a previous run upgraded Keras and installed the tutorial, as Colab would: undo both
    run(*uv, "uninstall", "--quiet", "--python", python, "mnist-convnet-tutorial")
    run(*uv, "install", "--quiet", "--python", python, "-r", CONSTRAINTS, timeout=1800)
    return python


@pytest.fixture(scope="module")
def github(tmp_path_factory):
    """A published clone of this repository (its committed state), standing in for GitHub."""
    remote = tmp_path_factory.mktemp("github") / "mnist-convnet"
    run("git", "clone", "--quiet", str(ROOT), str(remote))
    branch = run("git", "-C", str(remote), "branch", "--show-current").stdout.strip()
    address = f"https://github.com/sample-owner/mnist-convnet/tree/{branch}"
    run(sys.executable, "tools/launch_buttons.py", "--publish", address, cwd=remote)
    identity = ["-c", "user.name=test", "-c", "user.email=test@localhost"]
    run("git", "-C", str(remote), *identity, "commit", "--quiet", "-am", "Publish under a sample address")
    gitconfig = remote.parent / "gitconfig"
    gitconfig.write_text(
        f'[url "file://{remote}"]\n\tinsteadOf = https://github.com/sample-owner/mnist-convnet.git\n'
    )
    return remote, gitconfig


def freeze(python):
    return run(str(python), "-m", "pip", "freeze", "--exclude-editable").stdout.splitlines()


@pytest.fixture(scope="module")
def runs(colab_python, github, tmp_path_factory):
    """Each notebook run alone in a fresh 'Colab runtime'; the executed notebooks and pip's view."""
    remote, gitconfig = github
    before = freeze(colab_python)
    results = {}
    for name in NOTEBOOKS:
        runtime = tmp_path_factory.mktemp(name)
        (runtime / "home").mkdir()
        (runtime / "content").mkdir()
        notebook = runtime / "content" / f"{name}.ipynb"
        shutil.copy(remote / "notebooks" / f"{name}.ipynb", notebook)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH", "MPLBACKEND"}
        }
        env.update(
            HOME=str(runtime / "home"),
            GIT_CONFIG_GLOBAL=str(gitconfig),
            COLAB_RELEASE_TAG="release-colab-simulated",
            KERAS_HOME=str(default_data_dir().parent),  # MNIST as a previous download left it
            PATH=f"{colab_python.parent}{os.pathsep}{os.environ['PATH']}",
        )
        result = subprocess.run(
            [str(colab_python), str(RUNNER), notebook.name, "executed.ipynb"],
            cwd=notebook.parent,
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        results[name] = (result, nbformat.read(notebook.parent / "executed.ipynb", as_version=4), runtime)
    return results, before, freeze(colab_python)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_notebook_runs_alone_on_colab(runs, name):
    result, executed, runtime = runs[0][name]
    assert result.returncode == 0, f"{name} failed on the simulated Colab:\n{result.stderr[-3000:]}"
    setup = next(cell for cell in executed.cells if cell.cell_type == "code")
    said = "".join(output.get("text", "") for output in setup.outputs)
    assert "running on Colab" in said, said
    assert (runtime / "home" / "mnist-convnet" / "utils" / "setup.py").exists(), "the tutorial was fetched"


def test_only_keras_is_upgraded_nothing_else_colab_has_is_touched(runs):
    """Colab's Keras (3.13) cannot load a model saved by Keras 3.15, so pyproject.toml asks for
    ``keras>=3.15``; every other package Colab has is used as it is (TensorFlow included)."""
    _, before, after = runs
    changed = sorted(set(before) ^ set(after))
    assert {line.split("==")[0] for line in changed} <= {"keras"}, changed
    assert "tensorflow==2.20.0" in after
