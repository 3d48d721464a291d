"""Instant feedback for the exercises in ``exercises/``: one check per question.

A check takes the student's answer and either returns ``Passed`` (shown as ``✅ Right: …``) or
raises ``CheckFailed`` saying *what* is wrong and giving a hint, e.g. ``❌ Not right yet: layer 2
(conv2d_1, Conv2D) outputs (11, 11, 64), you wrote (12, 12, 64). Without padding a 3×3 Conv2D
shrinks height and width by 2 pixels each, 1 at each edge (13 → 11): did you add padding?``.
An answer still at its starting value (``None``) raises ``NotDoneYet`` instead:
``⏳ Not done yet: …``.

What a student sees is that message alone, without a traceback (IPython shows what
``_render_traceback_`` returns, see ``utils.errors``), in lines of at most ``WIDTH`` characters:
short enough that a notebook's error box, JupyterLab's Validate dialog and ``nbgrader validate``
(which indents by 4 and cuts at 87) all show every word. A failure is still an error, which is
how the autograder (nbgrader) sees that a test cell failed. A pass is *printed*, not shown
as the cell's value: nbgrader would read a value as a partial-credit score.
Whatever a student passes (``None``, a float, a string, labels out of range, a functional model)
gets one of these messages, never a traceback from NumPy or Keras.

Checks are tolerant where they should be: they compare shapes, layer types, counts and
accuracy *ranges*, never exact floats. Keras is not imported here: layers are recognised by
their class names, so the checks also work on models loaded from a file.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

import numpy as np

from utils import plots
from utils.errors import TutorialError, short

AUGMENTATION_LAYERS = (
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "RandomContrast",
    "RandomCrop",
    "RandomBrightness",
    "RandomFlip",
)
REGULARIZATION_LAYERS = ("Dropout", "SpatialDropout2D", "BatchNormalization")


# The longest line of feedback: 4 (nbgrader validate's indent) + 74 + 1 (the emoji is two columns
# wide) fits an 80-column terminal, and nbgrader validate cuts lines only past 87 characters.
WIDTH = 74
# Short spans a line should not break inside: a tuple, a list, `code`.
_UNBREAKABLE = re.compile(r"\([^()]{1,30}\)|\[[^\[\]]{1,30}\]|`[^`]{1,30}`")


def feedback_lines(text: str, width: int = WIDTH) -> list[str]:
    """``text`` wrapped at spaces into lines of at most ``width`` characters, for a reader.

    Short tuples, lists and ``code`` stay on one line; a word longer than ``width`` is not cut.

    Example:
        >>> feedback_lines("❌ Not right yet: layer 3 outputs (11, 11, 64), you wrote (13, 13, 64).", 40)
        ['❌ Not right yet: layer 3 outputs', '(11, 11, 64), you wrote (13, 13, 64).']
    """
    kept = _UNBREAKABLE.sub(lambda span: span.group().replace(" ", "\u00a0"), " ".join(text.split()))
    lines = textwrap.wrap(kept, width=width, break_long_words=False, break_on_hyphens=False)
    return [line.replace("\u00a0", " ") for line in lines]


class CheckFailed(TutorialError):
    """The answer is wrong; the message says what is wrong and what to try.

    In a notebook it shows as ``❌ Not right yet: <message>``, without a traceback, wrapped in
    lines of at most ``WIDTH`` characters.
    """

    prefix = "❌ Not right yet: "

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback: the message, one line per entry."""
        return feedback_lines(self.prefix + str(self))


class NotDoneYet(CheckFailed):
    """The answer is still at its starting value: the exercise has not been done."""

    prefix = "⏳ Not done yet: "


@dataclass(frozen=True)
class Passed:
    """A right answer; in a notebook it shows as ``✅ Right: <message>``.

    A notebook prints it (a ``stream`` output) instead of showing it as the cell's value:
    nbgrader reads a check cell's value as a partial-credit score and warns when it is not a
    number.
    """

    message: str

    def __repr__(self) -> str:
        return f"✅ Right: {self.message}"

    def _ipython_display_(self) -> None:
        """What IPython shows for a check cell's value: the message, wrapped, as printed text."""
        print("\n".join(feedback_lines(repr(self))))


