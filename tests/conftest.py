"""Shared fixtures. Figures are drawn headless (Agg), so the tests need no screen."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from utils.data import load_mnist


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST, loaded the way the notebooks load it (cache, Keras, or PyPI mirror)."""
    return load_mnist()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def trained_model_path():
    """The lesson's trained model, found as the notebooks find it (notebook 3's, else the shipped copy)."""
    from pathlib import Path

    from utils.notebooks import trained_model_path

    notebooks = Path(__file__).parents[1] / "notebooks"
    return trained_model_path(trained=notebooks / "models", shipped=notebooks / "pretrained")
