"""Find the model notebook 3 trains, for the notebooks that use it.

Notebooks 4, 5, 6, 8 and 9 use the lesson's trained convnet. ``trained_model_path`` finds it:
the reader's own model if they ran notebook 3, otherwise the copy that ships with the tutorial
in ``notebooks/pretrained/``, which notebook 3 itself saved (and reproduces). So every notebook
runs on its own, in any order, with no hidden training.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from utils.errors import TutorialError

# What a `.keras` file holds: Keras writes these two entries into the zip archive.
_KERAS_ENTRIES = {"config.json", "model.weights.h5"}


class TrainedModelMissing(TutorialError, FileNotFoundError):
    """Neither the reader's trained model nor the shipped copy can be found."""


def keras_file_problem(path: str | Path) -> str | None:
    """What is wrong with a saved ``.keras`` model file, or ``None`` if it looks complete.

    It checks what can go wrong on disk (an empty, truncated or damaged file, or another kind
    of file) without loading Keras.

    Example:
        >>> keras_file_problem("no-such-model.keras")
        'there is no such file'
    """
    path = Path(path)
    if not path.is_file():
        return "there is no such file"
    if path.stat().st_size == 0:
        return "the file is empty"
    try:
        with zipfile.ZipFile(path) as archive:
            missing = _KERAS_ENTRIES - set(archive.namelist())
            damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError):
        return "it is not a saved Keras model (not a zip archive)"
    if missing:
        return f"it is not a complete Keras model (no {', '.join(sorted(missing))})"
    if damaged is not None:
        return f"it is damaged ({damaged} does not match its checksum)"
    return None


def trained_model_path(
    name: str = "mnist_convnet.keras",
    trained: str | Path = "models",
    shipped: str | Path = "pretrained",
    announce: Callable[[str], object] = print,
) -> Path:
    """The lesson's trained model: yours from notebook 3 if it is usable, else the shipped copy.

    Paths are relative to the notebooks' folder, where every notebook runs. A file of yours
    that cannot be used is left where it is (nothing you made is deleted), and ``announce``
    gets one line saying why the shipped copy is used instead.

    Example:
        >>> trained_model_path(trained="mine", shipped="nowhere")
        Traceback (most recent call last):
        ...
        utils.notebooks.TrainedModelMissing: There is no usable trained model at mine/mnist_convnet.keras or ...
    """
    own, copy = Path(trained) / name, Path(shipped) / name
    if own.exists():
        problem = keras_file_problem(own)
        if problem is None:
            return own
        announce(
            f"{own} cannot be used: {problem}. Using the trained copy that ships with the "
            f"tutorial instead; rerun notebook 3 to train and save the model again."
        )
    if keras_file_problem(copy) is None:
        return copy
    raise TrainedModelMissing(
        f"There is no usable trained model at {own} or {copy}: run notebook 3 "
        f"(03_prepare_mnist_and_train.ipynb) to train and save it, then rerun this cell."
    )
