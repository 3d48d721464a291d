"""Tests for utils.drawing: MNIST-style preprocessing, image files, strokes and the widget."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from utils import drawing
from utils.drawing import DrawingError, DrawingPad


@pytest.fixture(scope="module")
def model(trained_model_path):
    from utils.setup import import_keras_quietly

    return import_keras_quietly().models.load_model(trained_model_path)


def upscale(digit: np.ndarray, size: int = 280) -> np.ndarray:
    return np.asarray(Image.fromarray(digit).resize((size, size), Image.Resampling.BICUBIC))


def test_mnist_digits_upscaled_come_back_close_and_classified_the_same(mnist, model):
    # Measured on the first 1,000 test digits: 99.6 % agreement, mean correlation 0.957.
    digits = mnist[1][0][:1000]
    back = np.stack([drawing.prepare_digit(upscale(d)) for d in digits])
    before = model.predict(digits[..., None] / 255, verbose=0).argmax(axis=1)
    after = model.predict(back[..., None] / 255, verbose=0).argmax(axis=1)
    agreement = (before == after).mean()
    correlation = np.mean(
        [np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(back, digits, strict=False)]
    )
    assert agreement >= 0.98, f"round-trip agreement {agreement:.3f}"
    assert correlation >= 0.93, f"mean correlation {correlation:.3f}"


def test_a_dark_on_light_colour_jpeg_of_any_size_gives_the_same_digit(mnist, tmp_path):
    digit = mnist[1][0][0]
    ink = upscale(digit, 450).astype(np.float32) / 255
    paper, pen = np.array([245, 240, 225]), np.array([20, 30, 120])  # blue ink on cream paper
    photo = (paper * (1 - ink[..., None]) + pen * ink[..., None]).astype(np.uint8)
    Image.fromarray(photo).save(tmp_path / "digit.jpg", quality=85)
    from_file = drawing.prepare_digit(drawing.read_image(tmp_path / "digit.jpg"))
    from_light_on_dark = drawing.prepare_digit(upscale(digit))
    assert np.corrcoef(from_file.ravel(), from_light_on_dark.ravel())[0, 1] > 0.95


def test_transparent_png_strokes_stay_visible(tmp_path):
    picture = np.zeros((100, 100, 4), dtype=np.uint8)
    picture[20:80, 45:55] = (0, 0, 0, 255)  # black ink on a transparent background
    Image.fromarray(picture).save(tmp_path / "one.png")
    digit = drawing.prepare_digit(drawing.read_image(tmp_path / "one.png"))
    assert digit.max() == 255 and digit[0].max() == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"hello, I am text", "not an image Pillow can read"),
        (b"", "not an image Pillow can read"),
    ],
)
def test_a_file_that_is_not_an_image_gets_one_sentence(tmp_path, content, message):
    (tmp_path / "digit.png").write_bytes(content)
    with pytest.raises(DrawingError, match=message) as error:
        drawing.read_image(tmp_path / "digit.png")
    assert "\n" not in str(error.value)


def test_a_blank_picture_and_an_empty_canvas_are_reported_as_blank():
    for blank in (np.full((50, 80, 3), 200, np.uint8), drawing.render_strokes([])):
        with pytest.raises(DrawingError, match=r"^The picture is blank"):
            drawing.prepare_digit(blank)


def test_a_noisy_blank_photo_is_blank_too():
    noise = np.random.default_rng(0).normal(200, 4, size=(60, 60)).clip(0, 255).astype(np.uint8)
    with pytest.raises(DrawingError, match=r"blank"):
        drawing.prepare_digit(noise)


def test_a_huge_picture_is_refused_before_it_is_decoded(tmp_path, monkeypatch):
    Image.new("L", (400, 300), 255).save(tmp_path / "big.png")
    monkeypatch.setattr(drawing, "MAX_PIXELS", 100_000)
    with pytest.raises(DrawingError, match=r"big.png is 400×300 pixels, too large"):
        drawing.read_image(tmp_path / "big.png")
    with pytest.raises(DrawingError, match=r"too large"):
        drawing.to_ink(np.zeros((400, 300)))


def test_a_wrong_shape_is_named():
    with pytest.raises(DrawingError, match=r"shape \(2, 3, 5\)"):
        drawing.to_ink(np.ones((2, 3, 5)))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(DrawingError, match=r"There is no file"):
        drawing.read_image(tmp_path / "nothing.png")


def test_to_mnist_fits_20x20_keeps_the_aspect_ratio_and_centres_by_mass():
    ink = np.zeros((400, 100), dtype=np.float32)
    ink[50:350, 30:70] = 1  # 300 tall, 40 wide
    digit = drawing.to_mnist(ink)
    rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    assert len(rows) == 20 and 2 <= len(cols) <= 4
    assert np.allclose(drawing._centre_of_mass(digit.astype(float)), (14, 14), atol=0.6)
    assert 0 < digit.min(initial=255, where=digit > 0) < 255 or digit.max() == 255  # grey edges allowed


def test_render_strokes_draws_white_on_black_with_the_pen_width():
    image = drawing.render_strokes([[[40, 140], [240, 140]], [[140, 140]]])
    assert image.dtype == np.uint8 and image.shape == (280, 280)
    thickness = (image[:, 100] > 0).sum()
    assert abs(thickness - drawing.STROKE_WIDTH) <= 2
    assert image[0, 0] == 0


def test_predict_digit_and_describe_with_the_trained_model(mnist, model):
    (_, _), (images, labels) = mnist
    probabilities = drawing.predict_digit(model, images[0])
    assert probabilities.shape == (10,) and abs(probabilities.sum() - 1) < 1e-4
    assert drawing.describe(probabilities).startswith(f"The network reads a {labels[0]} (")


def test_the_widget_turns_a_drawn_one_into_a_prediction(model):
    pad = DrawingPad(model)
    pad.strokes = [[[140, 40], [142, 140], [140, 240]]]  # a vertical stroke: a "1"
    assert len(pad.digit) == 784 and max(pad.digit) == 255
    assert int(np.argmax(pad.probabilities)) == 1
    assert pad.prediction.startswith("The network reads a 1 (")


def test_the_widget_says_so_when_the_canvas_is_cleared(model):
    pad = DrawingPad(model)
    pad.strokes = [[[140, 40], [140, 240]]]
    pad.strokes = []
    assert pad.prediction == "The canvas is empty: draw a digit in the black square."
    assert pad.probabilities == [0.0] * 10 and max(pad.digit) == 0


def test_the_widget_ships_its_browser_code_inline():
    esm = DrawingPad._esm
    assert "export default" in esm and "pointerdown" in esm and "touch-action:none" in esm
