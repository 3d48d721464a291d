"""Tests for utils.checks: every check accepts a right answer, names what is wrong in a wrong
one, and says "not done yet" for an untouched one (None)."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks import (
    WIDTH,
    CheckFailed,
    NotDoneYet,
    Passed,
    check_augmentation,
    check_confusion_matrix,
    check_mlp,
    check_most_confused,
    check_output_shapes,
    check_parameter_count,
    check_regularized,
    check_test_accuracy,
    feedback_lines,
    layer_output_shapes,
)
from utils.setup import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers


def convnet(*extra_first, head=(), padding="valid"):
    """The lesson's convnet, optionally with layers in front of it and before its output."""
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            *extra_first,
            layers.Conv2D(32, (3, 3), activation="relu", padding=padding),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.Flatten(),
            *head,
            layers.Dense(10, activation="softmax"),
        ]
    )


def mlp(hidden=(64,), activation="softmax", units=10):
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Flatten(),
            *[layers.Dense(n, activation="relu") for n in hidden],
            layers.Dense(units, activation=activation),
        ]
    )


RIGHT_SHAPES = [(26, 26, 32), (13, 13, 32), (11, 11, 64), (7744,), (10,)]


def test_failures_show_their_message_instead_of_a_traceback():
    assert CheckFailed("x is wrong")._render_traceback_() == ["❌ Not right yet: x is wrong"]
    assert NotDoneYet("x is None")._render_traceback_() == ["⏳ Not done yet: x is None"]
    assert repr(Passed("all good")) == "✅ Right: all good"
    assert issubclass(NotDoneYet, CheckFailed)


LONG = (
    "you wrote 33,801, which is less than the model has. A Conv2D has k·k·c·f + f parameters "
    "(c input channels, f filters), a Dense layer inputs·units + units; pooling and Flatten have none."
)


def test_a_long_message_is_wrapped_whole_at_spaces_within_the_width():
    lines = CheckFailed(LONG)._render_traceback_()
    assert len(lines) == 3 and all(len(line) <= WIDTH for line in lines), lines
    assert " ".join(lines) == "❌ Not right yet: " + LONG, "every word is there, none cut"
    assert "(c input channels, f filters)" in lines[1], "a short parenthesis stays on one line"
    assert str(CheckFailed(LONG)) == LONG, "the message itself stays one line, for logs and tests"


def test_wrapping_never_cuts_a_word_and_keeps_short_code_together():
    assert feedback_lines("a " + "x" * 100 + " b", width=20) == ["a", "x" * 100, "b"]
    assert feedback_lines("write `keras.Input(shape=(28, 28, 1))` first", width=20) == [
        "write",
        "`keras.Input(shape=(28, 28, 1))`",
        "first",
    ]
    assert feedback_lines("  spaces   and\nnewlines  ", width=40) == ["spaces and newlines"]


def test_the_validate_commands_width_shows_every_line_whole():
    """nbgrader validate indents each line by 4 and cuts it past 87 characters, adding "..."."""
    assert 4 + WIDTH <= 87
    assert 4 + WIDTH + 1 <= 80, "with the emoji's second column, a line fits an 80-column terminal"


def test_a_pass_is_printed_not_returned_as_the_cells_value(capsys):
    """nbgrader reads a check cell's value (an execute_result) as a partial-credit score.

    IPython asks the formatter for the value's data; an object that displays itself gets none,
    and the kernel then sends no execute_result (the exercises' autograding test sees it)."""
    from IPython.core.interactiveshell import InteractiveShell

    data, _ = InteractiveShell.instance().display_formatter.format(Passed(LONG))
    assert data == {}, "no value for the cell's result"
    assert capsys.readouterr().out.splitlines() == feedback_lines(f"✅ Right: {LONG}")


def test_layer_output_shapes_leave_out_the_batch_size():
    assert layer_output_shapes(convnet()) == RIGHT_SHAPES


