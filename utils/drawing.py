"""Turn a drawing or a photo of a digit into the 28×28 image the network was trained on.

MNIST's digits were made in a particular way (LeCun, Cortes and Burges, "The MNIST database"):
each digit's bounding box was scaled to fit a 20×20 box, keeping its aspect ratio, with
anti-aliasing, so the edges have grey levels; the result was then placed in a 28×28 frame so
that its centre of mass sits in the middle. Ink is white (255) on a black (0) background.
A digit the reader draws or photographs looks nothing like that until it goes through the
same steps, and ``prepare_digit`` does exactly those steps:

1. ``to_ink``: colour or grey, light-on-dark or dark-on-light, any dtype → ink in [0, 1]
   (1 = full ink) on a background of 0, with paper texture and noise removed;
2. ``to_mnist``: crop to the ink's bounding box, scale to fit 20×20, centre by mass in 28×28.

``read_image`` opens a PNG or JPEG file for it (turned upright as the phone showed it),
``render_strokes`` turns the strokes drawn on the canvas of ``DrawingPad`` (the widget) into an
image, and ``predict_digit`` asks a model. Whatever goes wrong (not an image, a blank canvas, a
dot too small to be a digit, NaN pixels, a huge picture) raises ``DrawingError`` with one
sentence that says what happened and what to do.

The widget's browser code is in ``drawing_pad.js`` and ``drawing_pad.css`` beside this file; the
canvas size and the pen width are defined here, once, and synced to the browser.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import anywidget
import numpy as np
import traitlets
from PIL import Image, ImageDraw, ImageOps

from utils.errors import TutorialError, short

MAX_PIXELS = 40_000_000
"""Larger pictures are refused (a 12-megapixel phone photo is fine; 40 MP is 8000×5000)."""

CANVAS_SIZE = 280
"""Side of the drawing canvas in pixels: ten canvas pixels per MNIST pixel."""

STROKE_WIDTH = 22
"""Pen width on the canvas; at MNIST's scale it gives strokes about as thick as MNIST's."""

# How a digit's ink compares with MNIST's, measured on the 60,000 training digits (pixels ≥ 128
# of the 28×28 images, which are already fitted to 20×20): the thickest strokes survive at most
# 8 erosions by a 3×3 cross (3 digits; 23 survive 7), and the sparsest digit has 15 ink pixels.
# A dot, a 3-pixel scribble or a tiny "0" on the canvas, blown up to fill 20×20, survives 10.
# So a digit thicker than every training digit is refused as too small, and one with fewer than
# 10 ink pixels (a third less than the sparsest training digit) as too sparse.
MAX_THICKNESS = 8
MIN_INK_PIXELS = 10

Stroke = Sequence[Sequence[float]]

HERE = pathlib.Path(__file__).parent


class DrawingError(TutorialError, ValueError):
    """A picture that cannot become a digit; its message is one sentence for the reader."""


class Classifier(Protocol):
    """Anything with Keras's ``predict(x, verbose=0)``, e.g. a ``keras.Model``."""

    def predict(self, x: np.ndarray, verbose: int = 0) -> Any: ...


def _pixels(image: object, caller: str) -> np.ndarray:
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
    if array.dtype.kind in "USO" or array.dtype.kind not in "biuf":
        held = {"U": "text", "S": "text", "O": "Python objects"}.get(
            array.dtype.kind, f"{array.dtype} values"
        )
        raise DrawingError(f"The picture holds {held}, not numbers: pass an array of grey levels or colours.")
    if array.size > MAX_PIXELS * 4:
        raise DrawingError(
            f"The picture is too large to process: shrink it below {MAX_PIXELS // 1_000_000} megapixels."
        )
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise DrawingError(
            "The picture has NaN or infinite values: pass finite grey levels (0 to 255) or colours."
        )
    if array.ndim == 3 and array.shape[-1] == 1:  # Keras's (height, width, 1)
        array = array[..., 0]
    return array


