"""Turn a drawing or a photo of a digit into the 28×28 image the network was trained on.

MNIST's digits were made in a particular way (LeCun, Cortes and Burges, "The MNIST database"):
each digit's bounding box was scaled to fit a 20×20 box, keeping its aspect ratio, with
anti-aliasing, so the edges have grey levels; the result was then placed in a 28×28 frame so
that its centre of mass sits in the middle. Ink is white (255) on a black (0) background.
A digit you draw or photograph looks nothing like that until it goes through the same steps:

1. ``to_ink``: colour or grey, light-on-dark or dark-on-light → ink in [0, 1] (1 = full ink)
   on a background of 0, with paper texture and noise removed;
2. ``to_mnist``: crop to the ink's bounding box (``crop_to_ink``), scale to fit 20×20
   (``fit_in_box``), centre by mass in 28×28 (``centre_in_frame``).

``prepare_digit`` does both; ``preparation_steps`` keeps every intermediate picture, for a figure. ``read_image`` opens a photo, ``render_strokes`` draws the strokes
of the drawing pad (``utils.drawing_pad``), ``predict_digit`` and ``describe`` ask a model and
put its answer in words. Whatever goes wrong (not an image, a blank canvas, a dot too small to
be a digit) raises ``DrawingError`` with one sentence that says what happened and what to do;
those checks live in ``utils._pictures``, so that the steps above read as the recipe they are.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from PIL import Image, ImageDraw

from utils import _pictures
from utils.errors import DrawingError

__all__ = [
    "CANVAS_SIZE",
    "DIGIT_BOX",
    "MNIST_SIDE",
    "STROKE_WIDTH",
    "DrawingError",
    "describe",
    "predict_digit",
    "preparation_steps",
    "prepare_digit",
    "read_image",
    "render_strokes",
    "to_ink",
    "to_mnist",
]

MNIST_SIDE = 28
"""MNIST's images are 28×28 pixels."""

DIGIT_BOX = 20
"""Each MNIST digit was scaled to fit a 20×20 box, keeping its aspect ratio."""

FAINT = 0.2
"""Ink fainter than this (paper texture, JPEG noise), as a fraction of the strongest ink, becomes 0."""

CANVAS_SIZE = 280
"""Side of the drawing pad's canvas in pixels: ten canvas pixels per MNIST pixel."""

STROKE_WIDTH = 22
"""Pen width on the canvas; at MNIST's scale it gives strokes about as thick as MNIST's."""


class Classifier(Protocol):
    """Anything with Keras's ``predict(x, verbose=0)``, e.g. a ``keras.Model``."""

    def predict(self, x: np.ndarray, verbose: int = 0) -> Any: ...


def to_ink(image: np.ndarray) -> np.ndarray:
    """Grey levels of ink in [0, 1] on a background of 0, from any grey or colour picture.

    Whichever of light and dark covers most of the picture is the background (so dark-on-light
    paper and light-on-dark screens both work); contrast is stretched so the strongest ink is 1,
    and specks fainter than ``FAINT`` become 0.

    Example:
        >>> paper = np.full((4, 4), 250, dtype=np.uint8); paper[1, 1] = 10  # a dark dot
        >>> to_ink(paper)[1]
        array([0., 1., 0., 0.], dtype=float32)
    """
    grey = _pictures.grey_levels(image, "to_ink")  # colour becomes grey; odd pictures are refused
    background = float(np.median(grey))
    ink = np.abs(grey - background)
    _pictures.require_ink(ink, grey)
    scaled: np.ndarray = (ink / ink.max()).astype(np.float32)  # the strongest ink is 1
    scaled[scaled < FAINT] = 0
    return scaled


def to_mnist(ink: np.ndarray) -> np.ndarray:
    """MNIST's recipe: bounding box scaled to fit 20×20, centred by mass in 28×28, uint8.

    Example:
        >>> ink = np.zeros((100, 60), dtype=np.float32); ink[10:90, 20:40] = 1  # a tall bar
        >>> digit = to_mnist(ink)
        >>> digit.shape, digit.dtype, int((digit.sum(axis=1) > 0).sum())  # 20 rows of ink
        ((28, 28), dtype('uint8'), 20)
    """
    digit = centre_in_frame(fit_in_box(crop_to_ink(_pictures.ink_levels(ink))))
    return _pictures.digit_sized(digit)  # a dot or a few specks is not a digit


def crop_to_ink(ink: np.ndarray) -> np.ndarray:
    """The smallest rectangle of ``ink`` that holds all of it (its bounding box).

    Example:
        >>> crop_to_ink(np.array([[0, 0, 0], [0, 1, 0.5]]))
        array([[1. , 0.5]])
    """
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def fit_in_box(box: np.ndarray) -> np.ndarray:
    """The ink scaled so that its longer side is 20 pixels, keeping its shape, anti-aliased.

    Example:
        >>> fit_in_box(np.ones((100, 50), dtype=np.float32)).shape
        (20, 10)
    """
    scale = DIGIT_BOX / max(box.shape)  # the longer side becomes 20 pixels
    height, width = (max(1, round(side * scale)) for side in box.shape)
    small = np.asarray(Image.fromarray(box).resize((width, height), Image.Resampling.LANCZOS))
    return _pictures.survived_scaling(np.clip(small, 0, 1))