def test_output_shapes_right_wrong_and_not_done():
    model = convnet()
    assert "all 5 output shapes" in check_output_shapes(RIGHT_SHAPES, model).message
    with pytest.raises(NotDoneYet, match=r"predicted_shapes` is still None"):
        check_output_shapes(None, model)
    wrong = [(26, 26, 32), (13, 13, 32), (13, 13, 64), (7744,), (10,)]
    with pytest.raises(
        CheckFailed,
        match=r"layer 3 .*outputs \(11, 11, 64\), you wrote \(13, 13, 64\)\. "
        r"Without padding a 3×3 Conv2D shrinks height and width by 2 pixels each, 1 at each edge \(13 → 11\)",
    ):
        check_output_shapes(wrong, model)
    with pytest.raises(CheckFailed, match=r"one channel per filter: this one has filters=32"):
        check_output_shapes([(26, 26, 1), *RIGHT_SHAPES[1:]], model)
    with pytest.raises(CheckFailed, match=r"rounding down"):
        check_output_shapes([(26, 26, 32), (14, 14, 32), *RIGHT_SHAPES[2:]], model)
    with pytest.raises(CheckFailed, match=r"height × width × channels"):
        check_output_shapes([*RIGHT_SHAPES[:3], (121,), (10,)], model)
    with pytest.raises(CheckFailed, match=r"you gave 4 shapes but the model has 5 layers"):
        check_output_shapes(RIGHT_SHAPES[:4], model)
    with pytest.raises(CheckFailed, match=r"leave out the batch size"):
        check_output_shapes([(None, 26, 26, 32), *RIGHT_SHAPES[1:]], model)


def test_output_shapes_hint_for_an_even_window_names_no_edge_count():
    """A 2×2 window loses one pixel of height and of width, which cannot be split between two edges."""
    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, (2, 2))])
    with pytest.raises(CheckFailed, match=r"shrinks height and width by 1 pixel each \(28 → 27\)") as failure:
        check_output_shapes([(28, 28, 8)], model)
    assert "at each edge" not in str(failure.value)


def test_output_shapes_know_about_same_padding():
    model = convnet(padding="same")
    with pytest.raises(CheckFailed, match=r"padding='same', which keeps height and width"):
        check_output_shapes([(26, 26, 32), *RIGHT_SHAPES[1:]], model)


def test_a_missing_shape_names_the_layer_it_belongs_to():
    model = convnet()
    with pytest.raises(CheckFailed, match=r"no shape for layer 2 \(max_pooling2d.*, MaxPooling2D\)"):
        check_output_shapes([RIGHT_SHAPES[0], *RIGHT_SHAPES[2:]], model)
    with pytest.raises(CheckFailed, match=r"no shape for layer 5 \(dense.*, Dense\)"):
        check_output_shapes(RIGHT_SHAPES[:4], model)
    with pytest.raises(CheckFailed, match=r"leave out the input's shape \(28, 28, 1\)"):
        check_output_shapes([(28, 28, 1), *RIGHT_SHAPES], model)
    # other shapes wrong too: no guess at which one is missing, but the layers in order
    with pytest.raises(
        CheckFailed,
        match=r"5 layers \(Conv2D, MaxPooling2D, Conv2D, Flatten, Dense\): write one shape per layer",
    ) as caught:
        check_output_shapes([(26, 26, 32), (13, 13, 32), (13, 13, 64), (10,)], model)
    assert "no shape for" not in str(caught.value)
    with pytest.raises(CheckFailed, match=r"you gave 1 shape but"):
        check_output_shapes([(26, 26, 32)], model)


def test_shapes_or_a_count_typed_as_text_say_to_drop_the_quotes():
    model = convnet()
    total = model.count_params()
    with pytest.raises(CheckFailed, match=r"in quotes: write a list of tuples without quotes"):
        check_output_shapes(str(RIGHT_SHAPES), model)
    with pytest.raises(
        CheckFailed, match=rf"in quotes, so Python reads it as text: drop the quotes and write {total}\."
    ):
        check_parameter_count(f"{total:,}", model)
    with pytest.raises(CheckFailed, match=r"Python reads 96,266 as 2 numbers, \(96, 266\): write 96266 "):
        check_parameter_count((96, 266), model)  # what `= 96,266` gives, without quotes
    with pytest.raises(CheckFailed, match=r"Python reads 1,000,005 as 3 numbers"):
        check_parameter_count((1, 0, 5), model)
    with pytest.raises(CheckFailed, match=rf"write a whole number, {total}, not the float {total}\.0"):
        check_parameter_count(float(total), model)
    with pytest.raises(CheckFailed, match=r"a whole number; you gave a str"):
        check_parameter_count("many", model)


