"""The drawing pad of notebook 9: draw a digit, see the 28×28 image the network reads and its answer.

Everything happens in the page: the browser prepares the drawing as ``utils.drawing`` teaches
(``web/prepare.js`` mirrors it, with the numbers of ``utils.drawing``) and runs the network on
the weights of the model given here (``web/convnet.js``), as you draw, with no round trip to
the kernel. When a stroke ends the page sends its work back: ``pad.strokes``, ``pad.digit``,
``pad.probabilities`` and ``pad.prediction`` then hold what you drew and what the network
read, for Python to use (``prepare_digit(render_strokes(pad.strokes))`` gives the same digit).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets

from utils.browser import KerasModel, drawing_recipe, export_model
from utils.drawing import describe, predict_digit, prepare_digit, render_strokes
from utils.explainers import Explainer, png, the_model

SEVEN = [[[75, 55], [205, 55], [120, 240]]]
"""A 7 in one stroke, on the 280×280 canvas: what the pad shows until you clear it."""


class DrawingPad(Explainer):
    """A canvas to draw a digit on, with the 28×28 image the network sees and its ten probabilities.

    It starts with ``strokes`` (a 7) drawn; **Clear** empties it. It works wherever anywidget
    does (JupyterLab, Jupyter Notebook 7, VS Code, Colab), and keeps working if the kernel stops.

    Example:
        >>> DrawingPad("models/mnist_convnet.keras")
        Traceback (most recent call last):
        ...
        utils.errors.InvalidInputError: DrawingPad takes the model itself, not a file name: DrawingPad(keras.models.load_model('models/mnist_convnet.keras')).
    """

    network = traitlets.Dict().tag(sync=True)
    recipe = traitlets.Dict().tag(sync=True)
    strokes: traitlets.List[Any] = traitlets.List([]).tag(sync=True)
    digit: traitlets.List[int] = traitlets.List([]).tag(sync=True)
    probabilities: traitlets.List[float] = traitlets.List([]).tag(sync=True)
    prediction = traitlets.Unicode("").tag(sync=True)
    text = "DrawingPad: draw a digit and the network reads it in the page. Run this cell to draw."

    def __init__(self, model: KerasModel, strokes: list[Any] | None = None, **kwargs: Any) -> None:
        self._model = the_model(model, "DrawingPad")
        super().__init__(
            kind="pad",
            network=export_model(model),
            recipe=drawing_recipe(),
            strokes=SEVEN if strokes is None else strokes,
            **kwargs,
        )

    def picture(self) -> str:
        """The pad with its first drawing, the digit prepared from it and the model's answer (Python's)."""
        import matplotlib.pyplot as plt

        canvas = render_strokes(self.strokes)
        digit = prepare_digit(canvas)
        probabilities = predict_digit(self._model, digit)
        figure, axes = plt.subplots(1, 3, figsize=(8, 3), width_ratios=[1, 1, 1.4], layout="constrained")
        for ax, image, title in [
            (axes[0], canvas, "Draw here (280×280)"),
            (axes[1], digit, "What the network sees"),
        ]:
            ax.imshow(image, cmap="gray", vmin=0, vmax=255)
            ax.set_title(title, fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
        best = int(np.argmax(probabilities))
        axes[2].barh(
            range(10), probabilities, color=["#d62728" if d == best else "#1f77b4" for d in range(10)]
        )
        axes[2].set(yticks=range(10), xlim=(0, 1), xlabel="probability", title="Probability of each digit")
        axes[2].invert_yaxis()
        figure.suptitle(f"{describe(probabilities)} Run the cell to draw your own.", fontsize=11)
        return png(figure)

    def book_data(self) -> dict[str, Any]:
        return {"kind": self.kind, "strokes": self.strokes}
