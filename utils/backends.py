"""Time a model's training on each Keras backend (TensorFlow, JAX, PyTorch).

Keras picks its backend once, when it is first imported, so a notebook cannot switch backends.
``time_training`` therefore runs each measurement in a fresh Python process with
``KERAS_BACKEND`` set. The model travels as a ``.keras`` file, which every backend can load,
so all backends train exactly the same network with the same optimizer and settings.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

# The package each backend needs, which is also what to `pip install`.
BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}

# Runs in the fresh process, like notebook 7's best_seconds: load the model, warm up (the first
# step builds or compiles the training step), then keep the fastest of several passes over the
# same images.
_TIMER = """
import json, sys, time
import keras
from utils.data import load_mnist

path, images, batch_size, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
keras.utils.set_random_seed(42)
model = keras.models.load_model(path)
(x, y), _ = load_mnist()
x = x[:images].reshape((-1, 28, 28, 1)).astype("float32") / 255
y = keras.utils.to_categorical(y[:images], num_classes=10)
model.fit(x[:batch_size], y[:batch_size], batch_size=batch_size, verbose=0)
times = []
for _ in range(repeats):
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, verbose=0)
    times.append(time.perf_counter() - start)
print(json.dumps({"backend": keras.backend.backend(), "seconds": min(times)}))
"""


def time_training(
    model_path: str | Path,
    backend: str,
    images: int = 15360,
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
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, "-c", _TIMER, str(model_path), str(images), str(batch_size), str(repeats)]
    result = subprocess.run(command, env=env, check=False, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        last_line = (result.stderr.strip().splitlines() or ["(no error output)"])[-1]
        raise RuntimeError(f"Timing the {backend} backend failed: {last_line}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    if measured["backend"] != backend:
        raise RuntimeError(f"Asked for the {backend} backend but Keras ran on {measured['backend']}.")
    return float(measured["seconds"])
