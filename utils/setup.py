"""What every notebook's Setup cell does: check versions, import Keras quietly, seed, plot style.

TensorFlow's C++ code logs to the process's standard error, and in a notebook those lines appear
as red text under a cell. ``TF_CPP_MIN_LOG_LEVEL=3`` silences what it logs once imported
(``failed call to cuInit`` on a machine without a GPU, ``NodeDef mentions attribute…``), but
not the lines written while it is being imported (``oneDNN custom operations are on…``,
``Could not find cuda drivers…``). ``import_keras_quietly`` sets the variable and sends only
the import-time output to ``/dev/null``. Errors still reach you as Python exceptions.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType

from utils.errors import InvalidInputError, TutorialError

# The oldest versions tested (Colab's TensorFlow; Keras 3.15 to load the shipped trained model).
MINIMUM_VERSIONS = {"keras": (3, 15), "tensorflow": (2, 20)}
# CPU threads of the machine the committed outputs were computed on (2 cores). Deterministic
# kernels still add numbers up in an order that depends on how many threads share the work, so
# a fixed count makes a 1-core Binder session or an 8-core laptop compute exactly the same
# numbers (measured: one core with 2 threads reproduces the 2-core training bit for bit).
REFERENCE_THREADS = 2
# Classroom mode: a hub that runs many students on few cores sets this variable (e.g. to 1) in
# every student's environment, so each kernel's TensorFlow uses that many threads instead of
# REFERENCE_THREADS. Training then no longer reproduces the committed numbers bit for bit (the
# notebooks' range assertions still hold); docs/classroom.md has the measurements behind it.
THREADS_VARIABLE = "TUTORIAL_THREADS"


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the duration (C++ code writes there directly)."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_keras_quietly() -> ModuleType:
    """Import TensorFlow and Keras without their start-up log lines and return ``keras``.

    Example:
        >>> keras = import_keras_quietly()
        >>> keras.__version__.split(".")[0]
        '3'
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _stderr_silenced():
        keras = importlib.import_module("keras")
        importlib.import_module("tensorflow")  # imported here so its logging is silenced too
    return keras


def version_tuple(version: str) -> tuple[int, int]:
    """The (major, minor) numbers of a version string.

    Example:
        >>> version_tuple("2.21.0rc1")
        (2, 21)
    """
    major, minor = ([*version.split("."), "0"])[:2]
    return int(major), int("".join(c for c in minor if c.isdigit()) or 0)


class OutdatedPackageError(TutorialError, RuntimeError):
    """A package is older than this tutorial needs; the message says what to install."""


def check_versions(found: dict[str, str]) -> None:
    """Raise an ``OutdatedPackageError`` if a package is older than this tutorial needs.

    A notebook's Setup cell then shows its one sentence, without a traceback.

    Example:
        >>> check_versions({"keras": "3.15.1", "tensorflow": "2.21.0"})
        >>> check_versions({"keras": "2.15.0", "tensorflow": "2.15.1"})
        Traceback (most recent call last):
        ...
        utils.setup.OutdatedPackageError: This tutorial needs keras >= 3.15 but found 2.15.0; ...
    """
    for package, minimum in MINIMUM_VERSIONS.items():
        if version_tuple(found[package]) < minimum:
            raise OutdatedPackageError(
                f"This tutorial needs {package} >= {minimum[0]}.{minimum[1]} but found "
                f"{found[package]}; run `pip install -r requirements.txt` and restart the kernel."
            )


def detect_platform() -> str:
    """Where this notebook runs: ``"colab"``, ``"binder"`` or ``"local"``.

    Example:
        >>> detect_platform() in {"colab", "binder", "local"}
        True
    """
    if "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ:
        return "colab"
    if "BINDER_SERVICE_HOST" in os.environ or "BINDER_REQUEST" in os.environ:
        return "binder"
    return "local"


def thread_count(environ: Mapping[str, str] | None = None) -> int:
    """How many CPU threads TensorFlow gets: ``TUTORIAL_THREADS`` if set, else ``REFERENCE_THREADS``.

    A value that is not a whole number from 1 to 64 raises an ``InvalidInputError`` that says
    what to write (a notebook shows that sentence alone, without a traceback).

    Example:
        >>> thread_count({})
        2
        >>> thread_count({"TUTORIAL_THREADS": "1"})
        1
    """
    value = (os.environ if environ is None else environ).get(THREADS_VARIABLE, "").strip()
    if not value:
        return REFERENCE_THREADS
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise InvalidInputError(
            f"{THREADS_VARIABLE}={value!r} is not a thread count: set it to a whole number from 1 "
            f"to 64 (1 is classroom mode, see docs/classroom.md), or unset it for {REFERENCE_THREADS}."
        )
    return int(value)


@dataclass(frozen=True)
class Environment:
    """What the Setup cell found; printing it gives one line for the reader."""

    platform: str
    keras: str
    tensorflow: str
    device: str

    def __str__(self) -> str:
        where = "locally" if self.platform == "local" else f"on {self.platform.capitalize()}"
        return f"Keras {self.keras} on TensorFlow {self.tensorflow}, running {where} on the {self.device}"


def setup_notebook(seed: int = 42, deterministic: bool = True) -> Environment:
    """Do everything a notebook's Setup cell needs and describe the environment.

    Imports Keras quietly, checks versions, seeds Python, NumPy and TensorFlow, and sets
    plotting defaults. With ``deterministic=True`` TensorFlow also picks reproducible kernels
    and uses ``REFERENCE_THREADS`` CPU threads, so a rerun gives the very same numbers, on this
    machine and on CPUs like it whatever their core count. The price: training is about 10 %
    slower, and a CPU with more cores is not used in full (pass ``deterministic=False``).
    On a shared hub, ``TUTORIAL_THREADS`` changes the thread count (see :func:`thread_count`).

    Example:
        >>> print(setup_notebook())  # doctest: +SKIP
        Keras 3.15.1 on TensorFlow 2.21.0, running locally on the CPU
    """
    keras = import_keras_quietly()
    import matplotlib.pyplot as plt
    import tensorflow as tf

    check_versions({"keras": keras.__version__, "tensorflow": tf.__version__})
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
        threads = thread_count()
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    plt.rcParams.update({"figure.dpi": 80, "axes.titlesize": 11, "savefig.bbox": "tight"})
    gpus = tf.config.list_physical_devices("GPU")
    return Environment(
        platform=detect_platform(),
        keras=keras.__version__,
        tensorflow=tf.__version__,
        device=f"GPU ({len(gpus)} found)" if gpus else "CPU",
    )