def _layer_kind(layer: Any) -> str:
    return type(layer).__name__


def _require_model(model: Any, name: str, what: str) -> None:
    """Raise NotDoneYet for ``None`` and CheckFailed for anything that is not a Keras model."""
    if model is None:
        raise NotDoneYet(f"`{name}` is still None: {what}, assign it to `{name}` and run the cell again.")
    if not hasattr(model, "layers") or not hasattr(model, "predict"):
        raise CheckFailed(f"`{name}` should be a Keras model, but it is a {type(model).__name__}.")


def _model_layers(model: Any) -> list[Any]:
    """The layers as a student counts them: a functional model also lists its InputLayer."""
    return [layer for layer in model.layers if _layer_kind(layer) != "InputLayer"]


def _shape(tensor: Any) -> tuple[int, ...]:
    """A layer's or model's output or input shape without the batch size, if the model is built."""
    try:
        return tuple(int(d) for d in tensor.shape[1:])
    except (AttributeError, ValueError, TypeError, IndexError) as error:
        raise CheckFailed(
            "the model is not built, so its layers have no output shapes yet: start it with "
            "`keras.Input(shape=(28, 28, 1))`."
        ) from error


def _input_shape(model: Any) -> tuple[int, ...]:
    try:
        inputs = model.inputs[0]
    except (AttributeError, ValueError, TypeError, IndexError):
        inputs = None
    return _shape(inputs)


def _require_layers(model: Any) -> list[Any]:
    """The model's layers; CheckFailed if it has none."""
    found = _model_layers(model)
    if not found:
        raise CheckFailed("the model has no layers yet: add them in the list given to keras.Sequential.")
    return found


def layer_output_shapes(model: Any) -> list[tuple[int, ...]]:
    """The output shape of every layer of a built model, without the batch size.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3)])
        >>> layer_output_shapes(model)
        [(26, 26, 8)]
    """
    _require_model(model, "model", "build the model")
    shapes = []
    for layer in _model_layers(model):
        try:
            output = layer.output
        except (AttributeError, ValueError, TypeError):
            output = None
        shapes.append(_shape(output))
    return shapes


def _shape_hint(
    layer: Any, input_shape: tuple[int, ...], expected: tuple[int, ...], given: tuple[object, ...]
) -> str:
    """Why a layer's output shape is what it is, aimed at the mistake the student made."""
    kind = _layer_kind(layer)
    if kind == "Conv2D":
        k = layer.kernel_size[0]
        if expected[-1] != (given[-1] if given else None):
            return f"A Conv2D outputs one channel per filter: this one has filters={layer.filters}."
        if layer.padding == "same":
            return "This Conv2D has padding='same', which keeps height and width unchanged."
        # an odd window loses the same number of pixels at each edge; an even one cannot
        per_edge = f", {(k - 1) // 2} at each edge" if k % 2 else ""
        pixels = "pixel" if k == 2 else "pixels"
        return (
            f"Without padding a {k}×{k} Conv2D shrinks height and width by {k - 1} {pixels} each{per_edge} "
            f"({input_shape[0]} → {input_shape[0] - k + 1}): did you add padding?"
        )
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        p = layer.pool_size[0]
        return f"Pooling divides height and width by {p}, rounding down, and keeps the channels."
    if kind == "Flatten":
        return "Flatten multiplies its input's height × width × channels into one number."
    if kind == "Dense":
        return f"A Dense layer outputs one number per unit: this one has units={layer.units}."
    return f"A {kind} layer does not change the shape of its input."


