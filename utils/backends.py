"""Time a model's training on each Keras backend (TensorFlow, JAX, PyTorch).

Keras picks its backend once, when it is first imported, so a notebook cannot switch backends.
``time_training`` therefore runs each measurement in a fresh Python process with
``KERAS_BACKEND`` set. The model travels as a ``.keras`` file, which every backend can load,
so all backends train exactly the same network with the same optimizer and settings. The
fresh process runs ``utils._backend_timer``, which times with ``best_seconds``, the procedure
notebook 7 uses: warm up on one batch, then keep the fastest of several passes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Protocol

# The package each backend needs, which is also what to `pip install`.
BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
# How many training images one timed pass covers: 240 batches of 64, a few seconds on 2 cores
# (half as many made the comparisons in notebook 7 noticeably noisier).
TIMED_IMAGES = 15360


class Trainable(Protocol):
    """The part of a compiled Keras model that ``best_seconds`` uses."""

    def fit(self, *args: Any, **kwargs: Any) -> Any: ...


def timed_fit(model: Trainable, *args: Any, **kwargs: Any) -> float:
    """Seconds of wall-clock time that ``model.fit(*args, **kwargs)`` takes, without its log.

    Example:
        >>> import keras
        >>> import numpy as np
        >>> model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> timed_fit(model, np.zeros((8, 4)), np.zeros((8, 2)), epochs=1) > 0
        True
    """
    start = time.perf_counter()
    model.fit(*args, verbose=0, **kwargs)
    return time.perf_counter() - start


def best_seconds(
    model: Trainable,
    x: Any,
    y: Any = None,
    images: int = TIMED_IMAGES,
    batch_size: int = 64,
    repeats: int = 3,
) -> float:
    """Seconds for the fastest of ``repeats`` training passes over the first ``images`` images.

    One batch is trained first, untimed: the first step builds (or compiles) the training step.
    ``x`` and ``y`` are arrays, or ``x`` is a ``tf.data`` dataset of batches of ``batch_size``
    and ``y`` is ``None``. The model's weights change: time a fresh model for each setting.

    Example:
        >>> import keras
        >>> import numpy as np
        >>> model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> x, y = np.zeros((128, 4), "float32"), np.zeros((128, 2), "float32")
        >>> best_seconds(model, x, y, images=128, batch_size=64, repeats=2) > 0
        True
    """
    if y is None:  # a tf.data dataset of batches
        model.fit(x.take(1), shuffle=False, verbose=0)
        return min(timed_fit(model, x.take(images // batch_size), shuffle=False) for _ in range(repeats))
    model.fit(x[:batch_size], y[:batch_size], batch_size=batch_size, verbose=0)
    return min(timed_fit(model, x[:images], y[:images], batch_size=batch_size) for _ in range(repeats))


def time_training(
    model_path: str | Path,
    backend: str,
    images: int = TIMED_IMAGES,
    batch_size: int = 64,
    repeats: int = 3,
    timeout: float = 600,
) -> float:
    """Seconds for the fastest of ``repeats`` training passes over ``images`` MNIST images.

    The compiled model saved at ``model_path`` (``model.save(...)``) is trained on ``backend``
    in a separate process, after one warm-up batch, with one-hot labels (as for the lesson's
    ``categorical_crossentropy``). Raises ``ModuleNotFoundError`` with the
    install command if the backend's package is missing, and ``RuntimeError`` with the last
    line of the process's error output if the measurement fails.

    Example:
        >>> time_training("models/convnet.keras", "jax")  # doctest: +SKIP
        4.87
    """
    if backend not in BACKEND_PACKAGES:
        raise ValueError(f"Unknown Keras backend {backend!r}: choose one of {', '.join(BACKEND_PACKAGES)}.")
    package = BACKEND_PACKAGES[backend]
    if importlib.util.find_spec(package) is None:
        raise ModuleNotFoundError(
            f"The {backend} backend is not installed here: run `pip install {package}`, then rerun this cell."
        )
    model_path = Path(model_path)
    if not model_path.exists():
        raise FileNotFoundError(
            f"There is no saved model at {model_path}: save one with model.save(path) first."
        )
    # The fresh process imports this very copy of utils, installed or not.
    here = str(Path(__file__).resolve().parent.parent)
    python_path = os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=python_path)
    timer = [sys.executable, "-m", "utils._backend_timer"]
    command = [*timer, str(model_path), str(images), str(batch_size), str(repeats)]
    result = subprocess.run(command, env=env, check=False, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        last_line = (result.stderr.strip().splitlines() or ["(no error output)"])[-1]
        raise RuntimeError(f"Timing the {backend} backend failed: {last_line}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    if measured["backend"] != backend:
        raise RuntimeError(f"Asked for the {backend} backend but Keras ran on {measured['backend']}.")
    return float(measured["seconds"])