def centre_in_frame(small: np.ndarray) -> np.ndarray:
    """The scaled ink placed in a 28×28 frame with its centre of mass in the middle, as uint8.

    Example:
        >>> digit = centre_in_frame(np.ones((19, 11), dtype=np.float32))
        >>> digit.shape, centre_of_mass(digit)
        ((28, 28), (14.0, 14.0))
    """
    centre_row, centre_col = centre_of_mass(small)  # MNIST's digits have theirs at (14, 14)
    height, width = small.shape
    top = int(np.clip(round(MNIST_SIDE / 2 - centre_row), 0, MNIST_SIDE - height))
    left = int(np.clip(round(MNIST_SIDE / 2 - centre_col), 0, MNIST_SIDE - width))
    digit = np.zeros((MNIST_SIDE, MNIST_SIDE), dtype=np.float32)
    digit[top : top + height, left : left + width] = small
    return np.round(255 * digit).astype(np.uint8)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """The (row, column) of an image's centre of mass, each pixel weighing its grey level.

    Example:
        >>> centre_of_mass(np.array([[0, 0], [1, 3]]))
        (1.0, 0.75)
    """
    rows, cols = np.indices(image.shape)
    total = image.sum()
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def prepare_digit(image: np.ndarray) -> np.ndarray:
    """Any picture of one digit → a 28×28 uint8 MNIST-style digit (white on black).

    Example:
        >>> photo = np.full((300, 200, 3), 240, dtype=np.uint8)  # light grey paper…
        >>> photo[50:250, 90:110] = (20, 20, 80)                  # …with a dark blue "1"
        >>> prepare_digit(photo)[14, 12:18]  # a 2-pixel-wide bar in the middle of row 14
        array([  0,   0, 255, 255,   0,   0], dtype=uint8)
    """
    return to_mnist(to_ink(_pictures.pixels(image, "prepare_digit")))


def preparation_steps(image: np.ndarray) -> dict[str, np.ndarray]:
    """Every step ``prepare_digit`` takes, for a figure: each picture it makes, by name.

    Example:
        >>> photo = np.full((300, 200), 240, dtype=np.uint8); photo[50:250, 90:110] = 20
        >>> {name: step.shape for name, step in preparation_steps(photo).items()}
        {'your picture': (300, 200), 'its ink': (300, 200), 'cropped to the ink': (200, 20), 'fitted in 20×20': (20, 2), 'centred in 28×28': (28, 28)}
    """
    ink = to_ink(_pictures.pixels(image, "preparation_steps"))
    box = crop_to_ink(ink)
    small = fit_in_box(box)
    return {
        "your picture": np.asarray(image),
        "its ink": ink,
        "cropped to the ink": box,
        "fitted in 20×20": small,
        "centred in 28×28": _pictures.digit_sized(centre_in_frame(small)),
    }


def read_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Open a PNG or JPEG (any format Pillow reads) as an RGB array of shape (H, W, 3).

    A photo is turned upright the way the phone showed it, and transparent pixels become the
    colour that contrasts with the ink.

    Example:
        >>> read_image("not-there.png")
        Traceback (most recent call last):
        ...
        utils.errors.DrawingError: There is no file not-there.png: check the name and folder (relative paths start at ...).
    """
    return _pictures.open_rgb(path)


def render_strokes(
    strokes: Sequence[Sequence[Sequence[float]]], size: int = CANVAS_SIZE, width: int = STROKE_WIDTH
) -> np.ndarray:
    """Draw strokes (lists of ``[x, y]`` canvas points) white on black, as the canvas shows them.

    Example:
        >>> image = render_strokes([[[140, 40], [140, 240]]])  # one vertical line
        >>> image.shape, int(image[140, 140]), int(image[140, 20])
        ((280, 280), 255, 0)
    """
    size, width = _pictures.canvas_and_pen(size, width)
    picture = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(picture)
    for points in _pictures.stroke_points(strokes, size):
        if len(points) > 1:
            pen.line(points, fill=255, width=width, joint="curve")
        for x, y in points:  # round ends and joints, and a dot for a single tap
            pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
    return np.asarray(picture)


def predict_digit(model: Classifier, digit: np.ndarray) -> np.ndarray:
    """The model's ten class probabilities for one 28×28 uint8 digit (scaled as in notebook 3).

    Keras's shape for one digit, (28, 28, 1), works too.

    Example:
        >>> class Uniform:  # stands in for the trained keras.Model
        ...     def predict(self, x, verbose=0): return np.full((len(x), 10), 0.1)
        >>> predict_digit(Uniform(), np.zeros((28, 28), np.uint8)).shape
        (10,)
    """
    digit = _pictures.one_digit(digit, MNIST_SIDE)
    x = digit.astype(np.float32).reshape(1, MNIST_SIDE, MNIST_SIDE, 1) / 255
    probabilities: np.ndarray = np.asarray(model.predict(x, verbose=0))[0]
    return probabilities


def describe(probabilities: np.ndarray) -> str:
    """One line naming the most likely digit and how sure the model is, in whole percent.

    A softmax output is no surer than its training: above 99 % it says "more than 99 %",
    never "100.00 %".

    Example:
        >>> describe(np.array([0.01] * 9 + [0.91]))
        'The network reads a 9 (91 % sure).'
        >>> describe(np.eye(10)[8])
        'The network reads an 8 (more than 99 % sure).'
    """
    p = _pictures.ten_probabilities(probabilities)
    best = int(np.argmax(p))
    sure = "more than 99 %" if p[best] > 0.99 else f"{min(round(100 * p[best]), 99)} %"
    return f"The network reads {'an' if best == 8 else 'a'} {best} ({sure} sure)."
