"""Fixtures for the unit tests. The tiers, headless figures and the doctests' names are set in
the repository's root ``conftest.py``, which also sees the notebooks and the doctests."""

from __future__ import annotations

from pathlib import Path

import pytest

from utils.data import load_mnist


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST, loaded the way the notebooks load it (cache, Keras, or PyPI mirror)."""
    return load_mnist()


@pytest.fixture(scope="session")
def trained_model_path():
    """notebooks/models/mnist_convnet.keras, trained by running notebook 03 if it is missing."""
    from utils.notebooks import ensure_trained_model

    notebooks = Path(__file__).parents[1] / "notebooks"
    return ensure_trained_model(
        notebooks / "models" / "mnist_convnet.keras", notebooks / "03_prepare_mnist_and_train.ipynb"
    )