def check_output_shapes(predicted: Sequence[tuple[int, ...]] | None, model: Any) -> Passed:
    """Compare predicted output shapes, one per layer and without the batch size, with Keras's.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3)])
        >>> check_output_shapes([(26, 26, 8)], model)
        ✅ Right: all 1 output shapes match Keras.
    """
    if predicted is None:
        raise NotDoneYet(
            "`predicted_shapes` is still None: write one shape per layer, "
            "e.g. [(26, 26, 32), …], then run the cell again."
        )
    _require_model(model, "model", "build the model")
    given_list: object = predicted
    if isinstance(given_list, np.ndarray) and given_list.ndim == 0:  # a lone number, not a list
        given_list = given_list.item()
    if isinstance(given_list, (str, bytes)):
        raise CheckFailed(
            "you wrote the shapes as text, in quotes: write a list of tuples without quotes, "
            "e.g. [(26, 26, 32), (13, 13, 32), …]."
        )
    if isinstance(given_list, Mapping) or not isinstance(given_list, (Sequence, np.ndarray)):
        raise CheckFailed(
            "write a list of shapes, one per layer, e.g. [(26, 26, 32), (13, 13, 32), …]; "
            f"you gave a {type(given_list).__name__}."
        )
    actual = layer_output_shapes(model)
    answers = list(given_list)
    if len(answers) != len(actual):
        raise CheckFailed(_count_hint(answers, actual, _model_layers(model), _input_shape(model)))
    input_shape = _input_shape(model)
    for number, (layer, answer, expected) in enumerate(
        zip(_model_layers(model), answers, actual, strict=True), start=1
    ):
        given = _as_shape(answer)
        if given is None:
            raise CheckFailed(
                f"shape {number} is {short(answer)}, not a shape: write whole numbers in a tuple, e.g. (26, 26, 32)."
            )
        if len(given) == len(expected) + 1 and given[0] is None:
            raise CheckFailed(f"leave out the batch size: write {given[1:]}, not {given}.")
        if given != expected:
            hint = _shape_hint(layer, input_shape, expected, given)
            raise CheckFailed(
                f"layer {number} ({layer.name}, {_layer_kind(layer)}) outputs "
                f"{expected}, you wrote {given}. {hint}"
            )
        input_shape = expected
    return Passed(f"all {len(actual)} output shapes match Keras.")


def _count_hint(
    answers: list[object], actual: list[tuple[int, ...]], layers: list[Any], input_shape: tuple[int, ...]
) -> str:
    """Why a list of shapes has the wrong length: which layer is missing, or what is extra."""
    said = (
        f"you gave {len(answers)} shape{'s' * (len(answers) != 1)} "
        f"but the model has {len(actual)} layer{'s' * (len(actual) != 1)}"
    )
    shapes = [_as_shape(answer) for answer in answers]
    if len(answers) == len(actual) + 1 and shapes[0] == input_shape:
        return f"{said}: leave out the input's shape {input_shape}, the Input is not a layer."
    if len(answers) == len(actual) - 1:
        # one layer left out: the first place where the answers stop lining up with the layers
        # (only said when every other shape is right, so the hint gives no answer away)
        for gap, layer in enumerate(layers):
            if shapes[:gap] == actual[:gap] and shapes[gap:] == actual[gap + 1 :]:
                return (
                    f"{said}: there is no shape for layer {gap + 1} ({layer.name}, {_layer_kind(layer)}). "
                    "Write one shape per layer, in order."
                )
    kinds = ", ".join(_layer_kind(layer) for layer in layers)
    return f"{said} ({kinds}): write one shape per layer, in order; the Input is not a layer."


def _whole(value: object) -> TypeGuard[int | np.integer[Any]]:
    """A whole number written as one (an int, not a bool, a float or a string)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _as_shape(answer: object) -> tuple[int | None, ...] | None:
    """A student's shape as a tuple (a lone number n counts as (n,)), or None if it is not one."""
    if isinstance(answer, np.ndarray) and answer.ndim == 0:  # a lone NumPy number
        answer = answer.item()
    if _whole(answer):
        return (int(answer),)
    if isinstance(answer, (str, bytes, Mapping)) or not isinstance(answer, (Sequence, np.ndarray)):
        return None
    items = list(answer)
    if not all(item is None or _whole(item) for item in items):
        return None
    return tuple(None if item is None else int(item) for item in items)


