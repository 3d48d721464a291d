"""Tests for utils.explain, on a tiny convnet whose weights are set by hand, so every expected
value is known exactly (no training, no randomness)."""

from __future__ import annotations

import numpy as np
import pytest

from utils.explain import (
    conv_filters,
    feature_maps,
    multiply_adds,
    occlusion_maps,
    saliency_maps,
    shift_images,
)
from utils.setup import import_keras_quietly

keras = import_keras_quietly()


@pytest.fixture(scope="module")
def model():
    """6×6 grey images → Conv2D(2 filters, 3×3) → Flatten → Dense(2, softmax).

    Filter 0 sums its 3×3 window, filter 1 is zero. Class 1's logit is the sum of filter 0's
    outputs over the 2×2 centre of the map, class 0's logit is 0: only the centre pixels
    matter, more ink there means more "class 1".
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(6, 6, 1)),
            keras.layers.Conv2D(2, 3, name="conv"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(2, activation="softmax", name="dense"),
        ]
    )
    kernel = np.zeros((3, 3, 1, 2), "float32")
    kernel[:, :, 0, 0] = 1
    model.get_layer("conv").set_weights([kernel, np.zeros(2, "float32")])
    dense = np.zeros((4, 4, 2, 2), "float32")  # (row, col, filter, class) before flattening
    dense[1:3, 1:3, 0, 1] = 1
    model.get_layer("dense").set_weights([dense.reshape(32, 2), np.zeros(2, "float32")])
    return model


def test_conv_filters_returns_one_kernel_per_filter(model):
    filters = conv_filters(model, "conv")
    assert filters.shape == (2, 3, 3)
    np.testing.assert_array_equal(filters[0], np.ones((3, 3)))
    np.testing.assert_array_equal(filters[1], np.zeros((3, 3)))
    with pytest.raises(ValueError, match="'dense' is a Dense, not a Conv2D layer"):
        conv_filters(model, "dense")


def test_feature_maps_returns_each_named_layers_output(model):
    images = np.zeros((2, 6, 6, 1), "float32")
    images[1, 2, 3, 0] = 1.0
    maps = feature_maps(model, images, ["conv", "flatten"])
    assert maps["conv"].shape == (2, 4, 4, 2) and maps["flatten"].shape == (2, 32)
    np.testing.assert_array_equal(maps["conv"][0], 0)
    # the single ink pixel at (2, 3) lies in the 3×3 windows whose corner is (0..2, 1..3)
    np.testing.assert_array_equal(
        np.argwhere(maps["conv"][1, :, :, 0]), [(r, c) for r in range(3) for c in range(1, 4)]
    )
    assert list(feature_maps(model, images, ["conv"])) == ["conv"]


def test_feature_maps_explains_wrong_names_and_shapes(model):
    with pytest.raises(
        ValueError, match=r"no layer named \['conv9'\]; its layers are \['conv', 'flatten', 'dense'\]"
    ):
        feature_maps(model, np.zeros((1, 6, 6, 1)), ["conv9"])
    with pytest.raises(ValueError, match=r"expects images of shape \(N, 6, 6, 1\) but got \(1, 6, 6\)"):
        feature_maps(model, np.zeros((1, 6, 6)), ["conv"])


def test_saliency_is_zero_outside_the_pixels_the_model_reads(model):
    images = np.full((1, 6, 6, 1), 0.1, "float32")
    maps = saliency_maps(model, images, [1])
    assert maps.shape == (1, 6, 6) and maps.max() == pytest.approx(1.0)
    # class 1 reads the centre 2×2 of the conv map, i.e. input pixels 1..4 in each direction
    np.testing.assert_array_equal(maps[0, [0, 5], :], 0)
    np.testing.assert_array_equal(maps[0, :, [0, 5]], 0)
    assert maps[0, 2, 2] == pytest.approx(1.0), "the centre pixels are in every window"
    with pytest.raises(ValueError, match="2 images but 1 classes"):
        saliency_maps(model, np.zeros((2, 6, 6, 1)), [1])


def test_occlusion_drops_where_hiding_ink_lowers_the_probability(model):
    images = np.zeros((1, 6, 6, 1), "float32")
    images[0, 2:4, 2:4, 0] = 1.0  # ink in the centre: class 1
    maps = occlusion_maps(model, images, [1], patch=2)
    assert maps.shape == (1, 6, 6)
    assert maps[0, 2, 2] > 0, "hiding the centre ink lowers class 1's probability"
    # float32 softmax: a change below 1e-6 is rounding (5.96e-08 was measured on an AVX2 CPU), not a signal
    assert maps[0, 0, 0] == pytest.approx(0.0, abs=1e-6), "hiding empty background changes nothing"
    with pytest.raises(ValueError, match="patch must be between 1 and 6"):
        occlusion_maps(model, images, [1], patch=7)


def test_shift_images_moves_ink_and_fills_with_background():
    images = np.zeros((1, 5, 5, 1), "uint8")
    images[0, 2, 2, 0] = 255
    right_down = shift_images(images, dx=2, dy=1)
    assert right_down.shape == images.shape and right_down.dtype == images.dtype
    assert np.argwhere(right_down[0, :, :, 0]).tolist() == [[3, 4]]
    assert np.argwhere(shift_images(images, dx=-2, dy=-2)[0, :, :, 0]).tolist() == [[0, 0]]
    assert shift_images(images, dx=3)[0].sum() == 0, "ink pushed past the edge is lost"
    np.testing.assert_array_equal(shift_images(images), images)
    with pytest.raises(ValueError, match="out of the frame"):
        shift_images(images, dx=5)


def test_multiply_adds_counts_every_window_position_of_the_lessons_convnet():
    lesson = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(64, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(64, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    by_hand = 26 * 26 * 9 * 32 + 11 * 11 * 9 * 32 * 64 + 3 * 3 * 9 * 64 * 64 + 576 * 64 + 64 * 10
    assert multiply_adds(lesson) == by_hand == 2_794_240
    # a stride of 2 computes a quarter of the positions: 12 × 12 outputs of a 5 × 5 window
    strided = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(16, 5, strides=2)])
    assert multiply_adds(strided) == 12 * 12 * 25 * 16
