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
    """The lesson's trained model, found as the notebooks find it (notebook 3's, else the shipped copy)."""
    from utils.notebooks import trained_model_path

    notebooks = Path(__file__).parents[1] / "notebooks"
    return trained_model_path(trained=notebooks / "models", shipped=notebooks / "pretrained")
