"""The figures the notebooks share. Each function draws one figure and returns it.

Every function returns the matplotlib ``Figure`` so a notebook can show or tweak it and a test
can inspect it; none of them prints or reads global state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from utils.errors import InvalidInputError, short

DIGITS = list(range(10))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Count how often each true class (row) was predicted as each class (column).

    Labels must be integers from 0 to ``num_classes - 1``; anything else raises
    ``InvalidInputError`` (a ``ValueError``) saying so in one sentence.

    Example:
        >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 0]), num_classes=2)
        array([[1, 0],
               [1, 1]])
    """
    try:
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    except (TypeError, ValueError, OverflowError):  # ragged lists, or numbers too big for NumPy
        raise InvalidInputError("y_true and y_pred must be arrays of class numbers, one per image.") from None
    if y_true.shape != y_pred.shape:
        raise InvalidInputError(
            f"y_true has shape {y_true.shape} but y_pred has {y_pred.shape}: pass one label per image in each."
        )
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.dtype.kind not in "iu" or (
            labels.size and not 0 <= labels.min() <= labels.max() < num_classes
        ):
            raise InvalidInputError(
                f"{name} must hold whole class numbers from 0 to {num_classes - 1} (integers), not {labels.dtype} values such as {short(labels.ravel()[:1].tolist())}."
            )
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (y_true.astype(np.intp), y_pred.astype(np.intp)), 1)
    return matrix