def to_ink(image: np.ndarray) -> np.ndarray:
    """Grey levels of ink in [0, 1] on a background of 0, from any grey or colour picture.

    Colour becomes grey; whichever of light and dark covers most of the picture is taken as
    the background (so dark-on-light paper and light-on-dark screens both work); contrast is
    stretched so the darkest ink is 1, and faint specks below 20 % (paper, JPEG noise) become 0.

    Example:
        >>> paper = np.full((4, 4), 250, dtype=np.uint8); paper[1, 1] = 10  # a dark dot
        >>> to_ink(paper)[1]
        array([0., 1., 0., 0.], dtype=float32)
    """
    array = _pixels(image, "to_ink")
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (3, 4)) or array.size == 0:
        raise DrawingError(
            f"A picture of shape {np.shape(image)} is not a grey or colour image: pass a 2-D (grey) or H×W×3 (colour) array."
        )
    if array.shape[0] * array.shape[1] > MAX_PIXELS:  # checked before any copy is made
        raise DrawingError(
            f"The picture is {array.shape[1]}×{array.shape[0]} pixels, too large to process: shrink it below {MAX_PIXELS // 1_000_000} megapixels."
        )
    array = array.astype(np.float64)
    if array.ndim == 3:
        array = array[..., :3] @ np.array([0.299, 0.587, 0.114])
    largest = float(np.abs(array).max())
    grey = array / largest * 255 if largest > 1e30 else array  # so that differences cannot overflow
    background = float(np.median(grey))
    ink = np.abs(grey - background)
    strongest = float(ink.max())
    if strongest < 0.1 * max(float(grey.max()), 1.0) or strongest == 0:
        raise DrawingError(
            "The picture is blank (no ink found): draw or photograph a digit, dark on light or light on dark."
        )
    ink = (ink / strongest).astype(np.float32)
    ink[ink < 0.2] = 0
    return ink


def _centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(image.shape)
    total = image.sum()
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def _stroke_thickness(digits: np.ndarray) -> np.ndarray:
    """How many erosions (3×3 cross) the ink (≥ 128) of 28×28 digits survives: half its thickest stroke.

    Example:
        >>> bar = np.zeros((28, 28), np.uint8); bar[4:24, 12:16] = 255  # 4 pixels wide
        >>> int(_stroke_thickness(bar))
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


def to_mnist(ink: np.ndarray) -> np.ndarray:
    """MNIST's recipe: bounding box scaled to fit 20×20, centred by mass in 28×28, uint8.

    Ink too small (a dot, blown up to fill the box) or too sparse (a few specks) to be a digit
    raises ``DrawingError`` asking for a larger drawing, as a blank picture does.

    Example:
        >>> ink = np.zeros((100, 60), dtype=np.float32); ink[10:90, 20:40] = 1  # a tall bar
        >>> digit = to_mnist(ink)
        >>> digit.shape, digit.dtype, int((digit.sum(axis=1) > 0).sum())  # 20 rows of ink
        ((28, 28), dtype('uint8'), 20)
    """
    ink = _pixels(ink, "to_mnist")
    if ink.ndim != 2 or min(ink.shape) == 0 or ink.size > MAX_PIXELS:
        raise DrawingError(
            f"to_mnist takes a 2-D array of ink (what to_ink returns), not an array of shape {ink.shape}."
        )
    ink = np.clip(ink.astype(np.float32), 0, 1)
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        raise DrawingError(
            "The picture is blank (no ink found): draw or photograph a digit, dark on light or light on dark."
        )
    box = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = 20 / max(box.shape)
    height, width = (max(1, round(side * scale)) for side in box.shape)
    small = np.clip(np.asarray(Image.fromarray(box).resize((width, height), Image.Resampling.LANCZOS)), 0, 1)
    if small.sum() == 0:
        raise DrawingError(
            "The ink is too faint or too thin to survive scaling down: draw with a thicker line."
        )
    com_row, com_col = _centre_of_mass(small)  # MNIST's digits have theirs at (14.0, 14.0) ± 0.3
    top = int(np.clip(round(14 - com_row), 0, 28 - height))
    left = int(np.clip(round(14 - com_col), 0, 28 - width))
    digit = np.zeros((28, 28), dtype=np.float32)
    digit[top : top + height, left : left + width] = small
    digit = np.round(255 * digit).astype(np.uint8)
    if int((digit >= 128).sum()) < MIN_INK_PIXELS:
        raise DrawingError(
            "There is too little ink to be a digit: draw the whole digit with connected strokes, across most of the square."
        )
    if int(_stroke_thickness(digit)) > MAX_THICKNESS:
        raise DrawingError(
            "The drawing is too small to be a digit: draw it larger, across most of the square."
        )
    return digit


def prepare_digit(image: np.ndarray) -> np.ndarray:
    """Any picture of one digit → a 28×28 uint8 MNIST-style digit (white on black).

    Example:
        >>> photo = np.full((300, 200, 3), 240, dtype=np.uint8)  # light grey paper…
        >>> photo[50:250, 90:110] = (20, 20, 80)                  # …with a dark blue "1"
        >>> prepare_digit(photo)[14, 12:18]  # a 2-pixel-wide bar in the middle of row 14
        array([  0,   0, 255, 255,   0,   0], dtype=uint8)
    """
    return to_mnist(to_ink(_pixels(image, "prepare_digit")))


def read_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Open a PNG, JPEG (or any format Pillow reads) as an RGB array of shape (H, W, 3).

    A photo is turned upright the way the phone or camera showed it (its EXIF orientation);
    16-bit pictures keep their contrast; transparent pixels (a PNG drawn on no background)
    become the colour that contrasts with the ink, so the digit stays visible.

    Example:
        >>> read_image("not-there.png")
        Traceback (most recent call last):
        ...
        utils.drawing.DrawingError: There is no file not-there.png: check the name and folder (relative paths start at ...).
    """
    try:
        path = pathlib.Path(path)
    except TypeError:  # called from a notebook with something else than a name
        raise DrawingError(
            f"read_image takes a file name, such as 'digit.png', not {type(path).__name__}."
        ) from None
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a name the system cannot even look up (too long, a NUL byte)
        is_file = False
    if not is_file:
        raise DrawingError(
            f"There is no file {path}: check the name and folder (relative paths start at {pathlib.Path.cwd()})."
        )
    try:
        with Image.open(path) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise DrawingError(
                    f"{path.name} is {opened.width}×{opened.height} pixels, too large to process: shrink it below {MAX_PIXELS // 1_000_000} megapixels."
                )
            upright = ImageOps.exif_transpose(opened)  # phones store photos sideways + a rotation tag
            rgba = _rgba(upright)
    except DrawingError:
        raise
    except Image.DecompressionBombError:
        raise DrawingError(
            f"{path.name} is too large to process: shrink it below {MAX_PIXELS // 1_000_000} megapixels."
        ) from None
    except Exception:  # Pillow fails on damaged files with errors of many types
        raise DrawingError(
            f"{path.name} is not an image Pillow can read: save it as PNG or JPEG and try again."
        ) from None
    alpha = rgba[..., 3:] / 255
    if alpha.min() < 1:
        opaque = rgba[..., :3][alpha[..., 0] > 0.5]
        backdrop = 0.0 if len(opaque) and opaque.mean() > 127 else 255.0
        rgba[..., :3] = alpha * rgba[..., :3] + (1 - alpha) * backdrop
    return np.round(rgba[..., :3]).astype(np.uint8)


