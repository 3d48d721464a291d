"""Fixtures for the unit tests. The tiers, headless figures and the doctests' names are set in
the repository's root ``conftest.py``, which also sees the notebooks and the doctests; what the
tests share besides fixtures (paths, commands, the tiny model, servers) is in ``support.py``."""

from __future__ import annotations

import hashlib

import pytest

from support import CHROMIUM, NOTEBOOKS, chromium_found, launch_chromium, needed
from utils import _mnist_sources
from utils.data import load_mnist


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST, loaded the way the notebooks load it (cache, Keras, or PyPI mirror)."""
    return load_mnist()


@pytest.fixture
def small_mnist(mnist, monkeypatch):
    """A slice of the real MNIST (40 training and 10 test digits) that the loader accepts as MNIST:
    its shapes and checksums replace the real ones for the test. Writing, reading and rebuilding
    its cache takes milliseconds, so a test can try thousands of damaged caches."""
    (x_train, y_train), (x_test, y_test) = mnist
    arrays = {"x_train": x_train[:40], "y_train": y_train[:40], "x_test": x_test[:10], "y_test": y_test[:10]}
    monkeypatch.setattr(_mnist_sources, "SHAPES", {key: value.shape for key, value in arrays.items()})
    monkeypatch.setattr(
        _mnist_sources,
        "ARRAY_SHA256",
        {key: hashlib.sha256(value.tobytes()).hexdigest() for key, value in arrays.items()},
    )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


@pytest.fixture(scope="session")
def trained_model_path():
    """The lesson's trained model, found as the notebooks find it (notebook 3's, else the shipped copy)."""
    from utils.notebooks import trained_model_path

    return trained_model_path(trained=NOTEBOOKS / "models", shipped=NOTEBOOKS / "pretrained")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's), driven by Playwright; skipped where it is not installed,
    except in CI (``CI`` set), where a missing browser fails the test."""
    if not chromium_found():
        needed(f"there is no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` (Debian)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
