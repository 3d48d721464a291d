"""Tests for utils.plots: each figure has the parts a reader needs (titles, labels, data)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from utils.errors import InvalidInputError
from utils.plots import (
    confusion_matrix,
    plot_class_balance,
    plot_confusion_matrix,
    plot_convolution,
    plot_digits,
    plot_explanation,
    plot_history,
    plot_learning_rate,
    plot_maps,
    plot_misclassified,
    plot_steps,
)


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    matrix = confusion_matrix(np.array([3, 3, 5, 5, 5]), np.array([3, 5, 5, 5, 3]))
    assert matrix.shape == (10, 10)
    assert matrix[3, 3] == 1 and matrix[3, 5] == 1 and matrix[5, 5] == 2 and matrix[5, 3] == 1
    assert matrix.sum() == 5


@pytest.mark.parametrize(
    "y_true, y_pred",
    [
        (np.array([0.5, 1]), np.array([0, 1])),
        (np.array([0, 1]), np.array([0, 10])),
        (np.array([-1]), np.array([0])),
    ],
)
def test_confusion_matrix_refuses_labels_that_are_not_classes_in_one_sentence(y_true, y_pred):
    with pytest.raises(InvalidInputError, match=r"must hold whole class numbers from 0 to 9") as raised:
        confusion_matrix(y_true, y_pred)
    assert "\n" not in str(raised.value) and isinstance(raised.value, ValueError)


def test_confusion_matrix_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="y_true has shape"):
        confusion_matrix(np.array([1, 2]), np.array([1]))


def test_plot_digits_shows_every_image_with_its_label(mnist):
    (x_train, y_train), _ = mnist
    fig = plot_digits(x_train[:12], y_train[:12], title="First twelve", ncols=5)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 12, "3 rows of 5 minus the 3 unused axes"
    assert [ax.get_title() for ax in fig.axes[:3]] == ["5", "0", "4"]
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), x_train[0])
    assert fig.get_suptitle() == "First twelve"


def test_plot_digits_accepts_channel_last_images_and_rejects_mismatches():
    assert len(plot_digits(np.zeros((2, 28, 28, 1)), [1, 2], title="t").axes) == 2
    with pytest.raises(ValueError, match="2 images but 3 labels"):
        plot_digits(np.zeros((2, 28, 28)), [1, 2, 3], title="t")
    with pytest.raises(ValueError, match="no images"):
        plot_digits(np.zeros((0, 28, 28)), [], title="t")


def test_plot_class_balance_draws_one_bar_per_digit_per_split(mnist):
    (_, y_train), (_, y_test) = mnist
    fig = plot_class_balance({"train": y_train, "test": y_test})
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    assert len(heights) == 20
    assert heights[:10] == np.bincount(y_train).tolist()
    assert ax.get_ylabel() == "number of images" and ax.get_title()


def test_plot_history_draws_training_and_validation_curves():
    history = {
        "loss": [0.3, 0.1, 0.05],
        "accuracy": [0.9, 0.97, 0.99],
        "val_loss": [0.2, 0.1, 0.1],
        "val_accuracy": [0.95, 0.98, 0.98],
    }
    fig = plot_history(history)
    loss_ax, accuracy_ax = fig.axes
    assert [line.get_label() for line in loss_ax.lines] == ["training", "validation"]
    np.testing.assert_allclose(accuracy_ax.lines[0].get_ydata(), history["accuracy"])
    np.testing.assert_array_equal(accuracy_ax.lines[0].get_xdata(), [1, 2, 3])
    assert loss_ax.get_xlabel() == "epoch" and accuracy_ax.get_ylabel() == "accuracy"


def test_plot_history_says_what_to_pass_when_given_the_wrong_thing():
    with pytest.raises(ValueError, match=r"model.fit\(...\).history"):
        plot_history({"loss": [1.0]})


def test_plot_confusion_matrix_writes_counts_in_non_empty_cells():
    fig = plot_confusion_matrix(np.array([[50, 0], [3, 40]]), title="Two classes")
    ax = fig.axes[0]
    assert sorted(text.get_text() for text in ax.texts) == ["3", "40", "50"]
    assert ax.get_title() == "Two classes" and ax.get_xlabel() == "predicted digit"
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix(np.zeros((2, 3)))


def test_plot_misclassified_shows_only_wrong_predictions(mnist):
    _, (x_test, y_test) = mnist
    y_pred = y_test.copy()
    y_pred[[4, 9]] = (y_test[[4, 9]] + 1) % 10
    fig = plot_misclassified(x_test[:20], y_test[:20], y_pred[:20])
    assert [ax.get_title() for ax in fig.axes] == [
        f"true {y_test[4]} → {y_pred[4]}",
        f"true {y_test[9]} → {y_pred[9]}",
    ]
    with pytest.raises(ValueError, match="nothing to show"):
        plot_misclassified(x_test[:5], y_test[:5], y_test[:5])


def test_plot_maps_draws_each_map_with_its_title_and_a_symmetric_scale():
    maps = np.stack([np.array([[-2.0, 1.0], [0.0, 0.5]]), np.ones((2, 2)), np.zeros((2, 2))])
    fig = plot_maps(maps, ["w0", "w1", "w2"], title="Filters", ncols=2, cmap="RdBu_r", symmetric=True)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == ["w0", "w1", "w2"], "the unused fourth axis is removed"
    assert fig.axes[0].images[0].get_clim() == (-2.0, 2.0)
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), maps[1])
    assert fig.get_suptitle() == "Filters"


def test_plot_maps_rejects_wrong_shapes_and_counts():
    with pytest.raises(ValueError, match=r"shape \(count, height, width\)"):
        plot_maps(np.zeros((2, 2)), ["a", "b"], title="t")
    with pytest.raises(ValueError, match="2 maps but 1 titles"):
        plot_maps(np.zeros((2, 3, 3)), ["a"], title="t")
    with pytest.raises(ValueError, match="no maps"):
        plot_maps(np.zeros((0, 3, 3)), [], title="t")


def test_plot_convolution_outlines_the_window_and_centres_signed_scales_on_zero():
    image, kernel = np.random.default_rng(0).random((8, 8)), np.array([[-1.0, 0, 1]] * 3)
    feature_map = np.linspace(-3, 1, 36).reshape(6, 6)
    fig = plot_convolution(image, kernel, feature_map, np.maximum(feature_map, 0)[::2, ::2], window=(2, 4))
    digit, weights, fmap, pooled = fig.axes[:4]
    assert len(fig.axes) == 8, "each panel has its colour bar"
    assert [t.get_text() for t in weights.texts] == ["-1", "0", "1"] * 3
    assert weights.images[0].get_clim() == (-1.0, 1.0) and fmap.images[0].get_clim() == (-3.0, 3.0)
    outline = digit.patches[0]
    assert (outline.get_x(), outline.get_y(), outline.get_width()) == (3.5, 1.5, 3)
    assert (fmap.patches[0].get_x(), fmap.patches[0].get_width()) == (3.5, 1)
    assert pooled.get_title() == "relu, then 2×2 max pooling (3×3)"


def test_plot_convolution_rejects_a_window_outside_the_map_and_wrong_shapes():
    with pytest.raises(ValueError, match=r"window \(6, 0\) is outside the \(6, 6\) feature map"):
        plot_convolution(np.zeros((8, 8)), np.ones((3, 3)), np.zeros((6, 6)), np.zeros((3, 3)), window=(6, 0))
    with pytest.raises(ValueError, match=r"the image must be 2-D"):
        plot_convolution(
            np.zeros((8, 8, 1)), np.ones((3, 3)), np.zeros((6, 6)), np.zeros((3, 3)), window=(0, 0)
        )


def test_plot_maps_can_share_one_scale_and_label_it_with_a_colour_bar():
    maps = np.stack([np.full((2, 2), -1.0), np.full((2, 2), 4.0)])
    fig = plot_maps(
        maps, ["a", "b"], title="t", cmap="RdBu_r", symmetric=True, shared_scale=True, colorbar_label="drop"
    )
    assert [ax.images[0].get_clim() for ax in fig.axes[:2]] == [(-4.0, 4.0), (-4.0, 4.0)]
    assert fig.axes[-1].get_ylabel() == "drop", "the colour bar says what the colours mean"
    own = plot_maps(maps, ["a", "b"], title="t", symmetric=True)
    assert own.axes[0].images[0].get_clim() == (-1.0, 1.0) and len(own.axes) == 2
    plain = plot_maps(maps, ["a", "b"], title="t", shared_scale=True)
    assert plain.axes[0].images[0].get_clim() == (-1.0, 4.0)


def test_plot_learning_rate_draws_the_schedule_against_epochs():
    from utils.setup import import_keras_quietly

    keras = import_keras_quietly()
    schedule = keras.optimizers.schedules.CosineDecay(0.0, 900, warmup_target=0.01, warmup_steps=100)
    fig = plot_learning_rate(schedule, steps=1000, steps_per_epoch=100)
    ax = fig.axes[0]
    epochs, rates = ax.lines[0].get_data()
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
        "The learning rate",
        "epoch",
        "learning rate",
    )
    assert epochs[0] == 0 and epochs[-1] == 10 and len(epochs) == 401
    assert rates[0] == 0 and abs(max(rates) - 0.01) < 1e-6 and rates[-1] < 1e-6
    assert epochs[np.argmax(rates)] == pytest.approx(1, abs=0.03), "the peak ends the warm-up"
    with pytest.raises(InvalidInputError, match="at least 1"):
        plot_learning_rate(schedule, steps=0, steps_per_epoch=100)


def test_plot_steps_shows_each_step_of_the_preparation_at_its_own_size():
    from utils.drawing import preparation_steps, prepare_digit

    photo = np.full((300, 200, 3), 240, dtype=np.uint8)
    photo[50:250, 90:110] = (20, 20, 80)
    steps = preparation_steps(photo)
    np.testing.assert_array_equal(steps["centred in 28×28"], prepare_digit(photo))
    fig = plot_steps(steps, title="From a photo to MNIST's format")
    assert [ax.get_title() for ax in fig.axes] == [
        "your picture\n300×200",
        "its ink\n300×200",
        "cropped to the ink\n200×20",
        "fitted in 20×20\n20×2",
        "centred in 28×28\n28×28",
    ]
    assert [ax.images[0].get_array().shape[:2] for ax in fig.axes][-1] == (28, 28)
    with pytest.raises(InvalidInputError, match="at least one picture"):
        plot_steps({}, title="nothing")


def test_plot_explanation_puts_the_digit_and_its_maps_side_by_side_with_its_outline():
    digit = np.zeros((28, 28))
    digit[5:23, 12:16] = 1
    occlusion = np.zeros((28, 28))
    occlusion[10, 13], occlusion[20, 20] = 0.4, -0.1
    fig = plot_explanation(digit[..., None], np.random.default_rng(0).random((28, 28)), occlusion, "A 1")
    digit_ax, saliency_ax, occlusion_ax = fig.axes[:3]
    assert [ax.get_title() for ax in (digit_ax, saliency_ax, occlusion_ax)] == [
        "the digit",
        "saliency",
        "occlusion",
    ]
    assert occlusion_ax.images[0].get_clim() == (-0.4, 0.4), "two-sided, zero in the middle"
    assert saliency_ax.collections and occlusion_ax.collections, "the digit's outline on both maps"
    with pytest.raises(InvalidInputError, match="one shape"):
        plot_explanation(digit, np.zeros((26, 26)), occlusion, "wrong")
