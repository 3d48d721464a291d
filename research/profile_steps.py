"""Where a training step's time goes on this CPU: whole networks and single convolutions.

**A record, not maintained.** This study ran against the notebooks as they were at commit
7696c9b (2 to 3 December 2026, then ``scripts/profile_steps.py``); it restates their networks and recipes, which
have changed since. It is kept to show how its results (``research/results/``) were made;
to run it again, check out that commit. What it found is in ``research/README.md``.

Measures the time of one training step (forward and backward pass, weights updated) for the
networks notebooks 3 and 8 train, at batches of 32, 64 and 128 images (a batch's activations
may or may not fit in the CPU's cache), and for each of their convolutions alone (batch 128),
in four settings: TensorFlow's deterministic kernels on or off (``setup_notebook``
turns them on), and oneDNN (TensorFlow's Intel/AMD-optimised CPU kernels) on or off. Each
setting runs in a fresh Python process, since neither can be changed once TensorFlow has
started. For each convolution it also reports the arithmetic rate reached (GFLOP/s: two
operations per multiply-add, three convolutions per step: forward, and backward for the
input and for the weights), which says whether the CPU's vector units are used well.

Run on two idle cores (nothing else running) and compare machines by these rates:

    .venv/bin/python research/profile_steps.py --out research/results/steps-avx2.json

``--onednn-isa AVX2`` makes oneDNN use only AVX2 kernels on a CPU that has AVX-512 (oneDNN's
``ONEDNN_MAX_CPU_ISA``): it separates what the narrower vector instructions cost from what an
older CPU's hardware costs.

This is a measuring tool, not a test. Its purpose is issue 14's question: why notebook 8's
earlier network ran 5.9x slower on an AVX2-only CPU than on an AVX-512 one, while the lesson's
ran 2.5x slower.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BATCH = 128  # for the single convolutions
NETWORK_BATCHES = (32, 64, 128)

# name: (input height/width, input channels, filters, padding). The shapes each network's
# convolutions see; "lesson" is notebooks 1-4, "earlier 08" is notebook 8 before its new
# recipe (commit 020feeb), "08" is notebook 8 now.
CONVOLUTIONS = {
    "lesson conv 1: 28x28, 1->32": (28, 1, 32, "valid"),
    "lesson conv 2: 13x13, 32->64": (13, 32, 64, "valid"),
    "lesson conv 3: 5x5, 64->64": (5, 64, 64, "valid"),
    "earlier 08 conv 1: 28x28, 1->32, same": (28, 1, 32, "same"),
    "earlier 08 conv 2: 28x28, 32->32": (28, 32, 32, "valid"),
    "earlier 08 conv 3: 13x13, 32->64, same": (13, 32, 64, "same"),
    "earlier 08 conv 4: 13x13, 64->64": (13, 64, 64, "valid"),
    "08 conv 1: 28x28, 1->24": (28, 1, 24, "valid"),
    "08 conv 2: 13x13, 24->48": (13, 24, 48, "valid"),
    "08 conv 3: 11x11, 48->64": (11, 48, 64, "valid"),
}
SETTINGS = {
    "deterministic, oneDNN": {"deterministic": True, "onednn": True},
    "not deterministic, oneDNN": {"deterministic": False, "onednn": True},
    "deterministic, no oneDNN": {"deterministic": True, "onednn": False},
    "not deterministic, no oneDNN": {"deterministic": False, "onednn": False},
}


def multiply_adds(size: int, channels: int, filters: int, padding: str) -> int:
    """Multiply-adds of one forward pass of a 3x3 convolution on one image.

    Example:
        >>> multiply_adds(28, 1, 32, "valid")  # 26 x 26 outputs, 32 filters, 3 x 3 x 1 each
        194688
    """
    out = size if padding == "same" else size - 2
    return out * out * filters * 9 * channels


def networks(keras: Any) -> dict[str, Any]:
    """The networks whose steps are timed (without augmentation, which runs outside the step)."""
    layers = keras.layers

    def conv(filters: int, padding: str = "valid") -> Any:
        return layers.Conv2D(filters, (3, 3), padding=padding, activation="relu")

    def head(*hidden: Any) -> list[Any]:
        return [layers.Flatten(), *hidden, layers.Dense(10, activation="softmax")]

    lesson = [conv(32), layers.MaxPooling2D(), conv(64), layers.MaxPooling2D(), conv(64)]
    earlier = [conv(32, "same"), conv(32), layers.MaxPooling2D(), conv(64, "same"), conv(64)]
    earlier += [layers.MaxPooling2D()]
    now = [conv(24), layers.MaxPooling2D(), conv(48), conv(64), layers.MaxPooling2D()]
    return {
        "lesson's network (notebooks 3-4)": lesson + head(layers.Dense(64, activation="relu")),
        "earlier notebook 8 network": earlier + head(layers.Dense(128, activation="relu")),
        "notebook 8 network": now + head(layers.Dense(128, activation="relu")),
    }


def step_ms(
    keras: Any, model_layers: list[Any], shape: tuple[int, ...], target: Any, steps: int, batch: int = BATCH
) -> float:
    """Median milliseconds per training step over ``steps`` steps, after two warm-up steps."""
    import numpy as np

    model = keras.Sequential([keras.Input(shape=shape), *model_layers])
    loss = "categorical_crossentropy" if target is None else "mse"
    model.compile(optimizer="rmsprop", loss=loss)
    rng = np.random.default_rng(0)
    x = rng.random((batch, *shape), dtype="float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, batch)] if target is None else target(model, x)
    for _ in range(2):
        model.train_on_batch(x, y)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.train_on_batch(x, y)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def zeros_like_output(model: Any, x: Any) -> Any:
    """A regression target for a lone convolution: zeros shaped like its output."""
    return 0 * model.predict(x, verbose=0)


def measure_here(steps: int) -> dict[str, float]:
    """Time every network and convolution in this process's setting (read from the environment)."""
    import keras
    import tensorflow as tf

    if os.environ.get("PROFILE_DETERMINISTIC") == "1":
        tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(2)
    keras.utils.set_random_seed(42)
    results = {}
    for batch in NETWORK_BATCHES:
        for name, model_layers in networks(keras).items():
            results[f"{name}, batch {batch}"] = step_ms(keras, model_layers, (28, 28, 1), None, steps, batch)
    for name, (size, channels, filters, padding) in CONVOLUTIONS.items():
        layer = keras.layers.Conv2D(filters, (3, 3), padding=padding, activation="relu")
        results[name] = step_ms(keras, [layer], (size, size, channels), zeros_like_output, steps)
    return results