def check_parameter_count(predicted: int | None, model: Any) -> Passed:
    """Compare a predicted number of parameters with the model's.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3)])
        >>> check_parameter_count(80, model)
        ✅ Right: the model has 80 parameters.
    """
    if predicted is None:
        raise NotDoneYet("`predicted_parameters` is still None: work out the total, then run the cell again.")
    _require_model(model, "model", "build the model")
    if not _whole(predicted):
        raise CheckFailed(_not_a_count(predicted))
    total = int(model.count_params())
    if predicted == total:
        return Passed(f"the model has {total:,} parameters.")
    biases = sum(
        int(layer.bias.shape[0]) for layer in _model_layers(model) if getattr(layer, "bias", None) is not None
    )
    if predicted == total - biases:
        raise CheckFailed("you left out the biases: every filter and every Dense unit has one bias too.")
    raise CheckFailed(
        f"you wrote {predicted:,}, which is {'more' if predicted > total else 'less'} than the model has. "
        "A Conv2D has k·k·c·f + f parameters (c input channels, f filters), a Dense layer "
        "inputs·units + units; pooling and Flatten have none."
    )


def _not_a_count(predicted: object) -> str:
    """What to write instead of something that is not a whole number, aimed at the usual slips."""
    if isinstance(predicted, str):
        digits = predicted.replace(",", "").replace("_", "").replace(" ", "")
        if digits.isdecimal():
            return f"the number is in quotes, so Python reads it as text: drop the quotes and write {int(digits)}."
    if isinstance(predicted, tuple) and len(predicted) > 1 and all(_whole(part) for part in predicted):
        first, *groups = (int(part) for part in predicted)
        if first > 0 and all(0 <= group < 1000 for group in groups):  # 33,802 read as (33, 802)
            typed = ",".join([str(first), *(f"{group:03d}" for group in groups)])
            return (
                f"Python reads {typed} as {len(predicted)} numbers, {short(predicted)}: "
                f"write {typed.replace(',', '')} without commas (or {typed.replace(',', '_')})."
            )
        return f"write one whole number; you gave a tuple of {len(predicted)} numbers, {short(predicted)}."
    if isinstance(predicted, float) and predicted.is_integer():
        return f"write a whole number, {int(predicted)}, not the float {predicted}."
    return f"the number of parameters is a whole number; you gave a {type(predicted).__name__}."


def check_mlp(model: Any) -> Passed:
    """Check a dense-only classifier: 28×28 digits in, 10 probabilities out, a hidden layer.

    Example:
        >>> import keras
        >>> mlp = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
        ...                         keras.layers.Dense(16, activation="relu"),
        ...                         keras.layers.Dense(10, activation="softmax")])
        >>> check_mlp(mlp)
        ✅ Right: a dense network with 1 hidden layer and 12,730 parameters.
    """
    _require_model(model, "model", "build the MLP")
    kinds = [_layer_kind(layer) for layer in _require_layers(model)]
    if "Conv2D" in kinds:
        raise CheckFailed("an MLP has no Conv2D layers: only Flatten and Dense layers.")
    input_shape = _input_shape(model)
    if input_shape not in ((28, 28, 1), (28, 28), (784,)):
        raise CheckFailed(
            f"the model takes inputs of shape {input_shape}; use keras.Input(shape=(28, 28, 1)) "
            "so it reads the same images as the convnet."
        )
    if len(input_shape) > 1 and "Flatten" not in kinds:
        raise CheckFailed("Dense layers need a flat vector: start with layers.Flatten().")
    dense = [layer for layer in _model_layers(model) if _layer_kind(layer) == "Dense"]
    _require_softmax_output(model)
    if len(dense) < 2:
        raise CheckFailed(
            "add at least one hidden Dense layer (e.g. 512 units, relu) before the output layer."
        )
    return Passed(
        f"a dense network with {len(dense) - 1} hidden layer{'s' * (len(dense) > 2)} "
        f"and {model.count_params():,} parameters."
    )


def _require_softmax_output(model: Any) -> None:
    """The last layer must give 10 probabilities."""
    last = _require_layers(model)[-1]
    try:
        last_output = last.output
    except (AttributeError, ValueError, TypeError):
        last_output = None
    output = _shape(last_output)
    if output != (10,):
        raise CheckFailed(f"the model outputs shape {output}; it needs one probability per digit: (10,).")
    activation = getattr(getattr(last, "activation", None), "__name__", None)
    if activation != "softmax":
        raise CheckFailed(
            f"the last layer's activation is {activation!r}; use 'softmax' so the 10 outputs are "
            "probabilities, as categorical_crossentropy expects."
        )


