"""The lesson's recipe on a GPU, through Keras's JAX or PyTorch backend: time, accuracy, step times.

**A record of one measurement, December 2026.** The GPU machine this project could borrow (one
NVIDIA H200) has PyTorch and JAX but no TensorFlow, and TensorFlow's GPU wheels are far larger
than what can be carried to it, so the notebooks themselves (which import TensorFlow in their
Setup cell) could not run there as they would on Colab's GPU runtime. This script restates the
lesson's model and recipe (notebook 3) and notebook 7's step-time measurements, and runs them on
whichever backend ``KERAS_BACKEND`` names:

    KERAS_BACKEND=jax python research/gpu_backends.py --mnist mnist-verified.npz --out jax.json

It prints and writes one JSON record: the device, the 8-epoch training's time and test accuracy,
the shipped trained model's test accuracy on this backend, and the time of one training step at
several batch sizes, with and without ``steps_per_execution=32``. The results are in
``research/results/gpu-h200.json``; what they show is in ``research/README.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import keras  # noqa: E402  (on the backend KERAS_BACKEND names)
import numpy as np  # noqa: E402

from utils.backends import best_seconds  # noqa: E402
from utils.data import load_mnist  # noqa: E402


def lesson_model(steps_per_execution: int = 1) -> keras.Model:
    """Notebook 3's convnet, compiled as there (rmsprop, categorical cross-entropy)."""
    keras.utils.set_random_seed(42)
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(32, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(64, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(64, (3, 3), activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="rmsprop",
        loss="categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    return model


def device() -> str:
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return str(jax.devices()[0])
    if backend == "torch":
        import torch

        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
    return backend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", required=True, help="an mnist.npz (verified on load)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=8, help="the lesson's 8; fewer for a quick check")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 64, 128, 256, 512, 1024])
    args = parser.parse_args()

    (train_images, train_labels), (test_images, test_labels) = load_mnist(
        args.mnist, data_dir="/tmp/mnist-cache"
    )
    x_train = train_images.reshape((60000, 28, 28, 1)).astype("float32") / 255
    x_test = test_images.reshape((10000, 28, 28, 1)).astype("float32") / 255
    y_train = keras.utils.to_categorical(train_labels, num_classes=10)
    y_test = keras.utils.to_categorical(test_labels, num_classes=10)
    record: dict[str, object] = {
        "backend": keras.backend.backend(),
        "keras": keras.__version__,
        "device": device(),
    }
    print(record, flush=True)

    model = lesson_model()
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=64, verbose=0)
    record[f"lesson_{args.epochs}_epochs_seconds"] = round(time.perf_counter() - start, 1)
    record["lesson_test_accuracy"] = round(100 * float(model.evaluate(x_test, y_test, verbose=0)[1]), 2)
    print(record, flush=True)

    shipped = keras.models.load_model(ROOT / "notebooks" / "pretrained" / "mnist_convnet.keras")
    answers = np.asarray(shipped.predict(x_test, verbose=0)).argmax(axis=1)
    record["shipped_model_test_accuracy"] = round(100 * float(np.mean(answers == test_labels)), 2)
    print(record, flush=True)

    steps: dict[str, float] = {}
    several = (1,) if keras.backend.backend() == "torch" else (1, 32)  # torch runs one step per call
    for batch_size in args.batch_sizes:
        for spe in several:
            seconds = best_seconds(lesson_model(spe), x_train, y_train, images=15360, batch_size=batch_size)
            steps[f"batch {batch_size}, steps_per_execution {spe}"] = round(
                1000 * seconds / (15360 // batch_size), 3
            )
            print(
                f"batch {batch_size}, steps_per_execution {spe}: {steps[f'batch {batch_size}, steps_per_execution {spe}']} ms per step",
                flush=True,
            )
    record["ms_per_step"] = steps
    args.out.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