def measure_all(steps: int) -> dict[str, Any]:
    """Run ``measure_here`` once per setting, each in a fresh process; collect the results."""
    by_setting = {}
    for setting, flags in SETTINGS.items():
        env = dict(
            os.environ,
            TF_CPP_MIN_LOG_LEVEL="3",
            TF_ENABLE_ONEDNN_OPTS="1" if flags["onednn"] else "0",
            PROFILE_DETERMINISTIC="1" if flags["deterministic"] else "0",
            PYTHONPATH=str(ROOT),
        )
        command = [sys.executable, __file__, "--here", "--steps", str(steps)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=1800)
        by_setting[setting] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{setting}: done", file=sys.stderr, flush=True)
    return by_setting


def report(by_setting: dict[str, Any]) -> str:
    """A Markdown table: ms per step in each setting and, for convolutions, GFLOP/s."""
    settings = list(by_setting)
    lines = [
        "| one training step | "
        + " | ".join(f"{s}: ms" for s in settings)
        + " | first setting: µs per image, GFLOP/s |",
        "|---|" + "---:|" * (len(settings) + 1),
    ]
    for name in by_setting[settings[0]]:
        times = [by_setting[s][name] for s in settings]
        batch = int(name.rsplit(" ", 1)[1]) if name not in CONVOLUTIONS else BATCH
        rate = f"{1000 * times[0] / batch:.0f} µs"
        if name in CONVOLUTIONS:
            flops = 2 * 3 * BATCH * multiply_adds(*CONVOLUTIONS[name])
            rate += f", {flops / (times[0] / 1000) / 1e9:.1f} GFLOP/s"
        lines.append(f"| {name} | " + " | ".join(f"{t:.1f}" for t in times) + f" | {rate} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="timed steps per measurement")
    parser.add_argument("--out", type=Path, help="write the results here (JSON)")
    parser.add_argument(
        "--onednn-isa", help="the widest instructions oneDNN may use, e.g. AVX2 (default: all the CPU has)"
    )
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.onednn_isa:  # read by oneDNN when TensorFlow starts, in each measuring process
        os.environ["ONEDNN_MAX_CPU_ISA"] = args.onednn_isa
    if args.here:
        print(json.dumps(measure_here(args.steps)))
        return
    sys.path.insert(0, str(ROOT))
    from tools.benchmark_notebooks import machine

    by_setting = measure_all(args.steps)
    print(report(by_setting))
    if args.out:
        record = {"machine": machine(), "cpus": len(os.sched_getaffinity(0)), "convolution_batch": BATCH}
        record["onednn_max_cpu_isa"] = os.environ.get("ONEDNN_MAX_CPU_ISA", "all the CPU has")
        record["ms_per_step"] = by_setting
        args.out.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