def check_regularized(model: Any) -> Passed:
    """Check a convnet that has Dropout or BatchNormalization, placed where it can help.

    Example:
        >>> import keras
        >>> net = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3),
        ...                         keras.layers.Flatten(), keras.layers.Dropout(0.5),
        ...                         keras.layers.Dense(10, activation="softmax")])
        >>> check_regularized(net)
        ✅ Right: a convnet with Dropout.
    """
    _require_model(model, "regularized_model", "build the convnet with Dropout or BatchNormalization")
    kinds = [_layer_kind(layer) for layer in _require_layers(model)]
    if "Conv2D" not in kinds:
        raise CheckFailed("start from the convnet of the lesson: it has Conv2D layers.")
    found = [kind for kind in REGULARIZATION_LAYERS if kind in kinds]
    if not found:
        raise CheckFailed(
            "the model has no Dropout or BatchNormalization layer: add one, "
            "e.g. layers.Dropout(0.5) before the last Dense layer."
        )
    if kinds[-1] in REGULARIZATION_LAYERS:
        raise CheckFailed(
            f"{kinds[-1]} is the last layer, after the softmax: put it before the output layer."
        )
    for layer in _model_layers(model):
        if _layer_kind(layer) == "Dropout" and not 0 < layer.rate < 0.9:
            raise CheckFailed(
                f"Dropout rate {layer.rate} drops {'nothing' if layer.rate <= 0 else 'almost everything'}: "
                "use a rate between 0.2 and 0.5."
            )
    _require_softmax_output(model)
    return Passed(f"a convnet with {' and '.join(found)}.")


def check_augmentation(model: Any) -> Passed:
    """Check that a model augments its inputs with random layers that keep a digit a digit.

    Example:
        >>> import keras
        >>> net = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.RandomRotation(0.05),
        ...                         keras.layers.Conv2D(8, 3), keras.layers.Flatten(),
        ...                         keras.layers.Dense(10, activation="softmax")])
        >>> check_augmentation(net)
        ✅ Right: the model augments its inputs with RandomRotation.
    """
    _require_model(model, "augmented_model", "build the convnet with augmentation layers")
    kinds = [_layer_kind(layer) for layer in _require_layers(model)]
    used = [kind for kind in kinds if kind in AUGMENTATION_LAYERS]
    if not used:
        raise CheckFailed(
            "the model has no augmentation layer: add e.g. layers.RandomRotation(0.05) "
            "and layers.RandomTranslation(0.1, 0.1) before the first Conv2D."
        )
    if "RandomFlip" in used:
        raise CheckFailed(
            "RandomFlip mirrors digits, and a mirrored 2 or 7 is no longer that digit: "
            "use small rotations, shifts or zooms instead."
        )
    for layer in _model_layers(model):
        if _layer_kind(layer) == "RandomRotation":
            factor = max(abs(float(f)) for f in np.atleast_1d(layer.factor))
            if factor > 0.1:  # the factor is a fraction of a full turn
                why = (
                    "a 6 turned that far reads as a 9"
                    if factor >= 0.4
                    else "much further than handwriting slants, so the model trains on digits no test image looks like"
                )
                raise CheckFailed(
                    f"RandomRotation({factor}) turns digits by up to {factor * 360:.0f}°: {why}. "
                    "Keep the factor at 0.1 or less (36°)."
                )
    if "Conv2D" in kinds and kinds.index("Conv2D") < max(kinds.index(kind) for kind in used):
        raise CheckFailed("put the augmentation layers first, before the first Conv2D: they change images.")
    _require_softmax_output(model)
    return Passed(f"the model augments its inputs with {', '.join(used)}.")


