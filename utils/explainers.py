"""Interactive explainers that run the convnet in the page: notebook 1's convolution, notebook 6's layers.

Each is an `anywidget <https://anywidget.dev>`_: its browser code is ``web/explainers.js``
(with ``web/convnet.js``, the network's forward pass, and ``web/prepare.js``, the drawing's
preparation), which works in JupyterLab, Jupyter Notebook 7, VS Code and Colab. Python gives it its data
once, when the cell runs; after that everything happens in the page, so it keeps working
however busy the kernel is.

- ``ConvolutionExplainer``: a 3×3 window steps across a digit (play, pause, step, slider, arrow
  keys), with the nine products and their sum, and the feature map Keras computed filling in;
  then 2×2 max pooling the same way.
- ``LayersExplainer``: draw a digit and watch the input, every convolution's feature maps and
  the ten probabilities change together; pointing at a map shows its filter. It runs the weights
  of the model you give it: your own, if you retrained it.

Where no script runs (GitHub, a notebook reopened without running it) each shows a picture made
from the same numbers instead, and one line saying to run the cell. The book puts the live
explainer back in its page (``book/_ext/book_explainers.py``), with the data saved in the
output (``BOOK_DATA``).
"""

from __future__ import annotations

import base64
import io
import os
from typing import Any

import anywidget
import numpy as np
import traitlets

from utils.browser import BOOK_DATA, WEB, KerasModel, browser_module, drawing_recipe, export_model
from utils.errors import InvalidInputError


def png(figure: Any) -> str:
    """A matplotlib figure as a PNG, base64 (what a notebook's output holds); the figure is closed."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=72, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


class Explainer(anywidget.AnyWidget):
    """What every explainer shares: the browser code, and a picture where the live view cannot show.

    A subclass sets ``kind`` (which explainer ``explainers.js`` draws), ``text`` (the line shown
    where neither the widget nor pictures can be) and ``picture()``; ``book_data()`` is what the
    book's page needs beyond the shipped model.
    """

    _esm = browser_module()
    _css = WEB / "explainers.css"
    kind = traitlets.Unicode("").tag(sync=True)
    text = "An explainer: run this cell to see it."

    def __repr__(self) -> str:
        return self.text

    def picture(self) -> str:
        """The static view, a PNG (base64)."""
        raise NotImplementedError

    def book_data(self) -> dict[str, Any]:
        """The data the book's page gives ``explainers.js`` (the network and recipe are added there)."""
        return {"kind": self.kind}

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if bundle is not None else ({}, {})
        return {**data, "image/png": self.picture()}, {**metadata, BOOK_DATA: self.book_data()}


def the_model(model: Any, caller: str) -> Any:
    """``model``, unless it is a file name (the explainers need the model itself, to run it)."""
    if isinstance(model, (str, os.PathLike)):
        raise InvalidInputError(
            f"{caller} takes the model itself, not a file name: "
            f"{caller}(keras.models.load_model({os.fspath(model)!r}))."
        )
    return model


