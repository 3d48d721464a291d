"""What every pytest run shares: headless figures, the slow notebooks, the worker groups, the doctests' names.

This file sits at the repository's root because it is the one place pytest consults for every
kind of item: the helpers' doctests (``utils/``), the notebooks that nbval runs
(``notebooks/``) and the tests (``tests/``; their fixtures are in ``tests/conftest.py``).

Tiers: ``python -m pytest -m "not slow"`` is the quick tier; ``python -m pytest -n 2`` runs
everything. A test module that is slow says so itself (``pytestmark = pytest.mark.slow``); a
notebook cannot, so the slow notebooks are named here, in ``SLOW_NOTEBOOKS``.

Two workers (``-n 2``, pytest-xdist) take whole groups of items and run each group in order. A
group is one file (a notebook's cells run in order in one kernel; a module builds its fixtures
once), except that notebook 3, which trains and saves ``notebooks/models/mnist_convnet.keras``,
and every notebook or test that reads that model form one group, so nothing reads the file while
it is being written. The readers are found in the files themselves (``reads_the_trained_model``),
so a new notebook or test cannot be left out.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere: no screen needed

import matplotlib.pyplot as plt
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent
SLOW_NOTEBOOKS = {
    "03_prepare_mnist_and_train.ipynb": "trains the lesson's convnet: 8 epochs on 60,000 digits",
    "05_mlp_vs_convnet.ipynb": "trains the MLP baseline",
    "07_make_it_train_faster.ipynb": "times many short trainings",
    "08_how_far_can_it_go.ipynb": "trains the best recipe for 10 epochs",
}
SHARED_MODEL_GROUP = "notebook 3 and what reads its model"
# What code that uses notebook 3's model says: the helper that finds it, or the file's name.
MODEL_READERS = ("trained_model_path", "mnist_convnet.keras")


@functools.cache
def reads_the_trained_model(file: str) -> bool:
    """Whether the notebook or test module ``file`` (relative to the root) uses notebook 3's model.

    A notebook's code cells, or a test module's own text, are searched for ``MODEL_READERS``.
    (The exercises' tests are not in the group: exercise 4 reads the model too, but if it ever
    met a file notebook 3 was still writing, ``trained_model_path`` would use the shipped copy
    and say so, and its checks compare it with the same model's answers.)"""
    path = ROOT / file
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
        return any(word in code for word in MODEL_READERS)
    if not (path.suffix == ".py" and path.parent.name == "tests" and path.name.startswith("test_")):
        return False
    return any(word in path.read_text(encoding="utf-8") for word in MODEL_READERS)


def worker_group(nodeid: str) -> str:
    """The group of the item ``nodeid``: its file, or ``SHARED_MODEL_GROUP``."""
    file = nodeid.split("::", 1)[0]
    return SHARED_MODEL_GROUP if reads_the_trained_model(file) else file


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
    for item in items:
        if item.path.suffix == ".ipynb" and item.path.name in SLOW_NOTEBOOKS:
            item.add_marker(pytest.mark.slow(reason=SLOW_NOTEBOOKS[item.path.name]))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(autouse=True)
def _doctest_names(request: pytest.FixtureRequest, doctest_namespace: dict[str, object]) -> None:
    """Names the doctests of ``utils.explain`` use: ``np``, a ``model``, some ``x_test`` images."""
    doctest_namespace["np"] = np
    if isinstance(request.node, pytest.DoctestItem) and request.node.name.startswith("utils.explain"):
        from support import tiny_convnet

        doctest_namespace["model"] = tiny_convnet(filters=32)
        doctest_namespace["x_test"] = np.random.default_rng(0).random((3, 28, 28, 1), dtype="float32")