def _digits(y: object, name: str, what: str) -> np.ndarray:
    """Labels 0–9 as integers, from integer or one-hot labels; NotDoneYet for None, else CheckFailed."""
    if y is None:
        raise NotDoneYet(f"`{name}` is None: {what}, then run this cell again.")
    try:
        labels = np.asarray(y)
    except (TypeError, ValueError):  # a ragged list
        labels = np.asarray(None)
    wrong = f"`{name}` must hold whole digits 0 to 9, one per test image"
    if labels.dtype.kind not in "iuf" or labels.ndim not in (1, 2) or labels.size == 0:
        raise CheckFailed(f"{wrong}; it is {labels.dtype} data of shape {labels.shape}.")
    if labels.ndim == 2:  # one-hot labels or probabilities: the digit is the largest column
        if labels.shape[1] != 10 or not np.isfinite(labels).all():
            raise CheckFailed(f"{wrong} (or one-hot rows of 10); it has shape {labels.shape}.")
        digits: np.ndarray = labels.argmax(axis=1)
        return digits
    bad = ~np.isfinite(labels) | (labels != np.round(labels)) | (labels < 0) | (labels > 9)
    if bad.any():
        raise CheckFailed(f"{wrong}; it has {labels[bad][0].item()!r}.")
    return labels.astype(np.int64)


def _counts(matrix: object) -> np.ndarray:
    """A 10×10 matrix of whole, non-negative counts, or CheckFailed saying what it is instead."""
    try:
        counts = np.asarray(matrix)
    except (TypeError, ValueError):  # a ragged list
        counts = np.asarray(None)
    if counts.shape != (10, 10):
        raise CheckFailed(
            f"the matrix has shape {counts.shape}; it needs one row and one column per digit: (10, 10)."
        )
    if counts.dtype.kind not in "iuf" or not (
        np.isfinite(counts).all() and (counts == np.round(counts)).all() and (counts >= 0).all()
    ):
        raise CheckFailed(
            "the matrix must hold whole counts (0, 1, 2, …): one count per (true, predicted) pair."
        )
    return counts.astype(np.int64)


def check_test_accuracy(model: Any, x_test: np.ndarray, y_test: np.ndarray, minimum: float) -> Passed:
    """Measure a model's accuracy on the test set and compare it with a bar (a fraction).

    Labels may be integers or one-hot. The model is not modified.

    Example:
        >>> check_test_accuracy(model, x_test, y_test, minimum=0.97)  # doctest: +SKIP
        ✅ Right: 97.85 % on the 10,000 test images, above the bar of 97.00 %.
    """
    if model is None:
        raise NotDoneYet(
            "the model is still None: build it and train it in the cells above, then run this cell again."
        )
    _require_model(model, "model", "build and train the model")
    if x_test is None:
        raise NotDoneYet(
            "`x_test` is None: load and prepare the test images as in notebook 3, then run this cell again."
        )
    labels = _digits(y_test, "y_test", "load the test labels as in notebook 3")
    try:
        output = np.asarray(model.predict(x_test, verbose=0))
    except Exception as error:  # Keras and TensorFlow fail on bad inputs with errors of many types
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise CheckFailed(
            f"the model could not read the test images ({first_line[:200]}): "
            "prepare them as in notebook 3, shape (N, 28, 28, 1), scaled to [0, 1]."
        ) from error
    if output.ndim != 2 or output.shape[1] != 10:
        raise CheckFailed(
            f"the model's output has shape {output.shape}; it needs 10 probabilities per image."
        )
    predictions = output.argmax(axis=1)
    if len(predictions) != len(labels):
        raise CheckFailed(
            f"the model gave {len(predictions):,} predictions for {len(labels):,} labels: "
            "pass x_test and y_test of the same test set."
        )
    accuracy = float(np.mean(predictions == labels))
    measured = f"{100 * accuracy:.2f} % on the {len(labels):,} test images"
    if accuracy < 0.2:
        raise NotDoneYet(f"{measured}, no better than guessing: the model looks untrained. Did you run fit?")
    if accuracy < minimum:
        raise CheckFailed(
            f"{measured}, below the bar of {100 * minimum:.2f} %. Train for the number of epochs "
            "the exercise asks for, and check that the images are scaled to [0, 1]."
        )
    return Passed(f"{measured}, above the bar of {100 * minimum:.2f} %.")


