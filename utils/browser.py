"""What the explainers' JavaScript (``utils/web/``) needs from Python, and nothing that needs Keras.

The interactive explainers run the lesson's convnet in the reader's browser, with no kernel and
no network. They need three things from here:

- ``export_model``: the network's architecture and float32 weights, from a Keras model in a
  kernel (a learner's own retrained model is what the page then runs) or from a saved ``.keras``
  file (the book, built without TensorFlow: a ``.keras`` file is a zip archive of config.json
  and model.weights.h5, which h5py reads);
- ``drawing_recipe``: the numbers of ``utils.drawing``'s recipe (canvas, pen, 20×20 box,
  thresholds), so that the page prepares a drawing with the very numbers Python uses;
- ``browser_module``: the JavaScript as one ES module (anywidget loads one module, and a book
  page opened from ``file://`` can only run code written into it).
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from utils import drawing
from utils.errors import InvalidInputError

WEB = Path(__file__).parent / "web"
BOOK_DATA = "mnist-explainer"
"""The key of an explainer's output metadata that holds what the book's page needs to show it live."""
LAYERS = "Conv2D, MaxPooling2D, Flatten, Dense and Dropout"


class KerasLayer(Protocol):
    """The part of a Keras layer ``export_model`` reads."""

    name: str

    def get_config(self) -> dict[str, Any]: ...

    def get_weights(self) -> list[Any]: ...


class KerasModel(Protocol):
    """The part of a ``keras.Model`` ``export_model`` reads."""

    name: str
    layers: Sequence[KerasLayer]
    input_shape: Any


def export_model(model: KerasModel | str | os.PathLike[str]) -> dict[str, Any]:
    """The network as ``utils/web/convnet.js`` reads it: layers with output shapes, weights in base64.

    ``model`` is a Keras model or the path of a ``.keras`` file. The weights are float32,
    little-endian, in layer order (each layer's kernel, then its bias); each layer lists where
    its own start and their shapes. Dropout does nothing at prediction time and is left out.

    Example:
        >>> network = export_model(WEB.parents[1] / "notebooks" / "pretrained" / "mnist_convnet.keras")
        >>> [(layer["name"], layer["output_shape"]) for layer in network["layers"]][:3]
        [('conv2d', [26, 26, 32]), ('max_pooling2d', [13, 13, 32]), ('conv2d_1', [11, 11, 64])]
        >>> len(network["weights"]) * 3 // 4 // 4  # base64 → bytes → float32 values: every parameter
        93322
    """
    if isinstance(model, (str, os.PathLike)):
        name, input_shape, layers = _read_keras_file(Path(model))
    elif not all(hasattr(model, attribute) for attribute in ("name", "layers", "input_shape")):
        raise InvalidInputError(
            f"export_model takes a Keras model or the path of a .keras file, not {type(model).__name__}."
        )
    else:
        name, input_shape = model.name, list(model.input_shape[1:])
        layers = [(type(layer).__name__, layer.get_config(), layer.get_weights()) for layer in model.layers]
    exported, chunks, offset, shape = [], [], 0, input_shape
    for kind, config, weights in layers:
        if kind in ("InputLayer", "Dropout"):
            continue
        layer = _layer(kind, config, shape)
        layer["weights"] = []
        for array in weights:
            values = np.asarray(array, dtype="<f4")
            layer["weights"].append([offset, list(values.shape)])
            chunks.append(values.tobytes())
            offset += values.size
        exported.append(layer)
        shape = layer["output_shape"]
    weights_b64 = base64.b64encode(b"".join(chunks)).decode("ascii")
    return {"name": name, "input_shape": input_shape, "layers": exported, "weights": weights_b64}


def _layer(kind: str, config: dict[str, Any], shape: list[int]) -> dict[str, Any]:
    """One layer's description for the page, with its output shape worked out as Keras does."""
    name = config.get("name", kind)
    if kind == "Flatten":
        return {"type": "flatten", "name": name, "output_shape": [math.prod(shape)]}
    if kind == "Dense":
        return {
            "type": "dense",
            "name": name,
            "activation": _activation(config, name),
            "output_shape": [int(config["units"])],
        }
    if kind in ("Conv2D", "MaxPooling2D"):
        if len(shape) != 3 or config.get("data_format", "channels_last") != "channels_last":
            raise InvalidInputError(f"Layer {name} does not read height × width × channels images.")
        window = config["kernel_size" if kind == "Conv2D" else "pool_size"]
        strides = config["strides"] or window
        sides = [_output_side(shape[i], window[i], strides[i], config["padding"]) for i in (0, 1)]
        if kind == "MaxPooling2D":
            return {
                "type": "max_pooling2d",
                "name": name,
                "pool_size": list(window),
                "strides": list(strides),
                "padding": config["padding"],
                "output_shape": [*sides, shape[2]],
            }
        if tuple(config.get("dilation_rate", (1, 1))) != (1, 1) or config.get("groups", 1) != 1:
            raise InvalidInputError(f"Layer {name} is dilated or grouped, which the page cannot run.")
        return {
            "type": "conv2d",
            "name": name,
            "kernel_size": list(window),
            "strides": list(strides),
            "padding": config["padding"],
            "activation": _activation(config, name),
            "output_shape": [*sides, int(config["filters"])],
        }
    raise InvalidInputError(
        f"The page can run {LAYERS} layers; this model has a {kind} ({name}): "
        "show a model made of those layers only."
    )


def _output_side(size: int, window: int, stride: int, padding: str) -> int:
    """Keras's output size: ceil(size / stride) with 'same' padding, else the positions that fit."""
    return -(-size // stride) if padding == "same" else (size - window) // stride + 1


def _activation(config: dict[str, Any], name: str) -> str:
    activation = config.get("activation") or "linear"
    if activation not in ("relu", "softmax", "linear"):
        raise InvalidInputError(
            f"Layer {name} uses the {activation} activation; the page knows relu, softmax and linear."
        )
    return str(activation)


def _read_keras_file(path: Path) -> tuple[str, list[int], list[tuple[str, dict[str, Any], list[Any]]]]:
    """A ``.keras`` file's model name, input shape and layers (kind, config, weights), without Keras."""
    import h5py  # type: ignore[import-untyped]  # h5py ships no type information

    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
            weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError):
        raise InvalidInputError(
            f"{path} is not a saved Keras model (.keras file) that can be read."
        ) from None
    with weights:
        entries = config["config"]["layers"]
        input_shape = list(config["config"].get("build_input_shape") or entries[0]["config"]["batch_shape"])
        layers = []
        for entry in entries:
            name = entry["config"]["name"]
            group = weights.get(f"layers/{name}/vars")
            arrays = [np.asarray(group[key]) for key in sorted(group, key=int)] if group else []
            layers.append((entry["class_name"], entry["config"], arrays))
    return str(config["config"]["name"]), input_shape[1:], layers


def drawing_recipe() -> dict[str, Any]:
    """The numbers of ``utils.drawing``'s recipe that ``utils/web/prepare.js`` reads.

    ``pen_tip`` is the disc ``render_strokes`` draws for one point, as rows of ink
    ``[row offset, first column offset, last column offset]``: Pillow's own pixels.

    Example:
        >>> recipe = drawing_recipe()
        >>> recipe["canvas"], recipe["pen"], recipe["box"], recipe["side"], len(recipe["pen_tip"])
        (280, 22, 20, 28, 23)
    """
    from utils import _pictures

    centre = drawing.CANVAS_SIZE // 2
    dot = drawing.render_strokes([[[centre, centre]]]) > 0
    tip = []
    for row in np.flatnonzero(dot.any(axis=1)):
        columns = np.flatnonzero(dot[row])
        tip.append([int(row) - centre, int(columns[0]) - centre, int(columns[-1]) - centre])
    return {
        "canvas": drawing.CANVAS_SIZE,
        "pen": drawing.STROKE_WIDTH,
        "pen_tip": tip,
        "box": drawing.DIGIT_BOX,
        "side": drawing.MNIST_SIDE,
        "faint": drawing.FAINT,
        "min_ink_pixels": _pictures.MIN_INK_PIXELS,
        "max_thickness": _pictures.MAX_THICKNESS,
    }


_IMPORT = re.compile(r'^import \{([^}]*)\} from "\./(\w+)\.js";\n', re.M)
_EXPORT = re.compile(r"^export (?=(?:async )?(?:function|const|let|class) )", re.M)
_EXPORTED = re.compile(r"^export (?:async )?(?:function\*?|const|let|class) (\w+)", re.M)


def browser_module(entry: str = "explainers.js") -> str:
    """``utils/web/<entry>`` as one ES module: each module it imports written into it, once.

    An imported module's text runs inside a function that returns what it exports, so each
    keeps its own names; its ``import {…} from "./x.js"`` lines become constants.

    Example:
        >>> code = browser_module()
        >>> "export default" in code, "import " in code
        (True, False)
    """
    done: dict[str, str] = {}

    def inline(name: str, text: str) -> str:
        for match in _IMPORT.finditer(text):
            dependency = match[2]
            if dependency not in done:
                source = (WEB / f"{dependency}.js").read_text(encoding="utf-8")
                body = _EXPORT.sub("", inline(dependency, source))
                names = ", ".join(_EXPORTED.findall(source))
                done[dependency] = (
                    f"const {dependency}_js = (() => {{\n{body}\nreturn {{ {names} }};\n}})();\n"
                )
        return _IMPORT.sub(lambda m: f"const {{{m[1]}}} = {m[2]}_js;\n", text)

    main = inline(entry, (WEB / entry).read_text(encoding="utf-8"))
    return "".join(done.values()) + main