def test_parameter_count_right_wrong_and_not_done():
    model = convnet()
    total = model.count_params()
    assert check_parameter_count(total, model) == Passed(f"the model has {total:,} parameters.")
    with pytest.raises(NotDoneYet):
        check_parameter_count(None, model)
    with pytest.raises(CheckFailed, match=r"you left out the biases"):
        check_parameter_count(total - 32 - 64 - 10, model)
    with pytest.raises(CheckFailed, match=r"more than the model has. A Conv2D has k·k·c·f \+ f"):
        check_parameter_count(total + 1, model)
    with pytest.raises(CheckFailed, match=r"whole number"):
        check_parameter_count(total + 0.5, model)


def test_mlp_right_wrong_and_not_done():
    assert "2 hidden layers" in check_mlp(mlp(hidden=(64, 32))).message
    with pytest.raises(NotDoneYet, match=r"build the MLP"):
        check_mlp(None)
    with pytest.raises(CheckFailed, match=r"no Conv2D"):
        check_mlp(convnet())
    with pytest.raises(CheckFailed, match=r"at least one hidden Dense layer"):
        check_mlp(mlp(hidden=()))
    with pytest.raises(CheckFailed, match=r"activation is 'relu'; use 'softmax'"):
        check_mlp(mlp(activation="relu"))
    with pytest.raises(CheckFailed, match=r"outputs shape \(5,\)"):
        check_mlp(mlp(units=5))
    no_flatten = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Dense(10, activation="softmax")])
    with pytest.raises(CheckFailed, match=r"start with layers.Flatten"):
        check_mlp(no_flatten)
    with pytest.raises(CheckFailed, match=r"should be a Keras model, but it is a str"):
        check_mlp("my model")


def test_regularized_right_wrong_and_not_done():
    assert check_regularized(convnet(head=[layers.Dropout(0.5)])).message == "a convnet with Dropout."
    assert "BatchNormalization" in check_regularized(convnet(head=[layers.BatchNormalization()])).message
    with pytest.raises(NotDoneYet):
        check_regularized(None)
    with pytest.raises(CheckFailed, match=r"no Dropout or BatchNormalization"):
        check_regularized(convnet())
    with pytest.raises(CheckFailed, match=r"drops nothing"):
        check_regularized(convnet(head=[layers.Dropout(0.0)]))
    with pytest.raises(CheckFailed, match=r"has Conv2D layers"):
        check_regularized(mlp())
    after_softmax = keras.Sequential([*convnet().layers, layers.Dropout(0.5)])
    with pytest.raises(CheckFailed, match=r"Dropout is the last layer"):
        check_regularized(after_softmax)


def test_augmentation_right_wrong_and_not_done():
    good = convnet(layers.RandomRotation(0.05), layers.RandomTranslation(0.1, 0.1))
    assert "RandomRotation, RandomTranslation" in check_augmentation(good).message
    with pytest.raises(NotDoneYet):
        check_augmentation(None)
    with pytest.raises(CheckFailed, match=r"no augmentation layer"):
        check_augmentation(convnet())
    with pytest.raises(CheckFailed, match=r"a mirrored 2 or 7"):
        check_augmentation(convnet(layers.RandomFlip("horizontal")))
    with pytest.raises(CheckFailed, match=r"up to 180°: a 6 turned that far reads as a 9"):
        check_augmentation(convnet(layers.RandomRotation(0.5)))
    with pytest.raises(CheckFailed, match=r"up to 54°: much further than handwriting slants") as caught:
        check_augmentation(convnet(layers.RandomRotation(0.15)))
    assert "a 9" not in str(caught.value), "a 54° turn does not make a 6 a 9"
    assert check_augmentation(convnet(layers.RandomRotation(0.1)))
    late = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(8, 3),
            layers.RandomZoom(0.1),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
    with pytest.raises(CheckFailed, match=r"before the first Conv2D"):
        check_augmentation(late)


class FixedModel:
    """Stands in for a trained model: 'predicts' fixed probabilities (checks need only predict)."""

    layers = ()

    def __init__(self, probabilities):
        self.probabilities = probabilities

    def predict(self, x, verbose=0):
        if x.ndim != 4:
            raise ValueError("Input 0 is incompatible with the layer: expected ndim=4")
        return self.probabilities