def check_confusion_matrix(matrix: np.ndarray | None, y_true: np.ndarray, y_pred: np.ndarray) -> Passed:
    """Check a 10×10 confusion matrix: rows are true digits, columns predicted digits.

    Example:
        >>> y = np.arange(10)
        >>> check_confusion_matrix(np.eye(10, dtype=int), y, y)
        ✅ Right: 10 predictions, 10 correct on the diagonal.
    """
    if matrix is None:
        raise NotDoneYet(
            "`matrix` is still None: count (true digit, predicted digit) pairs into a 10×10 array."
        )
    matrix = _counts(matrix)
    y_true = _digits(y_true, "y_true", "use the test set's labels")
    y_pred = _digits(y_pred, "y_pred", "compute the model's predicted digits")
    if len(y_true) != len(y_pred):
        raise CheckFailed(
            f"there are {len(y_true):,} true labels but {len(y_pred):,} predictions: "
            "compute both from the same test images."
        )
    expected = plots.confusion_matrix(y_true, y_pred, num_classes=10)
    if np.array_equal(matrix, expected):
        return Passed(f"{len(y_true):,} predictions, {int(np.trace(matrix)):,} correct on the diagonal.")
    if int(matrix.sum()) != len(y_true):
        raise CheckFailed(
            f"the matrix counts {int(matrix.sum()):,} predictions but there are {len(y_true):,} "
            "test images: count each image exactly once."
        )
    if np.array_equal(matrix, expected.T):
        raise CheckFailed(
            "rows and columns are swapped: row i must be the true digit i, column j the predicted digit j."
        )
    for digit in range(10):
        if matrix[digit].sum() != expected[digit].sum():
            raise CheckFailed(
                f"row {digit} sums to {int(matrix[digit].sum())} but there are "
                f"{int(expected[digit].sum())} test images of a {digit}: rows are the true digits."
            )
    raise CheckFailed(
        "the row totals are right but some cells are not: count matrix[true, predicted] += 1 for each image."
    )


def check_most_confused(pair: tuple[int, int] | None, matrix: np.ndarray | None) -> Passed:
    """Check a (true digit, predicted digit) pair: the largest count off the diagonal.

    Example:
        >>> matrix = np.eye(10, dtype=int) * 100
        >>> matrix[4, 9] = 7
        >>> check_most_confused((4, 9), matrix)
        ✅ Right: a 4 read as a 9 is the most frequent mistake (7 times).
    """
    if pair is None:
        raise NotDoneYet("`most_confused` is still None: write the pair as (true digit, predicted digit).")
    if matrix is None:
        raise NotDoneYet(
            "`matrix` is still None: do question 1 first (the confusion matrix), then run this cell again."
        )
    shape = _as_shape(pair)
    if shape is None or len(shape) != 2 or None in shape:
        raise CheckFailed(
            f"write the pair as two digits, (true, predicted), e.g. (4, 9); you gave {short(pair)}."
        )
    true, predicted = (int(d) for d in shape if d is not None)
    if not (0 <= true <= 9 and 0 <= predicted <= 9):
        raise CheckFailed(f"{(true, predicted)} is not a pair of digits 0 to 9.")
    mistakes = _counts(matrix)
    np.fill_diagonal(mistakes, 0)
    most = int(mistakes.max())
    if true == predicted:
        raise CheckFailed(
            f"{(true, predicted)} is on the diagonal: those are the correct answers, not mistakes."
        )
    if mistakes[true, predicted] == most:
        return Passed(f"a {true} read as a {predicted} is the most frequent mistake ({most} times).")
    happened = int(mistakes[true, predicted])
    times = f"{happened} time{'s' * (happened != 1)}"
    if mistakes[predicted, true] == most:
        raise CheckFailed(
            f"{(true, predicted)} means a {true} read as a {predicted}, which happened {times}. "
            f"Is your largest count in row {true}, column {predicted}? In matrix[t, p] the row t is "
            "the true digit and the column p the prediction."
        )
    raise CheckFailed(
        f"a {true} read as a {predicted} happens {times}, but another mistake happens {most} times: "
        "look for the largest number off the diagonal."
    )