def packed(values: Any, dtype: str = "<f4") -> str:
    """An array's values as base64 of little-endian float32 (or ``dtype``): compact in a notebook."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode("ascii")


class ConvolutionExplainer(Explainer):
    """A convolution and a max pooling, step by step, on a digit, with the numbers Keras computed.

    ``digit`` (2-D, values 0 to 1) and ``kernel`` (k×k) are what went into a one-filter
    ``Conv2D`` without bias; ``feature_map`` is what Keras computed from them, and ``pooled``
    Keras's 2×2 max pooling of its relu. ``start`` is the (row, column) of the first window shown.

    Example:
        >>> digit = np.zeros((6, 6), np.float32); digit[1:5, 2] = 1  # a short bar
        >>> kernel = np.array([[-1, 0, 1]] * 3, np.float32)
        >>> feature_map = np.zeros((4, 4), np.float32)  # what Keras would compute…
        >>> ConvolutionExplainer(digit, kernel, feature_map, np.zeros((2, 2)), start=(1, 1)).kernel_size
        [3, 3]
    """

    digit = traitlets.Unicode().tag(sync=True)
    kernel: traitlets.List[Any] = traitlets.List().tag(sync=True)
    kernel_size: traitlets.List[Any] = traitlets.List().tag(sync=True)
    feature_map = traitlets.Unicode().tag(sync=True)
    feature_shape: traitlets.List[Any] = traitlets.List().tag(sync=True)
    pooled = traitlets.Unicode().tag(sync=True)
    pooled_shape: traitlets.List[Any] = traitlets.List().tag(sync=True)
    start = traitlets.Int(0).tag(sync=True)
    text = "ConvolutionExplainer: a 3×3 window steps across the digit. Run this cell to play it."

    def __init__(
        self,
        digit: Any,
        kernel: Any,
        feature_map: Any,
        pooled: Any,
        start: tuple[int, int] = (0, 0),
        **kwargs: Any,
    ) -> None:
        arrays = [np.asarray(a, dtype=np.float32) for a in (digit, kernel, feature_map, pooled)]
        image, weights, convolved, maxima = arrays
        if any(a.ndim != 2 for a in arrays):
            raise InvalidInputError(
                "ConvolutionExplainer takes 2-D arrays (height × width): the digit, the kernel, "
                f"the feature map and the pooled map, not shapes {', '.join(str(a.shape) for a in arrays)}."
            )
        expected = tuple(int(side) for side in np.subtract(image.shape, weights.shape) + 1)
        if convolved.shape != expected or maxima.shape != tuple(np.array(expected) // 2):
            raise InvalidInputError(
                f"A {weights.shape[0]}×{weights.shape[1]} kernel on a {image.shape[0]}×{image.shape[1]} digit "
                f"gives a {expected[0]}×{expected[1]} feature map and a {expected[0] // 2}×{expected[1] // 2} "
                f"pooled map, not {convolved.shape} and {maxima.shape}: pass what Conv2D and MaxPooling2D returned."
            )
        if not (0 <= start[0] < expected[0] and 0 <= start[1] < expected[1]):
            raise InvalidInputError(f"start {start} is outside the {expected[0]}×{expected[1]} feature map.")
        self._arrays = arrays
        self._window = (int(start[0]), int(start[1]))
        super().__init__(
            kind="convolution",
            digit=packed(image),
            kernel=[float(w) for w in weights.ravel()],
            kernel_size=list(weights.shape),
            feature_map=packed(convolved),
            feature_shape=list(convolved.shape),
            pooled=packed(maxima),
            pooled_shape=list(maxima.shape),
            start=self._window[0] * expected[1] + self._window[1],
            **kwargs,
        )

    def picture(self) -> str:
        from utils.plots import plot_convolution

        image, kernel, feature_map, pooled = self._arrays
        return png(plot_convolution(image, kernel, feature_map, pooled, window=self._window))

    def book_data(self) -> dict[str, Any]:
        names = ["digit", "kernel", "kernel_size", "feature_map", "feature_shape", "pooled", "pooled_shape"]
        return {"kind": self.kind, "start": self.start, **{name: getattr(self, name) for name in names}}


class LayersExplainer(Explainer):
    """Draw a digit and watch every layer of ``model`` respond, in the page.

    Until something is drawn it shows ``example``, a 28×28 digit of grey levels 0 to 255 (an
    MNIST test image), with ``caption`` under it.

    Example:
        >>> explainer = LayersExplainer(model, example=np.zeros((28, 28), np.uint8), caption="a blank")
        >>> [layer["name"] for layer in explainer.network["layers"]][:2]
        ['conv2d', 'max_pooling2d']
    """

    network = traitlets.Dict().tag(sync=True)
    recipe = traitlets.Dict().tag(sync=True)
    example = traitlets.Unicode().tag(sync=True)
    example_caption = traitlets.Unicode("").tag(sync=True)
    text = "LayersExplainer: draw a digit and watch every layer of the network. Run this cell to draw."

    def __init__(self, model: KerasModel, example: Any, caption: str = "", **kwargs: Any) -> None:
        digit = np.asarray(example)
        if digit.shape != (28, 28) or digit.dtype.kind not in "iuf" or digit.min() < 0 or digit.max() > 255:
            raise InvalidInputError(
                "LayersExplainer's example is one 28×28 digit of grey levels 0 to 255 (an MNIST image), "
                f"not an array of shape {digit.shape}."
            )
        self._model = the_model(model, "LayersExplainer")
        super().__init__(
            kind="layers",
            network=export_model(model),
            recipe=drawing_recipe(),
            example=packed(np.round(digit), dtype="u1"),
            example_caption=caption,
            **kwargs,
        )

    def picture(self) -> str:
        import matplotlib.pyplot as plt

        from utils.explain import feature_maps

        pixels = np.frombuffer(base64.b64decode(self.example), np.uint8)
        digit = pixels.reshape(1, 28, 28, 1) / np.float32(255)
        convolutions = [layer["name"] for layer in self.network["layers"] if layer["type"] == "conv2d"]
        maps = feature_maps(self._model, digit, convolutions)
        probabilities = np.asarray(self._model.predict(digit, verbose=0))[0]
        figure = plt.figure(figsize=(9, 1.2 * len(maps) + 1.8), layout="constrained")
        grid = figure.add_gridspec(len(maps) + 1, 9)
        ax = figure.add_subplot(grid[0, 0])
        ax.imshow(digit[0, :, :, 0], cmap="gray")
        ax.set_title("input", fontsize=9)
        ax.axis("off")
        ax = figure.add_subplot(grid[0, 3:])
        ax.barh(range(10), probabilities, color="#1f77b4")
        ax.set(yticks=range(10), xlim=(0, 1), xlabel="probability of each digit")
        ax.invert_yaxis()
        ax.tick_params(labelsize=7)
        for row, (name, output) in enumerate(maps.items(), start=1):
            for col in range(8):
                ax = figure.add_subplot(grid[row, col + 1])
                ax.imshow(output[0, :, :, col], cmap="gray", vmin=0, vmax=float(output.max()) or 1)
                ax.axis("off")
            ax = figure.add_subplot(grid[row, 0])
            ax.text(0, 0.5, f"{name}\n{output.shape[1]}×{output.shape[2]}", fontsize=9, va="center")
            ax.axis("off")
        figure.suptitle(
            f"{self.example_caption}: the first 8 feature maps of each convolution. Run the cell to draw."
        )
        return png(figure)

    def book_data(self) -> dict[str, Any]:
        return {"kind": self.kind, "example": self.example, "example_caption": self.example_caption}
