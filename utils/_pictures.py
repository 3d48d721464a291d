"""The guards behind ``utils.drawing``: every odd picture gets one sentence, never a traceback.

``utils.drawing`` holds MNIST's recipe as a reader should read it; this module checks what goes
in and out of each step: a file name where a picture was expected, text or NaN pixels, a picture
too large to process, a blank or too faint drawing, a dot or a scribble too small to be a digit,
strokes that are not points, a photo stored sideways or in 16 bits. Each check returns the
cleaned value or raises ``DrawingError`` with a sentence saying what to do.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from utils.errors import DrawingError, short

MAX_PIXELS = 40_000_000
"""Larger pictures are refused (a 12-megapixel phone photo is fine; 40 MP is 8000×5000)."""

# How a digit's ink compares with MNIST's, measured on the 60,000 training digits (pixels ≥ 128
# of the 28×28 images, which are already fitted to 20×20): the thickest strokes survive at most
# 8 erosions by a 3×3 cross (3 digits; 23 survive 7), and the sparsest digit has 15 ink pixels.
# A dot, a 3-pixel scribble or a tiny "0" on the canvas, blown up to fill 20×20, survives 10.
# So a digit thicker than every training digit is refused as too small, and one with fewer than
# 10 ink pixels (a third less than the sparsest training digit) as too sparse.
MAX_THICKNESS = 8
MIN_INK_PIXELS = 10

BLANK = "The picture is blank (no ink found): draw or photograph a digit, dark on light or light on dark."
TOO_LARGE = f"too large to process: shrink it below {MAX_PIXELS // 1_000_000} megapixels."


def pixels(image: object, caller: str) -> np.ndarray:
    """A finite numeric array from ``image``, or ``DrawingError`` saying what ``image`` is."""
    if isinstance(image, (str, os.PathLike)):
        raise DrawingError(
            f"{caller} takes a picture, not a file name: use {caller}(read_image({os.fspath(image)!r}))."
        )
    if image is None or isinstance(image, (bytes, Mapping)):
        what = "None" if image is None else f"a {type(image).__name__}"
        raise DrawingError(f"{caller} takes a picture (a NumPy array of grey levels or colours), not {what}.")
    try:
        array = np.asarray(image)
    except (TypeError, ValueError, OverflowError):
        array = np.asarray(None)  # a ragged list: reported below as not numbers
    if array.dtype.kind not in "biuf":
        held = {"U": "text", "S": "text", "O": "Python objects"}.get(
            array.dtype.kind, f"{array.dtype} values"
        )
        raise DrawingError(f"The picture holds {held}, not numbers: pass an array of grey levels or colours.")
    if array.size > MAX_PIXELS * 4:
        raise DrawingError(f"The picture is {TOO_LARGE}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise DrawingError(
            "The picture has NaN or infinite values: pass finite grey levels (0 to 255) or colours."
        )
    if array.ndim == 3 and array.shape[-1] == 1:  # Keras's (height, width, 1)
        array = array[..., 0]
    return array


def grey_levels(image: Any, caller: str) -> np.ndarray:
    """A grey or colour picture as float64 grey levels (colour weighted as the eye sees it)."""
    array = pixels(image, caller)
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (3, 4)) or array.size == 0:
        raise DrawingError(
            f"A picture of shape {np.shape(image)} is not a grey or colour image: pass a 2-D (grey) or H×W×3 (colour) array."
        )
    if array.shape[0] * array.shape[1] > MAX_PIXELS:  # checked before any copy is made
        raise DrawingError(f"The picture is {array.shape[1]}×{array.shape[0]} pixels, {TOO_LARGE}")
    grey = array.astype(np.float64)
    if grey.ndim == 3:
        grey = grey[..., :3] @ np.array([0.299, 0.587, 0.114])
    largest = float(np.abs(grey).max())
    return grey / largest * 255 if largest > 1e30 else grey  # so that differences cannot overflow


def require_ink(ink: np.ndarray, grey: np.ndarray) -> None:
    """``DrawingError`` if the strongest ink is nothing, or under a tenth of the picture's range."""
    strongest = float(ink.max())
    if strongest == 0 or strongest < 0.1 * max(float(grey.max()), 1.0):
        raise DrawingError(BLANK)


