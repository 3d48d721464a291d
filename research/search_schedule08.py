"""Notebook 8's recipe for a given number of epochs and seeds: training seconds and test accuracy.

**A record, not maintained.** This study ran against the notebooks as they were at commit
7696c9b (2 to 3 December 2026, then ``scripts/search_schedule08.py``); it restates their networks and recipes, which
have changed since. It is kept to show how its results (``research/results/``) were made;
to run it again, check out that commit. What it found is in ``research/README.md``.

Trains exactly what notebook 8 trains (its shifted digits, network, warm-up + cosine schedule and
Adam; deterministic kernels and the reference thread count, as ``setup_notebook`` sets them),
with only the number of epochs and the seed changed, and prints one line per run. With
``--out`` each run is added to ``notebooks/data/notebook08_recipes.json``, which notebook 8 plots.

Run on idle cores (nothing else running), as the benchmark script does, one seed per process
(TensorFlow's thread count is fixed once per process):

    for seed in 1 2; do .venv/bin/python research/search_schedule08.py --epochs 12 --seed $seed \\
        --label "this recipe" --out notebooks/data/notebook08_recipes.json; done

Each run takes a few minutes on 2 CPU cores. This is a measuring tool, not a test; the network
and the data pipeline are re-stated here (model definitions the tutorial teaches stay in the
notebook), so keep them in step with notebook 8.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH_SIZE, MAX_SHIFT, PEAK_LEARNING_RATE = 128, 2, 3e-3


def random_shifts(images: Any, max_shift: int, rng: Any) -> Any:
    """Each image moved by its own random offset of up to ``max_shift`` pixels (notebook 8's)."""
    import numpy as np

    size = images.shape[1]
    padded = np.pad(images, ((0, 0), (max_shift, max_shift), (max_shift, max_shift), (0, 0)))
    offsets = rng.integers(0, 2 * max_shift + 1, size=(len(images), 2))
    shifted = np.empty_like(images)
    for dy in range(2 * max_shift + 1):
        for dx in range(2 * max_shift + 1):
            chosen = (offsets[:, 0] == dy) & (offsets[:, 1] == dx)
            shifted[chosen] = padded[chosen, dy : dy + size, dx : dx + size]
    return shifted


def train(epochs: int, seed: int) -> tuple[float, float]:
    """Train notebook 8's recipe for ``epochs`` from ``seed``: (training seconds, test accuracy)."""
    from utils.setup import setup_notebook

    setup_notebook(seed=seed)
    import keras
    import numpy as np
    from keras import layers

    from utils.backends import timed_fit
    from utils.data import load_mnist

    (train_images, train_labels), (test_images, test_labels) = load_mnist()
    train_images = train_images.reshape((60000, 28, 28, 1))
    x_test = test_images.reshape((10000, 28, 28, 1)).astype("float32") / 255

    class ShiftedDigits(keras.utils.PyDataset):
        def __init__(self) -> None:
            super().__init__()
            self.rng = np.random.default_rng(seed)
            self.on_epoch_end()

        def __len__(self) -> int:
            return -(-len(train_images) // BATCH_SIZE)

        def __getitem__(self, index: int) -> tuple[Any, Any]:
            batch = slice(index * BATCH_SIZE, (index + 1) * BATCH_SIZE)
            return self.epoch_images[batch].astype("float32") / 255, self.epoch_labels[batch]

        def on_epoch_end(self) -> None:
            order = self.rng.permutation(len(train_images))
            self.epoch_images = random_shifts(train_images[order], MAX_SHIFT, self.rng)
            self.epoch_labels = train_labels[order]

    training_data = ShiftedDigits()

    def conv(filters: int) -> Any:
        return layers.Conv2D(filters, (3, 3), activation="relu")

    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            conv(24),
            layers.MaxPooling2D((2, 2)),
            conv(48),
            conv(64),
            layers.MaxPooling2D((2, 2)),
            layers.Flatten(),
            layers.Dropout(0.3),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.3),
            layers.Dense(10, activation="softmax"),
        ]
    )
    steps = epochs * len(training_data)
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=steps - steps // 10, warmup_target=PEAK_LEARNING_RATE, warmup_steps=steps // 10
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=32,
    )
    seconds = timed_fit(model, training_data, epochs=epochs)
    accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(axis=1) == test_labels))
    return seconds, accuracy


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--label", help="the plot's label for these runs (default: 'N epochs')")
    parser.add_argument("--shared-cpu", action="store_true", help="other jobs used the cores meanwhile")
    parser.add_argument("--out", type=Path, help="add this run to this JSON file (notebook 8's recipes)")
    args = parser.parse_args()

    seconds, accuracy = train(args.epochs, args.seed)
    print(f"{args.epochs} epochs, seed {args.seed}: {seconds:.1f} s, {100 * accuracy:.2f} %", flush=True)
    if args.out:
        record = json.loads(args.out.read_text())
        record["recipes"].append(
            {
                "recipe": f"notebook 8's recipe for {args.epochs} epochs, seed {args.seed}",
                "seconds": round(seconds, 1),
                "test_accuracy": round(100 * accuracy, 2),
                "shared_cpu": args.shared_cpu,
                "source": f"research/search_schedule08.py, {time.strftime('%Y-%m-%d')}",
                "label": args.label or f"{args.epochs} epochs",
            }
        )
        args.out.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