def _rgba(picture: Image.Image) -> np.ndarray:
    """RGBA levels 0–255 (float) of any Pillow image; 16- and 32-bit grey is scaled, not clipped."""
    if picture.mode in ("I", "F") or picture.mode.startswith("I;16"):
        grey = np.asarray(picture, dtype=np.float64)
        top = float(grey.max())
        full_scale = 255.0 if top <= 255 else 65535.0 if top <= 65535 else top
        grey = np.clip(grey, 0, None) / full_scale * 255
        return np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    return np.asarray(picture.convert("RGBA"), dtype=np.float64)


def _strokes(strokes: object, size: int) -> list[np.ndarray]:
    """The strokes as arrays of (x, y) points, or ``DrawingError`` if they are anything else."""
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
        checked.append(np.clip(points, -size, 2 * size))  # the pen may leave the canvas while drawing
    return checked


def render_strokes(
    strokes: Sequence[Stroke], size: int = CANVAS_SIZE, width: int = STROKE_WIDTH
) -> np.ndarray:
    """Draw strokes (lists of ``[x, y]`` canvas points) white on black, as the canvas shows them.

    Example:
        >>> image = render_strokes([[[140, 40], [140, 240]]])  # one vertical line
        >>> image.shape, int(image[140, 140]), int(image[140, 20])
        ((280, 280), 255, 0)
    """
    if not (
        isinstance(size, (int, np.integer))
        and isinstance(width, (int, np.integer))
        and 8 <= size <= 4096
        and 1 <= width <= size
    ):
        raise DrawingError(
            f"render_strokes needs a canvas size from 8 to 4096 pixels and a pen width from 1 to the size, not {short(size)} and {short(width)}."
        )
    size, width = int(size), int(width)
    picture = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(picture)
    for points in _strokes(strokes, size):
        xy = [(float(x), float(y)) for x, y in points]
        if len(xy) > 1:
            pen.line(xy, fill=255, width=width, joint="curve")
        for x, y in xy:  # round ends and joints, and a dot for a single tap
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
    array = _pixels(digit, "predict_digit")
    if array.shape != (28, 28):
        raise DrawingError(
            f"predict_digit needs one 28×28 digit, not an array of shape {np.shape(digit)}: pass what prepare_digit returns."
        )
    if array.min() < 0 or array.max() > 255:
        raise DrawingError(
            f"predict_digit needs grey levels from 0 to 255, as prepare_digit returns, not {array.min():g} to {array.max():g}."
        )
    x = array.astype(np.float32).reshape(1, 28, 28, 1) / 255
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
    try:
        given = np.asarray(probabilities)
        p = given.astype(np.float64).ravel() if given.dtype.kind in "biuf" else np.zeros(0)
    except (TypeError, ValueError, OverflowError):  # ragged lists, numbers too big for NumPy
        p = np.zeros(0)
    if p.shape != (10,) or not np.isfinite(p).all() or p.min() < 0 or abs(p.sum() - 1) > 0.01:
        raise DrawingError(
            "describe needs the ten probabilities that predict_digit returns (from 0 to 1, summing to 1)."
        )
    best = int(np.argmax(p))
    sure = "more than 99 %" if p[best] > 0.99 else f"{min(round(100 * p[best]), 99)} %"
    return f"The network reads {'an' if best == 8 else 'a'} {best} ({sure} sure)."