def ink_levels(ink: object) -> np.ndarray:
    """A 2-D array of ink clipped to [0, 1] (float32), with some ink in it."""
    array = pixels(ink, "to_mnist")
    if array.ndim != 2 or min(array.shape) == 0 or array.size > MAX_PIXELS:
        raise DrawingError(
            f"to_mnist takes a 2-D array of ink (what to_ink returns), not an array of shape {array.shape}."
        )
    clipped = np.clip(array.astype(np.float64), 0, 1).astype(np.float32)
    if not clipped.any():
        raise DrawingError(BLANK)
    return clipped


def survived_scaling(small: np.ndarray) -> np.ndarray:
    """The digit scaled down to 20×20, unless nothing of it is left."""
    if small.sum() == 0:
        raise DrawingError(
            "The ink is too faint or too thin to survive scaling down: draw with a thicker line."
        )
    return small


def stroke_thickness(digits: np.ndarray) -> np.ndarray:
    """How many erosions (3×3 cross) the ink (≥ 128) of 28×28 digits survives: half its thickest stroke.

    Example:
        >>> bar = np.zeros((28, 28), np.uint8); bar[4:24, 12:16] = 255  # 4 pixels wide
        >>> int(stroke_thickness(bar))
        2
    """
    ink = np.asarray(digits) >= 128
    survived = np.zeros(ink.shape[:-2], dtype=np.int64)
    while ink.any():
        survived += ink.any(axis=(-2, -1))
        padded = np.pad(ink, [(0, 0)] * (ink.ndim - 2) + [(1, 1), (1, 1)])
        ink = (
            padded[..., 1:-1, 1:-1]
            & padded[..., :-2, 1:-1]
            & padded[..., 2:, 1:-1]
            & padded[..., 1:-1, :-2]
            & padded[..., 1:-1, 2:]
        )
    return survived


def digit_sized(digit: np.ndarray) -> np.ndarray:
    """The 28×28 digit, unless it is too sparse or too thick to be one (see ``MAX_THICKNESS``)."""
    if int((digit >= 128).sum()) < MIN_INK_PIXELS:
        raise DrawingError(
            "There is too little ink to be a digit: draw the whole digit with connected strokes, across most of the square."
        )
    if int(stroke_thickness(digit)) > MAX_THICKNESS:
        raise DrawingError(
            "The drawing is too small to be a digit: draw it larger, across most of the square."
        )
    return digit


def one_digit(digit: Any, side: int) -> np.ndarray:
    """One ``side``×``side`` digit of grey levels 0 to 255, as ``prepare_digit`` returns it."""
    array = pixels(digit, "predict_digit")
    if array.shape != (side, side):
        raise DrawingError(
            f"predict_digit needs one {side}×{side} digit, not an array of shape {np.shape(digit)}: pass what prepare_digit returns."
        )
    if array.min() < 0 or array.max() > 255:
        raise DrawingError(
            f"predict_digit needs grey levels from 0 to 255, as prepare_digit returns, not {array.min():g} to {array.max():g}."
        )
    return array


def ten_probabilities(probabilities: object) -> np.ndarray:
    """Ten finite probabilities from 0 to 1 that sum to 1, as float64."""
    try:
        given = np.asarray(probabilities)
        p = given.astype(np.float64).ravel() if given.dtype.kind in "biuf" else np.zeros(0)
    except (TypeError, ValueError, OverflowError):  # ragged lists, numbers too big for NumPy
        p = np.zeros(0)
    if p.shape != (10,) or not np.isfinite(p).all() or p.min() < 0 or abs(p.sum() - 1) > 0.01:
        raise DrawingError(
            "describe needs the ten probabilities that predict_digit returns (from 0 to 1, summing to 1)."
        )
    return p


