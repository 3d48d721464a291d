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

``read_image`` opens a PNG or JPEG file for it, ``render_strokes`` turns the strokes drawn on
the canvas of ``DrawingPad`` (the widget) into an image, and ``predict_digit`` asks a model.
Whatever goes wrong (not an image, a blank canvas, a huge picture) raises ``DrawingError``
with one sentence that says what happened and what to do.
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence
from typing import Any, Protocol

import anywidget
import numpy as np
import traitlets
from PIL import Image, ImageDraw, UnidentifiedImageError

MAX_PIXELS = 40_000_000
"""Larger pictures are refused (a 12-megapixel phone photo is fine; 40 MP is 8000×5000)."""

CANVAS_SIZE = 280
"""Side of the drawing canvas in pixels: ten canvas pixels per MNIST pixel."""

STROKE_WIDTH = 22
"""Pen width on the canvas; at MNIST's scale it gives strokes about as thick as MNIST's."""

Stroke = Sequence[Sequence[float]]


class DrawingError(ValueError):
    """A picture that cannot become a digit; its message is one sentence for the reader."""


class Classifier(Protocol):
    """Anything with Keras's ``predict(x, verbose=0)``, e.g. a ``keras.Model``."""

    def predict(self, x: np.ndarray, verbose: int = 0) -> Any: ...


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
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] in (3, 4):
        array = array[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    if array.ndim != 2 or min(array.shape) == 0:
        raise DrawingError(
            f"A picture of shape {array.shape} is not a grey or colour image: pass a 2-D (grey) or H×W×3 (colour) array."
        )
    if array.size > MAX_PIXELS:
        raise DrawingError(
            f"The picture is {array.shape[1]}×{array.shape[0]} pixels, too large to process: shrink it below {MAX_PIXELS // 1_000_000} megapixels."
        )
    grey = array.astype(np.float32)
    background = float(np.median(grey))
    ink = np.abs(grey - background)
    strongest = float(ink.max())
    if strongest < 0.1 * max(float(grey.max()), 1.0) or strongest == 0:
        raise DrawingError(
            "The picture is blank (no ink found): draw or photograph a digit, dark on light or light on dark."
        )
    ink /= strongest
    ink[ink < 0.2] = 0
    return ink


def _centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(image.shape)
    total = image.sum()
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def to_mnist(ink: np.ndarray) -> np.ndarray:
    """MNIST's recipe: bounding box scaled to fit 20×20, centred by mass in 28×28, uint8.

    Example:
        >>> ink = np.zeros((100, 60), dtype=np.float32); ink[10:90, 20:40] = 1  # a tall bar
        >>> digit = to_mnist(ink)
        >>> digit.shape, digit.dtype, int((digit.sum(axis=1) > 0).sum())  # 20 rows of ink
        ((28, 28), dtype('uint8'), 20)
    """
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        raise DrawingError(
            "The picture is blank (no ink found): draw or photograph a digit, dark on light or light on dark."
        )
    box = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float32)
    scale = 20 / max(box.shape)
    height, width = (max(1, round(side * scale)) for side in box.shape)
    small = Image.fromarray(box).resize((width, height), Image.Resampling.LANCZOS)
    small = np.clip(np.asarray(small), 0, 1)
    if small.sum() == 0:
        raise DrawingError(
            "The ink is too faint or too thin to survive scaling down: draw with a thicker line."
        )
    com_row, com_col = _centre_of_mass(small)  # MNIST's digits have theirs at (14.0, 14.0) ± 0.3
    top = int(np.clip(round(14 - com_row), 0, 28 - height))
    left = int(np.clip(round(14 - com_col), 0, 28 - width))
    digit = np.zeros((28, 28), dtype=np.float32)
    digit[top : top + height, left : left + width] = small
    return np.round(255 * digit).astype(np.uint8)


def prepare_digit(image: np.ndarray) -> np.ndarray:
    """Any picture of one digit → a 28×28 uint8 MNIST-style digit (white on black).

    Example:
        >>> photo = np.full((300, 200, 3), 240, dtype=np.uint8)  # light grey paper…
        >>> photo[50:250, 90:110] = (20, 20, 80)                  # …with a dark blue "1"
        >>> prepare_digit(photo)[14, 12:18]  # a 2-pixel-wide bar in the middle of row 14
        array([  0,   0, 255, 255,   0,   0], dtype=uint8)
    """
    return to_mnist(to_ink(image))


