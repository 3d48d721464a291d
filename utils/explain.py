"""Look inside a trained model: its filters, its feature maps, and which pixels drove an answer.

- ``conv_filters``: the kernels of a ``Conv2D`` layer, one small image per filter.
- ``feature_maps``: what each named layer outputs for some images (the "activations").
- ``saliency_maps``: how much each input pixel changes the score of a class (a gradient).
- ``occlusion_maps``: how much the probability of a class drops when a patch is hidden.
- ``shift_images``: move digits a few pixels, filling with background, to probe a model.
- ``multiply_adds``: how much arithmetic one image costs the model, layer by layer summed.

They work on any Keras 3 model built with ``keras.Input`` (the notebooks' convnets are) and
return NumPy arrays; the plots are in ``utils.plots``. In the examples, ``model`` is a small
untrained convnet with the layer names of notebook 6's and ``x_test`` three 28×28 images (the
root ``conftest.py`` provides both), so the shapes shown are the ones the notebooks see.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any, Protocol

import numpy as np


class KerasModel(Protocol):
    """What these helpers use of a Keras 3 model (``keras.Model``, ``keras.Sequential``).

    Keras ships no type information, so this names the part of its API the helpers rely on."""

    @property
    def input_shape(self) -> tuple[int | None, ...]: ...
    @property
    def inputs(self) -> list[Any]: ...
    @property
    def layers(self) -> list[Any]: ...
    def get_layer(self, name: str) -> Any: ...
    def predict(self, x: np.ndarray, batch_size: int | None = ..., verbose: int | str = ...) -> Any: ...
    def __call__(self, inputs: Any, training: bool = ...) -> Any: ...


def _keras() -> ModuleType:
    from utils.setup import import_keras_quietly  # imported here: TensorFlow takes seconds

    return import_keras_quietly()


def _check_images(images: np.ndarray, model: KerasModel) -> np.ndarray:
    """Images as float32 with the model's input shape, or a clear error."""
    images = np.asarray(images, dtype="float32")
    expected = tuple(model.input_shape[1:])
    if images.shape[1:] != expected:
        raise ValueError(
            f"the model expects images of shape (N, {', '.join(map(str, expected))}) but got "
            f"{images.shape}: reshape them as in notebook 3, e.g. images.reshape(-1, 28, 28, 1)"
        )
    return images


def _check_classes(classes: Sequence[int] | np.ndarray, images: np.ndarray) -> np.ndarray:
    """One class per image, as an array, or a clear error."""
    classes = np.asarray(classes)
    if classes.shape != (len(images),):
        raise ValueError(f"got {len(images)} images but {classes.size} classes: pass one class per image")
    return classes


def conv_filters(model: KerasModel, layer_name: str) -> np.ndarray:
    """The kernels of a ``Conv2D`` layer as ``(filters, height, width)``, for its first input
    channel (the only one for the first layer of a grey-scale model).

    Example:
        >>> conv_filters(model, "conv2d").shape
        (32, 3, 3)
    """
    layer = model.get_layer(layer_name)
    if not hasattr(layer, "kernel") or len(layer.kernel.shape) != 4:
        raise ValueError(f"layer {layer_name!r} is a {type(layer).__name__}, not a Conv2D layer")
    kernel = np.asarray(layer.kernel)  # (height, width, input channels, filters)
    return np.transpose(kernel[:, :, 0, :], (2, 0, 1))


def feature_maps(model: KerasModel, images: np.ndarray, layer_names: Sequence[str]) -> dict[str, np.ndarray]:
    """What the named layers output for ``images``: one array ``(N, height, width, channels)``
    (or ``(N, units)``) per layer, in a dict keyed by layer name.

    Example:
        >>> maps = feature_maps(model, x_test[:1], ["conv2d", "max_pooling2d"])
        >>> maps["conv2d"].shape, maps["max_pooling2d"].shape
        ((1, 26, 26, 32), (1, 13, 13, 32))
    """
    keras = _keras()
    images = _check_images(images, model)
    known = [layer.name for layer in model.layers]
    missing = [name for name in layer_names if name not in known]
    if missing:
        raise ValueError(f"the model has no layer named {missing}; its layers are {known}")
    probe = keras.Model(model.inputs, [model.get_layer(name).output for name in layer_names])
    outputs = probe.predict(images, verbose=0)
    if len(layer_names) == 1:
        outputs = [outputs]
    return {name: np.asarray(output) for name, output in zip(layer_names, outputs, strict=False)}


