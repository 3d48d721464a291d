"""The drawing pad of notebook 9: draw a digit, see the 28×28 image the network reads and its answer.

The browser sends the strokes while the pen moves and when it lifts; Python renders them,
prepares the digit exactly as ``utils.drawing`` teaches, asks the model and sends back the
28×28 digit, the ten probabilities and a sentence, which the browser draws. The browser code is
``web/drawing_pad.js`` (with ``web/drawing_pad.css``) beside this file; the canvas size and the
pen width are defined once, in ``utils.drawing``, and synced to the browser.
"""

from __future__ import annotations

import pathlib
from typing import Any

import anywidget
import traitlets

from utils.drawing import (
    CANVAS_SIZE,
    MNIST_SIDE,
    STROKE_WIDTH,
    Classifier,
    DrawingError,
    describe,
    predict_digit,
    prepare_digit,
    render_strokes,
)

WEB = pathlib.Path(__file__).parent / "web"
BLANK_DIGIT = [0] * (MNIST_SIDE * MNIST_SIDE)


class DrawingPad(anywidget.AnyWidget):
    """A canvas to draw a digit on, with the 28×28 image the network sees and its ten probabilities.

    It works wherever anywidget does (JupyterLab, Colab, VS Code).

    Example:
        >>> class Uniform:
        ...     def predict(self, x, verbose=0): return np.full((len(x), 10), 0.1)
        >>> pad = DrawingPad(Uniform())
        >>> pad.strokes = [[[140, 40], [140, 240]]]
        >>> pad.prediction
        'The network reads a 0 (10 % sure).'
    """

    _esm = WEB / "drawing_pad.js"
    _css = WEB / "drawing_pad.css"
    size = traitlets.Int(CANVAS_SIZE).tag(sync=True)
    pen = traitlets.Int(STROKE_WIDTH).tag(sync=True)
    strokes: traitlets.List[Any] = traitlets.List([]).tag(sync=True)
    digit = traitlets.List(BLANK_DIGIT).tag(sync=True)
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
        self.digit, self.probabilities = BLANK_DIGIT, [0.0] * 10
        self.prediction = why