def read_image(path: str | pathlib.Path) -> np.ndarray:
    """Open a PNG, JPEG (or any format Pillow reads) as an RGB array of shape (H, W, 3).

    Transparent pixels (a PNG drawn on no background) become the colour that contrasts with
    the ink, so the digit stays visible.

    Example:
        >>> read_image("not-there.png")
        Traceback (most recent call last):
        ...
        utils.drawing.DrawingError: There is no file not-there.png: check the name and folder (relative paths start at ...).
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise DrawingError(
            f"There is no file {path}: check the name and folder (relative paths start at {pathlib.Path.cwd()})."
        )
    try:
        with Image.open(path) as picture:
            if picture.width * picture.height > MAX_PIXELS:
                raise DrawingError(
                    f"{path.name} is {picture.width}×{picture.height} pixels, too large to process: shrink it below {MAX_PIXELS // 1_000_000} megapixels."
                )
            picture = picture.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, DrawingError):
            raise
        raise DrawingError(
            f"{path.name} is not an image Pillow can read: save it as PNG or JPEG and try again."
        ) from None
    except Image.DecompressionBombError:
        raise DrawingError(
            f"{path.name} is too large to process: shrink it below {MAX_PIXELS // 1_000_000} megapixels."
        ) from None
    rgba = np.asarray(picture).astype(np.float32)
    alpha = rgba[..., 3:] / 255
    if alpha.min() < 1:
        opaque = rgba[..., :3][alpha[..., 0] > 0.5]
        backdrop = 0.0 if len(opaque) and opaque.mean() > 127 else 255.0
        rgba[..., :3] = alpha * rgba[..., :3] + (1 - alpha) * backdrop
    return np.round(rgba[..., :3]).astype(np.uint8)


def render_strokes(
    strokes: Sequence[Stroke], size: int = CANVAS_SIZE, width: int = STROKE_WIDTH
) -> np.ndarray:
    """Draw strokes (lists of ``[x, y]`` canvas points) white on black, as the canvas shows them.

    Example:
        >>> image = render_strokes([[[140, 40], [140, 240]]])  # one vertical line
        >>> image.shape, int(image[140, 140]), int(image[140, 20])
        ((280, 280), 255, 0)
    """
    picture = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(picture)
    for stroke in strokes:
        points = [(float(x), float(y)) for x, y in stroke]
        if len(points) > 1:
            pen.line(points, fill=255, width=width, joint="curve")
        for x, y in points:  # round ends and joints, and a dot for a single tap
            pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
    return np.asarray(picture)


def predict_digit(model: Classifier, digit: np.ndarray) -> np.ndarray:
    """The model's ten class probabilities for one 28×28 uint8 digit (scaled as in notebook 3).

    Example:
        >>> class Uniform:  # stands in for the trained keras.Model
        ...     def predict(self, x, verbose=0): return np.full((len(x), 10), 0.1)
        >>> predict_digit(Uniform(), np.zeros((28, 28), np.uint8)).shape
        (10,)
    """
    x = np.asarray(digit, dtype=np.float32).reshape(1, 28, 28, 1) / 255
    return np.asarray(model.predict(x, verbose=0))[0]


def describe(probabilities: np.ndarray) -> str:
    """One line naming the most likely digit and how sure the model is.

    Example:
        >>> describe(np.array([0.01] * 9 + [0.91]))
        'The network reads a 9 (91.00 % sure).'
        >>> describe(np.eye(10)[8])
        'The network reads an 8 (100.00 % sure).'
    """
    best = int(np.argmax(probabilities))
    return f"The network reads {'an' if best == 8 else 'a'} {best} ({100 * float(probabilities[best]):.2f} % sure)."


_ESM = """
// The canvas and its read-outs, in the browser. Python does the thinking: this code only sends
// the strokes (lists of [x, y] points) and draws what Python sends back.
function render({ model, el }) {
  const size = 280, pen = 22;
  el.classList.add("drawing-pad");
  el.innerHTML = `
    <div style="display:flex; gap:16px; align-items:flex-start; font-family:sans-serif; font-size:13px">
      <div>
        <canvas class="pad" width="${size}" height="${size}"
                style="background:#000; touch-action:none; cursor:crosshair; border:1px solid #888"></canvas>
        <div style="margin-top:4px">
          <button class="undo">Undo</button> <button class="clear">Clear</button>
        </div>
      </div>
      <div>
        <div>What the network sees (28×28)</div>
        <canvas class="seen" width="28" height="28"
                style="width:112px; height:112px; image-rendering:pixelated; border:1px solid #888"></canvas>
      </div>
      <div>
        <div>Probability of each digit</div>
        <div class="bars"></div>
      </div>
    </div>
    <p class="prediction" style="font-family:sans-serif; font-weight:bold"></p>`;
  const pad = el.querySelector(".pad"), ctx = pad.getContext("2d");
  const seen = el.querySelector(".seen").getContext("2d");
  const bars = el.querySelector(".bars"), prediction = el.querySelector(".prediction");
  let strokes = model.get("strokes").map((s) => s.slice()), current = null;

  function redraw() {
    ctx.fillStyle = "#000"; ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = ctx.fillStyle = "#fff"; ctx.lineWidth = pen; ctx.lineCap = ctx.lineJoin = "round";
    for (const stroke of current ? strokes.concat([current]) : strokes) {
      ctx.beginPath(); ctx.moveTo(stroke[0][0], stroke[0][1]);
      for (const [x, y] of stroke) ctx.lineTo(x, y);
      if (stroke.length === 1) ctx.arc(stroke[0][0], stroke[0][1], pen / 2, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  function send() { model.set("strokes", strokes.map((s) => s.slice())); model.save_changes(); }
  function point(event) {
    const box = pad.getBoundingClientRect();
    return [Math.round((event.clientX - box.left) * size / box.width),
            Math.round((event.clientY - box.top) * size / box.height)];
  }
  // Pointer events cover mouse, pen and touch alike; touch-action:none stops the page scrolling.
  pad.addEventListener("pointerdown", (e) => { pad.setPointerCapture(e.pointerId); current = [point(e)]; redraw(); });
  let lastSent = 0;  // while the pen moves, send the strokes so far at most four times a second
  pad.addEventListener("pointermove", (e) => {
    if (!current) return;
    current.push(point(e)); redraw();
    if (e.timeStamp - lastSent > 250) {
      lastSent = e.timeStamp;
      model.set("strokes", strokes.concat([current]).map((s) => s.slice())); model.save_changes();
    }
  });
  const finish = () => { if (current) { strokes.push(current); current = null; redraw(); send(); } };
  pad.addEventListener("pointerup", finish);
  pad.addEventListener("pointercancel", finish);
  el.querySelector(".undo").addEventListener("click", () => { strokes.pop(); redraw(); send(); });
  el.querySelector(".clear").addEventListener("click", () => { strokes = []; redraw(); send(); });

  function show() {
    const digit = model.get("digit"), image = seen.createImageData(28, 28);
    digit.forEach((v, i) => { image.data.set([v, v, v, 255], 4 * i); });
    seen.putImageData(image, 0, 0);
    const probabilities = model.get("probabilities"), best = probabilities.indexOf(Math.max(...probabilities));
    bars.innerHTML = probabilities.map((p, d) => `
      <div style="display:flex; align-items:center; gap:6px; height:20px">
        <span style="width:10px">${d}</span>
        <span style="display:inline-block; height:14px; width:${Math.round(160 * p)}px;
                     background:${d === best && p > 0 ? "#d62728" : "#1f77b4"}"></span>
        <span>${(100 * p).toFixed(1)} %</span>
      </div>`).join("");
    prediction.textContent = model.get("prediction");
  }
  model.on("change:digit", show);
  model.on("change:probabilities", show);
  model.on("change:prediction", show);
  redraw(); show();
}
export default { render };
"""


class DrawingPad(anywidget.AnyWidget):
    """A canvas to draw a digit on, with the 28×28 image the network sees and its ten probabilities.

    The browser sends the strokes (``strokes``) while the pen moves and when it lifts; Python renders them, prepares the digit, asks
    the model and sends back ``digit`` (784 grey levels), ``probabilities`` and ``prediction``,
    which the browser draws. It works wherever anywidget does (JupyterLab, Colab, VS Code).

    Example:
        >>> class Uniform:
        ...     def predict(self, x, verbose=0): return np.full((len(x), 10), 0.1)
        >>> pad = DrawingPad(Uniform())
        >>> pad.strokes = [[[140, 40], [140, 240]]]
        >>> pad.prediction
        'The network reads a 0 (10.00 % sure).'
    """

    _esm = _ESM
    strokes = traitlets.List([]).tag(sync=True)
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
            self.digit, self.probabilities = [0] * 784, [0.0] * 10
            self.prediction = "The canvas is empty: draw a digit in the black square."
            return
        try:
            digit = prepare_digit(render_strokes(change["new"]))
        except DrawingError as error:
            self.prediction = str(error)
            return
        probabilities = predict_digit(self._model, digit)
        self.digit = digit.ravel().tolist()
        self.probabilities = [round(float(p), 4) for p in probabilities]
        self.prediction = describe(probabilities)