def canvas_and_pen(size: object, width: object) -> tuple[int, int]:
    """A canvas size from 8 to 4096 pixels and a pen width from 1 to that size."""
    if not (
        isinstance(size, (int, np.integer))
        and isinstance(width, (int, np.integer))
        and 8 <= size <= 4096
        and 1 <= width <= size
    ):
        raise DrawingError(
            f"render_strokes needs a canvas size from 8 to 4096 pixels and a pen width from 1 to the size, not {short(size)} and {short(width)}."
        )
    return int(size), int(width)


def stroke_points(strokes: object, size: int) -> list[list[tuple[float, float]]]:
    """The strokes as lists of (x, y) points, the empty ones left out; anything else is refused."""
    message = "The strokes must be lists of [x, y] points with finite coordinates, as the canvas sends them."
    if isinstance(strokes, (str, bytes, Mapping)) or not isinstance(strokes, Iterable):
        raise DrawingError(message)
    checked = []
    for stroke in strokes:
        if isinstance(stroke, (str, bytes, Mapping)):
            raise DrawingError(message)
        try:
            points = np.asarray(stroke, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise DrawingError(message) from None
        if points.size == 0:
            continue
        if points.ndim != 2 or points.shape[1] != 2 or not np.isfinite(points).all():
            raise DrawingError(message)
        points = np.clip(points, -size, 2 * size)  # the pen may leave the canvas while drawing
        checked.append([(float(x), float(y)) for x, y in points])
    return checked


def open_rgb(path: object) -> np.ndarray:
    """The picture in the file ``path`` as RGB levels (uint8, H×W×3), upright, on an opaque backdrop.

    A photo is turned the way the phone showed it (its EXIF orientation); 16-bit pictures keep
    their contrast; transparent pixels (a PNG drawn on no background) become the colour that
    contrasts with the ink, so the digit stays visible."""
    try:
        file = pathlib.Path(path)  # type: ignore[arg-type]
    except TypeError:  # called from a notebook with something else than a name
        raise DrawingError(
            f"read_image takes a file name, such as 'digit.png', not {type(path).__name__}."
        ) from None
    try:
        is_file = file.is_file()
    except (OSError, ValueError):  # a name the system cannot even look up (too long, a NUL byte)
        is_file = False
    if not is_file:
        raise DrawingError(
            f"There is no file {file}: check the name and folder (relative paths start at {pathlib.Path.cwd()})."
        )
    try:
        with Image.open(file) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise DrawingError(f"{file.name} is {opened.width}×{opened.height} pixels, {TOO_LARGE}")
            rgba = _rgba(ImageOps.exif_transpose(opened))  # phones store photos sideways + a rotation tag
    except DrawingError:
        raise
    except Image.DecompressionBombError:
        raise DrawingError(f"{file.name} is {TOO_LARGE}") from None
    except Exception:  # Pillow fails on damaged files with errors of many types
        raise DrawingError(
            f"{file.name} is not an image Pillow can read: save it as PNG or JPEG and try again."
        ) from None
    alpha = rgba[..., 3:] / 255
    if alpha.min() < 1:
        opaque = rgba[..., :3][alpha[..., 0] > 0.5]
        backdrop = 0.0 if len(opaque) and opaque.mean() > 127 else 255.0
        rgba[..., :3] = alpha * rgba[..., :3] + (1 - alpha) * backdrop
    return np.round(rgba[..., :3]).astype(np.uint8)


def _rgba(picture: Any) -> np.ndarray:
    """RGBA levels 0–255 (float) of any Pillow image; 16- and 32-bit grey is scaled, not clipped."""
    if picture.mode in ("I", "F") or picture.mode.startswith("I;16"):
        grey = np.asarray(picture, dtype=np.float64)
        top = float(grey.max())
        full_scale = 255.0 if top <= 255 else 65535.0 if top <= 65535 else top
        grey = np.clip(grey, 0, None) / full_scale * 255
        return np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    return np.asarray(picture.convert("RGBA"), dtype=np.float64)
