"""Time one training pass on the Keras backend this process was started with.

``utils.backends.time_training`` runs this module in a fresh Python process with
``KERAS_BACKEND`` set (Keras picks its backend once, on import)::

    KERAS_BACKEND=jax python -m utils._backend_timer MODEL_PATH IMAGES BATCH_SIZE REPEATS

It loads the saved model, trains it on the first ``IMAGES`` MNIST images with
``utils.backends.best_seconds`` (the procedure notebook 7 uses) and prints one JSON line:
``{"backend": "jax", "seconds": 4.87}``.
"""

from __future__ import annotations

import argparse
import importlib
import json
from collections.abc import Sequence

from utils.backends import best_seconds
from utils.data import load_mnist


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("model_path")
    parser.add_argument("images", type=int)
    parser.add_argument("batch_size", type=int)
    parser.add_argument("repeats", type=int)
    args = parser.parse_args(argv)

    keras = importlib.import_module("keras")  # on the backend KERAS_BACKEND names
    keras.utils.set_random_seed(42)
    model = keras.models.load_model(args.model_path)
    (images, labels), _ = load_mnist()
    x = images[: args.images].reshape((-1, 28, 28, 1)).astype("float32") / 255
    y = keras.utils.to_categorical(labels[: args.images], num_classes=10)
    seconds = best_seconds(model, x, y, images=args.images, batch_size=args.batch_size, repeats=args.repeats)
    print(json.dumps({"backend": keras.backend.backend(), "seconds": seconds}))


if __name__ == "__main__":
    main()