def test_test_accuracy_passes_above_the_bar_and_explains_below_it():
    labels = np.arange(1000) % 10
    x = np.zeros((1000, 28, 28, 1), dtype="float32")
    right = np.eye(10)[labels]
    nine_in_ten = right.copy()
    nine_in_ten[::10] = np.roll(nine_in_ten[::10], 1, axis=1)  # every tenth answer wrong: 90 %
    assert check_test_accuracy(FixedModel(right), x, labels, minimum=0.99).message.startswith("100.00 %")
    assert (
        "90.00 %" in check_test_accuracy(FixedModel(nine_in_ten), x, np.eye(10)[labels], minimum=0.9).message
    )
    with pytest.raises(CheckFailed, match=r"90.00 % on the 1,000 test images, below the bar of 95.00 %"):
        check_test_accuracy(FixedModel(nine_in_ten), x, labels, minimum=0.95)
    with pytest.raises(NotDoneYet, match=r"untrained"):
        check_test_accuracy(FixedModel(np.roll(right, 1, axis=1)), x, labels, minimum=0.95)
    with pytest.raises(NotDoneYet):
        check_test_accuracy(None, x, labels, minimum=0.95)
    with pytest.raises(CheckFailed, match=r"could not read the test images .*shape \(N, 28, 28, 1\)"):
        check_test_accuracy(FixedModel(right), x[..., 0], labels, minimum=0.95)


def test_confusion_matrix_right_wrong_and_not_done():
    y_true = np.array([0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 9])
    y_pred = np.array([0, 1, 2, 7, 3, 4, 5, 6, 7, 8, 9, 4])
    right = np.zeros((10, 10), dtype=int)
    np.add.at(right, (y_true, y_pred), 1)
    assert (
        check_confusion_matrix(right, y_true, y_pred).message == "12 predictions, 10 correct on the diagonal."
    )
    with pytest.raises(NotDoneYet):
        check_confusion_matrix(None, y_true, y_pred)
    with pytest.raises(CheckFailed, match=r"rows and columns are swapped"):
        check_confusion_matrix(right.T, y_true, y_pred)
    with pytest.raises(CheckFailed, match=r"shape \(9, 9\)"):
        check_confusion_matrix(right[:9, :9], y_true, y_pred)
    with pytest.raises(CheckFailed, match=r"counts 24 predictions but there are 12"):
        check_confusion_matrix(2 * right, y_true, y_pred)
    moved = right.copy()
    moved[2, 7], moved[2, 3] = 0, 1
    with pytest.raises(CheckFailed, match=r"row totals are right"):
        check_confusion_matrix(moved, y_true, y_pred)


def test_most_confused_right_wrong_and_not_done():
    matrix = np.eye(10, dtype=int) * 100
    matrix[4, 9], matrix[7, 2] = 7, 3
    assert (
        check_most_confused((4, 9), matrix).message
        == "a 4 read as a 9 is the most frequent mistake (7 times)."
    )
    with pytest.raises(NotDoneYet):
        check_most_confused(None, matrix)
    with pytest.raises(
        CheckFailed, match=r"\(9, 4\) means a 9 read as a 4, which happened 0 times"
    ) as caught:
        check_most_confused((9, 4), matrix)
    assert "row 9, column 4" in str(caught.value) and "row t is the true digit" in str(caught.value)
    assert "(4, 9)" not in str(caught.value) and "4 read as a 9" not in str(caught.value), "no answer given"
    matrix[9, 4] = 1
    with pytest.raises(CheckFailed, match=r"which happened 1 time\. "):
        check_most_confused((9, 4), matrix)
    with pytest.raises(CheckFailed, match=r"happens 3 times, but another mistake happens 7 times"):
        check_most_confused((7, 2), matrix)
    with pytest.raises(CheckFailed, match=r"on the diagonal"):
        check_most_confused((3, 3), matrix)
    with pytest.raises(CheckFailed, match=r"two digits"):
        check_most_confused("4 and 9", matrix)


# --- Reliability: answers a student may really give, and functional models. ---------------


def functional_convnet():
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, (3, 3), activation="relu")(inputs)
    x = layers.MaxPooling2D((2, 2))(x)
    x = layers.Conv2D(64, (3, 3), activation="relu")(x)
    x = layers.Flatten()(x)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))


