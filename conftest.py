"""What every pytest run shares: headless figures, the test tiers, the doctests' namespace.

This file sits at the repository's root because it is the one place pytest consults for every
kind of item: the helpers' doctests (``utils/``), the notebooks that nbval runs
(``notebooks/``) and the unit tests (``tests/``, whose fixtures live in ``tests/conftest.py``).

Tiers: ``python -m pytest -m "not slow"`` is the quick run (a few minutes on 2 cores);
``python -m pytest`` runs everything. Which items are slow is decided here, in one place:

- a notebook is slow if ``benchmarks/cpu2.json`` measured it at over ``SLOW_NOTEBOOK_SECONDS``
  on 2 CPU cores, or if it has not been measured yet (``scripts/rerun_notebook.py`` measures it);
- a test module is slow if it is named in ``SLOW_MODULES`` (training, nbgrader, a browser, a
  clean virtual environment); ``BROWSER_MODULES`` also get the ``browser`` marker.

Parallel runs: ``pyproject.toml`` asks pytest-xdist for two worker processes (``-n 2``;
``-n 0`` runs everything in this one process, e.g. to debug). Each worker takes whole groups
(``pytest_xdist_make_scheduler`` below) and runs a group's items in order. A group is one file
(a notebook's cells must run in order, a module shares its fixtures), except that the notebooks
that use the trained model and the tests that read it form one group, ``SHARED_MODEL_GROUP``:
notebook 3 writes ``notebooks/models/mnist_convnet.keras``, and nothing may read it while it is
being written.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere: no screen needed

import matplotlib.pyplot as plt
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent
SLOW_NOTEBOOK_SECONDS = 30
SLOW_MODULES = {
    "tests/test_exercises.py": "trains the exercises' models with nbgrader (minutes)",
    "tests/test_browser.py": "starts JupyterLab and drives Chromium through notebook 9",
    "tests/test_book.py": "builds the static book",
    "tests/test_colab.py": "runs the notebooks as Colab would",
    "tests/test_classroom.py": "runs a classroom round trip",
    "tests/test_install.py": "installs the package into a clean virtual environment",
    "tests/test_pretrained.py": "compares the shipped model with notebook 03's training",
}
BROWSER_MODULES = {"tests/test_browser.py"}
SHARED_MODEL_GROUP = "notebook 3 and what reads its model"
# Notebook 3 trains and saves the model; these read it (notebooks 4, 5, 6, 8 and 9 through
# utils.notebooks.trained_model_path, exercise 4 by its path). Notebooks 1, 2 and 7 do not.
READS_THE_TRAINED_MODEL = {
    "notebooks/03_prepare_mnist_and_train.ipynb",
    "notebooks/04_evaluate_on_the_test_set.ipynb",
    "notebooks/05_mlp_vs_convnet.ipynb",
    "notebooks/06_what_the_convnet_sees.ipynb",
    "notebooks/08_how_far_can_it_go.ipynb",
    "notebooks/09_draw_your_own_digit.ipynb",
    "tests/test_browser.py",
    "tests/test_drawing.py",
    "tests/test_exercises.py",
    "tests/test_pretrained.py",
}


def notebook_seconds() -> dict[str, float]:
    """Each notebook's measured time on 2 CPU cores, from ``benchmarks/cpu2.json``."""
    path = ROOT / "benchmarks" / "cpu2.json"
    if not path.exists():
        return {}
    return {row["notebook"]: row["seconds"] for row in json.loads(path.read_text())["results"]}


def relative_path(path: Path) -> str:
    """``path`` relative to the repository's root, with ``/`` (empty if outside it)."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:  # an item outside the repository, e.g. a test's temporary notebook
        return ""


def slow_reason(path: Path, seconds: dict[str, float]) -> str | None:
    """Why the item collected from ``path`` belongs to the slow tier, or ``None``."""
    relative = relative_path(path)
    if relative in SLOW_MODULES:
        return SLOW_MODULES[relative]
    if path.suffix == ".ipynb" and relative.startswith("notebooks/"):
        if path.name not in seconds:
            return "not measured yet (benchmarks/cpu2.json)"
        if seconds[path.name] > SLOW_NOTEBOOK_SECONDS:
            return f"runs in {seconds[path.name]:.0f} s on 2 CPU cores"
    return None


def worker_group(nodeid: str) -> str:
    """The group of the item ``nodeid``: its file, or ``SHARED_MODEL_GROUP`` (tested in
    tests/test_workers.py)."""
    file = nodeid.split("::", 1)[0]
    return SHARED_MODEL_GROUP if file in READS_THE_TRAINED_MODEL else file


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """pytest-xdist's scheduler by file (``--dist loadscope``), with our groups as its scopes.

    (Its own ``--dist loadgroup`` would read ``xdist_group`` marks, but with pytest 9.2 it no
    longer groups anything: pytest-dev/pytest-xdist#1386.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid)

    return ByGroup(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seconds = notebook_seconds()
    for item in items:
        reason = slow_reason(item.path, seconds)
        if reason:
            item.add_marker(pytest.mark.slow(reason=reason))
        if relative_path(item.path) in BROWSER_MODULES:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def tiny_convnet():
    """A small untrained convnet for the helpers' doctests: 28×28 grey images → 10 classes.

    Its layers have the names the notebooks' convnet has (``conv2d``, ``max_pooling2d``, …),
    so the examples read as they would in notebook 6."""
    from utils.setup import import_keras_quietly

    keras = import_keras_quietly()
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(32, 3, activation="relu", name="conv2d"),
            keras.layers.MaxPooling2D(name="max_pooling2d"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(10, activation="softmax", name="dense"),
        ]
    )


@pytest.fixture(autouse=True)
def _doctest_names(request: pytest.FixtureRequest, doctest_namespace: dict[str, object]) -> None:
    """Names the doctests of ``utils.explain`` use: ``np``, a ``model``, some ``x_test`` images."""
    doctest_namespace["np"] = np
    if isinstance(request.node, pytest.DoctestItem) and request.node.name.startswith("utils.explain"):
        doctest_namespace["model"] = request.getfixturevalue("tiny_convnet")
        doctest_namespace["x_test"] = np.random.default_rng(0).random((3, 28, 28, 1), dtype="float32")