def saliency_maps(model: KerasModel, images: np.ndarray, classes: Sequence[int] | np.ndarray) -> np.ndarray:
    """For each image, the absolute gradient of the log-probability of its class with respect
    to each pixel: large where changing the pixel would change the answer most. Returns
    ``(N, height, width)``, each map scaled so its largest value is 1.

    Example:
        >>> maps = saliency_maps(model, x_test[:3], [7, 2, 1])
        >>> maps.shape, float(maps.max())
        ((3, 28, 28), 1.0)
    """
    import tensorflow as tf

    images = _check_images(images, model)
    classes = _check_classes(classes, images)
    inputs = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        probabilities = model(inputs, training=False)
        chosen = tf.gather(probabilities, classes, axis=1, batch_dims=1)
        log_probabilities = tf.math.log(chosen + 1e-12)
    gradients = np.abs(np.asarray(tape.gradient(log_probabilities, inputs), dtype="float32"))
    maps = gradients.max(axis=-1) if gradients.ndim == 4 else gradients
    peaks = maps.reshape(len(maps), -1).max(axis=1).reshape(-1, 1, 1)
    scaled: np.ndarray = maps / np.where(peaks > 0, peaks, 1)
    return scaled


def occlusion_maps(
    model: KerasModel, images: np.ndarray, classes: Sequence[int] | np.ndarray, patch: int = 4
) -> np.ndarray:
    """For each image, how much the probability of its class drops when a ``patch``×``patch``
    square is blanked out, for every position of the square (stride 1, maps the size of the
    image, each pixel averaged over the squares that cover it). Positive where hiding ink hurts.

    Example:
        >>> maps = occlusion_maps(model, x_test[:2], [7, 2], patch=4)
        >>> maps.shape
        (2, 28, 28)
    """
    images = _check_images(images, model)
    classes = _check_classes(classes, images)
    height, width = images.shape[1:3]
    if not 1 <= patch <= min(height, width):
        raise ValueError(f"patch must be between 1 and {min(height, width)} pixels, got {patch}")
    corners = [(row, col) for row in range(height - patch + 1) for col in range(width - patch + 1)]
    maps = np.zeros(images.shape[:3], dtype="float32")
    for index, (image, label) in enumerate(zip(images, classes, strict=False)):
        occluded = np.repeat(image[None], len(corners), axis=0)
        for k, (row, col) in enumerate(corners):
            occluded[k, row : row + patch, col : col + patch] = 0
        base = model.predict(image[None], verbose=0)[0, label]
        drops = base - model.predict(occluded, verbose=0, batch_size=256)[:, label]
        total, cover = np.zeros((height, width)), np.zeros((height, width))
        for drop, (row, col) in zip(drops, corners, strict=False):
            total[row : row + patch, col : col + patch] += drop
            cover[row : row + patch, col : col + patch] += 1
        maps[index] = total / cover
    return maps


def shift_images(images: np.ndarray, dx: int = 0, dy: int = 0) -> np.ndarray:
    """Move images ``dx`` pixels right and ``dy`` pixels down (negative: left, up), filling the
    uncovered border with 0 (background); ink pushed past the edge is lost. Works on
    ``(N, height, width)`` and ``(N, height, width, channels)`` arrays.

    Example:
        >>> shift_images(np.arange(1, 10).reshape(1, 3, 3), dx=1)[0]
        array([[0, 1, 2],
               [0, 4, 5],
               [0, 7, 8]])
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"expected images of shape (N, height, width[, channels]), got {images.shape}")
    height, width = images.shape[1:3]
    if abs(dx) >= width or abs(dy) >= height:
        raise ValueError(f"a shift of ({dx}, {dy}) pixels moves {height}×{width} images out of the frame")
    shifted = np.zeros_like(images)
    source_rows = slice(max(0, -dy), height - max(0, dy))
    target_rows = slice(max(0, dy), height - max(0, -dy))
    source_cols = slice(max(0, -dx), width - max(0, dx))
    target_cols = slice(max(0, dx), width - max(0, -dx))
    shifted[:, target_rows, target_cols] = images[:, source_rows, source_cols]
    return shifted


def multiply_adds(model: KerasModel) -> int:
    """How many multiply-adds one image costs in the model's ``Conv2D`` and ``Dense`` layers.

    A convolution does one per weight of its window, per input channel, per filter, at every
    output position (``height × width × k × k × channels × filters``); a dense layer one per
    weight (``inputs × units``). Pooling, activations and biases are comparatively free. On a CPU
    this count predicts a network's compute better than its number of parameters, which does
    not depend on how many positions each weight is used at.

    Example:
        >>> multiply_adds(model)  # 26 × 26 × 3 × 3 × 1 × 32, then 13 × 13 × 32 × 10
        248768
    """
    total = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Conv2D":
            height, width, filters = (int(d) for d in layer.output.shape[1:])
            channels = int(layer.input.shape[-1])
            total += height * width * int(np.prod(layer.kernel_size)) * channels * filters
        elif kind == "Dense":
            total += int(layer.input.shape[-1]) * int(layer.units)
    return total