def test_a_functional_model_has_the_same_layers_as_the_sequential_one():
    model = functional_convnet()
    assert layer_output_shapes(model) == RIGHT_SHAPES
    assert check_output_shapes(RIGHT_SHAPES, model).message == "all 5 output shapes match Keras."
    with pytest.raises(CheckFailed, match=r"layer 3 \(conv2d.*, Conv2D\) outputs \(11, 11, 64\)"):
        check_output_shapes([*RIGHT_SHAPES[:2], (13, 13, 64), *RIGHT_SHAPES[3:]], model)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: check_parameter_count(13610, None), NotDoneYet, r"`model` is still None"),
        (lambda: check_output_shapes(42, convnet()), CheckFailed, r"write a list of shapes, one per layer"),
        (lambda: check_output_shapes(RIGHT_SHAPES, None), NotDoneYet, r"`model` is still None"),
        (
            lambda: check_output_shapes("26, 26, 32", convnet()),
            CheckFailed,
            r"in quotes: write a list of tuples",
        ),
        (lambda: check_most_confused((4, 9), None), NotDoneYet, r"`matrix` is still None: do question 1"),
        (lambda: check_most_confused((4.5, 9), np.eye(10)), CheckFailed, r"two digits, \(true, predicted\)"),
        (lambda: check_most_confused("49", np.eye(10)), CheckFailed, r"two digits, \(true, predicted\)"),
        (lambda: check_most_confused((True, 9), np.eye(10)), CheckFailed, r"two digits, \(true, predicted\)"),
        (lambda: check_most_confused((4, 9), np.eye(3)), CheckFailed, r"shape \(3, 3\)"),
        (lambda: check_confusion_matrix(np.eye(10), None, np.arange(10)), NotDoneYet, r"`y_true` is None"),
        (lambda: check_confusion_matrix(np.eye(10), np.arange(10), None), NotDoneYet, r"`y_pred` is None"),
        (
            lambda: check_confusion_matrix(np.eye(10), np.arange(10) + 0.5, np.arange(10)),
            CheckFailed,
            r"`y_true` must hold whole digits 0 to 9",
        ),
        (
            lambda: check_confusion_matrix(np.eye(10), np.arange(10), np.arange(10) + 5),
            CheckFailed,
            r"`y_pred` must hold whole digits 0 to 9, one per test image; it has 10",
        ),
        (
            lambda: check_confusion_matrix(np.eye(10), np.arange(10), np.arange(9)),
            CheckFailed,
            r"there are 10 true labels but 9 predictions",
        ),
        (
            lambda: check_confusion_matrix(np.full((10, 10), np.nan), np.arange(10), np.arange(10)),
            CheckFailed,
            r"the matrix must hold whole counts",
        ),
        (
            lambda: check_test_accuracy(FixedModel(np.eye(10)), None, np.arange(10), 0.9),
            NotDoneYet,
            r"`x_test` is None",
        ),
        (
            lambda: check_test_accuracy(FixedModel(np.eye(10)), np.zeros((10, 28, 28, 1)), None, 0.9),
            NotDoneYet,
            r"`y_test` is None",
        ),
        (
            lambda: check_test_accuracy(FixedModel(np.eye(10)), np.zeros((10, 28, 28, 1)), np.arange(7), 0.9),
            CheckFailed,
            r"the model gave 10 predictions for 7 labels",
        ),
        (
            lambda: check_test_accuracy(
                FixedModel(np.eye(10)), np.zeros((10, 28, 28, 1)), np.arange(10) + 3, 0.9
            ),
            CheckFailed,
            r"`y_test` must hold whole digits 0 to 9",
        ),
    ],
)
def test_answers_a_student_may_really_give_get_one_sentence(call, error, message):
    with pytest.raises(error, match=message) as raised:
        call()
    assert "\n" not in str(raised.value)


def test_checks_use_the_one_confusion_matrix_of_utils_plots(monkeypatch):
    import utils.plots

    calls = []
    real = utils.plots.confusion_matrix
    monkeypatch.setattr(utils.plots, "confusion_matrix", lambda *a, **k: calls.append(a) or real(*a, **k))
    check_confusion_matrix(np.eye(10, dtype=int), np.arange(10), np.arange(10))
    assert len(calls) == 1