def plot_digits(
    images: np.ndarray,
    labels: Sequence[str] | Sequence[int],
    title: str,
    ncols: int = 10,
) -> Figure:
    """Show grey-scale digits in a grid, each captioned with its label.

    Example:
        >>> fig = plot_digits(np.zeros((3, 28, 28)), [0, 1, 2], title="Three blank digits")
        >>> len(fig.axes)
        3
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if len(images) != len(labels):
        raise ValueError(f"got {len(images)} images but {len(labels)} labels")
    if len(images) == 0:
        raise ValueError("there are no images to show")
    return _image_grid(images, labels, title, ncols, cell_width=1.1, fontsize=9, cmap="gray_r")


def _image_grid(
    images: np.ndarray | Sequence[np.ndarray],
    captions: Sequence[object],
    title: str,
    ncols: int,
    cell_width: float,
    fontsize: int,
    **imshow: object,
) -> Figure:
    """Draw images in a grid of ``ncols`` columns, each captioned, without ticks."""
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell_width * ncols, 1.35 * nrows + 0.5), squeeze=False)
    for ax in axes.flat[len(images) :]:
        fig.delaxes(ax)
    for ax, image, caption in zip(axes.flat, images, captions, strict=False):
        ax.imshow(image, **imshow)
        ax.set_title(str(caption), fontsize=fontsize)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_class_balance(splits: Mapping[str, np.ndarray]) -> Figure:
    """Bar chart of how many images each digit has, one group of bars per split.

    Example:
        >>> fig = plot_class_balance({"train": np.array([0, 1, 1]), "test": np.array([1])})
        >>> fig.axes[0].get_xlabel()
        'digit'
    """
    fig, ax = plt.subplots(figsize=(8, 3.2))
    width = 0.8 / len(splits)
    for i, (name, labels) in enumerate(splits.items()):
        counts = np.bincount(np.asarray(labels), minlength=10)
        ax.bar(np.arange(10) + (i - (len(splits) - 1) / 2) * width, counts, width, label=name)
    ax.set_xticks(DIGITS)
    ax.set_xlabel("digit")
    ax.set_ylabel("number of images")
    ax.set_title("How many images of each digit")
    ax.set_ylim(0, ax.get_ylim()[1] * 1.25)  # room for the legend above the bars
    ax.legend(loc="upper center", ncols=len(splits))
    fig.tight_layout()
    return fig


def plot_history(history: Mapping[str, Sequence[float]]) -> Figure:
    """Loss and accuracy per epoch, side by side (pass ``model.fit(...).history``).

    Validation curves (keys starting with ``val_``) are drawn too when present.

    Example:
        >>> fig = plot_history({"loss": [0.5, 0.2], "accuracy": [0.8, 0.9]})
        >>> [ax.get_title() for ax in fig.axes]
        ['Loss', 'Accuracy']
    """
    missing = {"loss", "accuracy"} - set(history)
    if missing:
        raise ValueError(f"history has no {sorted(missing)}: pass model.fit(...).history")
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for ax, metric in zip(axes, ("loss", "accuracy"), strict=False):
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], "o-", label="training")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "s--", label="validation")
        ax.set_title(metric.capitalize())
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs, never crowded
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig


def plot_confusion_matrix(matrix: np.ndarray, title: str = "Confusion matrix") -> Figure:
    """Draw a confusion matrix with the count written in every non-empty cell.

    The diagonal (correct answers) dwarfs the rest, so colours use a log scale.

    Example:
        >>> fig = plot_confusion_matrix(np.array([[5, 1], [0, 7]]))
        >>> fig.axes[0].get_ylabel()
        'true digit'
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"a confusion matrix is square, got shape {matrix.shape}")
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    ax.imshow(np.log1p(matrix), cmap="Blues")
    threshold = np.log1p(matrix).max() / 2
    for (row, col), count in np.ndenumerate(matrix):
        if count:
            colour = "white" if np.log1p(count) > threshold else "black"
            ax.text(col, row, str(count), ha="center", va="center", fontsize=8, color=colour)
    ticks = np.arange(len(matrix))
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_misclassified(
    images: np.ndarray,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    count: int = 20,
    title: str = "Misclassified test digits",
) -> Figure:
    """Gallery of the first ``count`` images whose prediction is wrong, captioned
    "true → predicted".

    Example:
        >>> fig = plot_misclassified(np.zeros((3, 28, 28)), np.array([1, 2, 3]), np.array([1, 7, 3]))
        >>> fig.axes[0].get_title()
        'true 2 → 7'
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    wrong = np.flatnonzero(y_true != y_pred)[:count]
    if len(wrong) == 0:
        raise ValueError("every prediction is correct: there is nothing to show")
    captions = [f"true {y_true[i]} → {y_pred[i]}" for i in wrong]
    return plot_digits(np.asarray(images)[wrong], captions, title=title, ncols=min(10, len(wrong)))


def plot_maps(
    maps: np.ndarray,
    titles: Sequence[str],
    title: str,
    ncols: int = 8,
    cmap: str = "viridis",
    symmetric: bool = False,
    shared_scale: bool = False,
    colorbar_label: str | None = None,
) -> Figure:
    """Show 2D maps (filters, feature maps, saliency maps) in a grid, each with its own title.

    With ``symmetric=True`` zero is the middle of the colour scale, which suits filters whose
    weights can be negative (use a diverging ``cmap`` such as ``"RdBu_r"``). Each map is scaled on
    its own unless ``shared_scale=True``, which gives all of them one scale so that colours
    compare across panels; ``colorbar_label`` adds a colour bar with that label (use it with a
    shared scale, or it describes only the first map).

    Example:
        >>> fig = plot_maps(np.random.rand(4, 3, 3), ["a", "b", "c", "d"], title="Four maps", ncols=2)
        >>> [ax.get_title() for ax in fig.axes]
        ['a', 'b', 'c', 'd']
    """
    maps = np.asarray(maps)
    if maps.ndim != 3:
        raise ValueError(f"expected maps of shape (count, height, width), got {maps.shape}")
    if len(maps) != len(titles):
        raise ValueError(f"got {len(maps)} maps but {len(titles)} titles")
    if len(maps) == 0:
        raise ValueError("there are no maps to show")
    fig = _image_grid(maps, titles, title, ncols, cell_width=1.2, fontsize=8, cmap=cmap)
    axes = list(fig.axes)
    for ax, image in zip(axes, maps, strict=False):
        values = maps if shared_scale else image
        if symmetric:  # zero in the middle of the colour scale
            limit = float(np.abs(values).max()) or 1.0
            ax.images[0].set_clim(-limit, limit)
        elif shared_scale:
            ax.images[0].set_clim(float(values.min()), float(values.max()))
    if colorbar_label is not None:
        fig.colorbar(axes[0].images[0], ax=axes, label=colorbar_label, fraction=0.03, pad=0.02)
    return fig


def plot_convolution(
    image: np.ndarray,
    kernel: np.ndarray,
    feature_map: np.ndarray,
    pooled: np.ndarray,
    window: tuple[int, int],
) -> Figure:
    """One convolution step by step: the image with one window outlined, the filter, its
    feature map, and that map after relu and 2×2 max pooling, each with its colour scale.

    ``window`` is the (row, column) of the outlined window's top-left pixel, which is also the
    position of its result in the feature map (marked there). Digits are drawn as everywhere in
    this tutorial: ink dark on a light background. Signed values (the filter, the feature map)
    use a diverging scale centred on zero: red positive, blue negative.

    Example:
        >>> image, kernel = np.zeros((6, 6)), np.ones((3, 3))
        >>> fig = plot_convolution(image, kernel, np.zeros((4, 4)), np.zeros((2, 2)), window=(1, 1))
        >>> [ax.get_title().split(" (")[0] for ax in fig.axes[:4]]
        ['Digit, one 3×3 window', 'Filter', 'Feature map', 'relu, then 2×2 max pooling']
    """
    arrays = {"image": image, "kernel": kernel, "feature map": feature_map, "pooled": pooled}
    for name, array in arrays.items():
        if np.ndim(array) != 2:
            raise ValueError(f"the {name} must be 2-D (height, width), got shape {np.shape(array)}")
    size = kernel.shape[0]
    row, col = window
    if not (0 <= row < feature_map.shape[0] and 0 <= col < feature_map.shape[1]):
        raise ValueError(f"window {window} is outside the {feature_map.shape} feature map")
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.3))
    panels = [
        (image, f"Digit, one {size}×{size} window", "gray_r", 0.0),
        (kernel, "Filter (its weights)", "RdBu_r", float(np.abs(kernel).max()) or 1.0),
        (feature_map, f"Feature map ({feature_map.shape[0]}×{feature_map.shape[1]})", "RdBu_r", 0.0),
        (pooled, f"relu, then 2×2 max pooling ({pooled.shape[0]}×{pooled.shape[1]})", "Reds", 0.0),
    ]
    for ax, (values, title, cmap, limit) in zip(axes, panels, strict=True):
        if cmap == "RdBu_r":
            limit = limit or float(np.abs(values).max()) or 1.0
            shown = ax.imshow(values, cmap=cmap, vmin=-limit, vmax=limit)
        else:
            shown = ax.imshow(values, cmap=cmap)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    for ax, top_left, extent in [(axes[0], (col, row), size), (axes[2], (col, row), 1)]:
        ax.add_patch(
            Rectangle(
                (top_left[0] - 0.5, top_left[1] - 0.5), extent, extent, fill=False, color="orange", lw=2
            )
        )
    strong = 0.5 * (float(np.abs(kernel).max()) or 1.0)
    for (i, j), weight in np.ndenumerate(kernel):  # white on the dark colours, black on the light
        colour = "white" if abs(weight) > strong else "black"
        axes[1].text(j, i, f"{weight:g}", ha="center", va="center", fontsize=11, color=colour)
    fig.tight_layout()
    return fig


def plot_learning_rate(
    schedule: Callable[[int], object], steps: int, steps_per_epoch: int, title: str = "The learning rate"
) -> Figure:
    """The learning rate a schedule gives at every training step, against the epoch.

    ``schedule`` is a Keras schedule (``keras.optimizers.schedules.CosineDecay`` …) or any
    function of the step number. At most 400 steps are drawn, evenly spread: enough for a smooth
    curve, and a Keras schedule takes about a millisecond per call.

    Example:
        >>> fig = plot_learning_rate(lambda step: 0.001 * (1 - step / 100), steps=100, steps_per_epoch=50)
        >>> fig.axes[0].get_xlabel(), len(fig.axes[0].lines[0].get_xdata())
        ('epoch', 101)
    """
    if steps < 1 or steps_per_epoch < 1:
        raise InvalidInputError(
            f"steps and steps_per_epoch must be at least 1, not {steps} and {steps_per_epoch}."
        )
    step_numbers = np.unique(np.linspace(0, steps, min(steps, 400) + 1).round().astype(int))
    rates = [float(np.asarray(schedule(int(step)))) for step in step_numbers]
    fig, ax = plt.subplots(figsize=(6, 2.8))
    ax.plot(step_numbers / steps_per_epoch, rates)
    ax.set(title=title, xlabel="epoch", ylabel="learning rate", xlim=(0, steps / steps_per_epoch))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_steps(steps: Mapping[str, np.ndarray], title: str) -> Figure:
    """Pictures side by side, each at its own size, captioned with its name and its size in pixels
    (pass ``utils.drawing.preparation_steps(picture)``).

    Example:
        >>> fig = plot_steps({"big": np.zeros((280, 280)), "small": np.zeros((28, 28))}, title="Two sizes")
        >>> [ax.get_title() for ax in fig.axes]
        ['big\\n280×280', 'small\\n28×28']
    """
    if not steps:
        raise InvalidInputError("plot_steps needs at least one picture: pass what preparation_steps returns.")
    images = [np.asarray(image) for image in steps.values()]
    captions = [
        f"{name}\n{image.shape[0]}×{image.shape[1]}" for name, image in zip(steps, images, strict=True)
    ]
    return _image_grid(images, captions, title, ncols=len(images), cell_width=2.2, fontsize=9, cmap="gray_r")


def plot_explanation(
    image: np.ndarray, saliency: np.ndarray, occlusion: np.ndarray, title: str, ink: float = 0.5
) -> Figure:
    """One digit beside its saliency and occlusion maps, the digit's outline drawn on both maps,
    so that a reader can see which strokes each map points at.

    ``image`` is 28×28 (or 28×28×1) with ink in [0, 1]; the saliency map is scaled to its own
    largest value (as ``utils.explain.saliency_maps`` returns it); the occlusion map is a change
    in probability, drawn on a two-sided scale (red: hiding the patch lowers the probability).

    Example:
        >>> digit = np.zeros((28, 28)); digit[5:23, 12:16] = 1
        >>> fig = plot_explanation(digit, np.random.rand(28, 28), np.zeros((28, 28)), title="A 1")
        >>> [ax.get_title() for ax in fig.axes[:3]]
        ['the digit', 'saliency', 'occlusion']
    """
    image = np.asarray(image)
    image = image[..., 0] if image.ndim == 3 else image
    maps = [np.asarray(saliency), np.asarray(occlusion)]
    if not image.shape == maps[0].shape == maps[1].shape:
        raise InvalidInputError(
            f"the digit and its two maps must have one shape, not {image.shape}, {maps[0].shape} and {maps[1].shape}."
        )
    fig, axes = plt.subplots(1, 3, figsize=(7.5, 2.7))
    axes[0].imshow(image, cmap="gray_r")
    axes[0].set_title("the digit")
    shown = axes[1].imshow(maps[0], cmap="magma", vmin=0, vmax=1)
    fig.colorbar(shown, ax=axes[1], label="|gradient| / largest", fraction=0.046)
    limit = float(np.abs(maps[1]).max()) or 1.0
    shown = axes[2].imshow(maps[1], cmap="RdBu_r", vmin=-limit, vmax=limit)
    fig.colorbar(shown, ax=axes[2], label="drop in probability", fraction=0.046)
    for ax, name in zip(axes[1:], ("saliency", "occlusion"), strict=True):
        if image.max() > ink:  # the digit's outline, where its ink crosses the level
            ax.contour(image, levels=[ink], colors="limegreen", linewidths=1)
        ax.set_title(name)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title)
    fig.tight_layout()
    return fig