class DrawingPad(anywidget.AnyWidget):
    """A canvas to draw a digit on, with the 28×28 image the network sees and its ten probabilities.

    The browser sends the strokes (``strokes``) while the pen moves and when it lifts; Python
    renders them, prepares the digit, asks the model and sends back ``digit`` (784 grey levels),
    ``probabilities`` and ``prediction``, which the browser draws. The browser code is
    ``drawing_pad.js`` (with ``drawing_pad.css``); the canvas size and pen width come from
    ``size`` and ``pen``. It works wherever anywidget does (JupyterLab, Colab, VS Code).

    Example:
        >>> class Uniform:
        ...     def predict(self, x, verbose=0): return np.full((len(x), 10), 0.1)
        >>> pad = DrawingPad(Uniform())
        >>> pad.strokes = [[[140, 40], [140, 240]]]
        >>> pad.prediction
        'The network reads a 0 (10 % sure).'
    """

    _esm = HERE / "drawing_pad.js"
    _css = HERE / "drawing_pad.css"
    size = traitlets.Int(CANVAS_SIZE).tag(sync=True)
    pen = traitlets.Int(STROKE_WIDTH).tag(sync=True)
    strokes: traitlets.List[Any] = traitlets.List([]).tag(sync=True)
    digit = traitlets.List([0] * 784).tag(sync=True)
    probabilities = traitlets.List([0.0] * 10).tag(sync=True)
    prediction = traitlets.Unicode("Draw a digit in the black square.").tag(sync=True)

    def __init__(self, model: Classifier, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._model = model

    def __repr__(self) -> str:  # what shows where the canvas cannot (no kernel, a static view)
        return "DrawingPad: a canvas to draw a digit on; it needs a running kernel to appear."

    @traitlets.observe("strokes")
    def _on_strokes(self, change: dict[str, Any]) -> None:
        if not change["new"]:
            self._show_nothing("The canvas is empty: draw a digit in the black square.")
            return
        try:
            digit = prepare_digit(render_strokes(change["new"], self.size, self.pen))
        except DrawingError as error:
            self._show_nothing(str(error))
            return
        probabilities = predict_digit(self._model, digit)
        self.digit = digit.ravel().tolist()
        self.probabilities = [round(float(p), 4) for p in probabilities]
        self.prediction = describe(probabilities)

    def _show_nothing(self, why: str) -> None:
        """No digit and no probabilities (never the last drawing's), and a sentence saying why."""
        self.digit, self.probabilities = [0] * 784, [0.0] * 10
        self.prediction = why
