"""Tests for utils.drawing (MNIST-style preprocessing, image files, strokes), its guards in
utils._pictures, and the drawing pad widget (utils.drawing_pad). The pad prepares drawings and
runs the network in the page: tests/test_explainers.py proves its JavaScript equal to
utils.drawing and to Keras, and the browser tests draw on it."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from utils import _pictures, drawing
from utils.browser import WEB, browser_module, drawing_recipe
from utils.drawing import DrawingError
from utils.drawing_pad import DrawingPad


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
    monkeypatch.setattr(_pictures, "MAX_PIXELS", 100_000)
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
    assert np.allclose(drawing.centre_of_mass(digit.astype(float)), (14, 14), atol=0.6)
    assert digit.max() == 255, "the bar is full ink"


def test_to_mnist_anti_aliases_like_mnist_so_edges_are_grey():
    ring = drawing.to_ink(drawing.render_strokes([[[140, 40], [220, 140], [140, 240], [60, 140], [140, 40]]]))
    digit = drawing.to_mnist(ring)
    grey = digit[(digit > 0) & (digit < 255)]
    assert digit.max() == 255 and len(grey) >= 20, f"only {len(grey)} grey pixels"


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


def test_the_widget_loads_its_browser_code_from_files_beside_the_module(model):
    js = {name: (WEB / name).read_text() for name in ("explainers.js", "prepare.js", "convnet.js")}
    code = {name: re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S) for name, text in js.items()}
    assert (
        DrawingPad._esm == browser_module() and str(DrawingPad._css) == (WEB / "explainers.css").read_text()
    )
    assert "pointerdown" in js["explainers.js"] and "touch-action: none" in str(DrawingPad._css)
    # The recipe's numbers are defined once, in Python, and synced to the browser.
    for number in (drawing.CANVAS_SIZE, drawing.STROKE_WIDTH, drawing.DIGIT_BOX, drawing.FAINT):
        written = [name for name, text in code.items() if re.search(rf"(?<![\w.]){number}(?![\w.])", text)]
        assert not written, f"{number} is written in {written}"
    pad = DrawingPad(model)
    assert pad.recipe == drawing_recipe() and {"recipe", "network", "strokes"} <= set(pad.keys)


# --- Reliability: photos, odd files and arrays, tiny drawings, honest precision. ------------


class Uniform:
    """Stands in for a trained model: the same probability for every digit."""

    def predict(self, x, verbose=0):
        return np.full((len(x), 10), 0.1)


def a_one(height: int = 200, width: int = 120) -> np.ndarray:
    """Dark ink on light paper: a vertical bar, a "1", in the middle of the picture."""
    picture = np.full((height, width), 230, np.uint8)
    picture[height // 8 : -height // 8, width // 2 - 6 : width // 2 + 6] = 20
    return picture


def test_a_phone_photo_is_turned_upright_by_its_exif_orientation(tmp_path):
    lying = np.ascontiguousarray(np.rot90(a_one(), k=1))  # stored lying down, 120 tall × 200 wide
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display", as phones write it
    Image.fromarray(lying).convert("RGB").save(tmp_path / "photo.jpg", exif=exif, quality=95)
    upright = drawing.read_image(tmp_path / "photo.jpg")
    assert upright.shape == (200, 120, 3)
    digit = drawing.prepare_digit(upright)
    rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    assert len(rows) == 20 and len(cols) < 8, "a tall bar, as the phone showed it"


def test_a_16_bit_png_keeps_its_contrast(tmp_path):
    picture = (a_one().astype(np.uint16) * 257).clip(0, 65535)  # 230 → 59110, 20 → 5140
    Image.fromarray(picture).save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I")
    digit = drawing.prepare_digit(drawing.read_image(tmp_path / "deep.png"))
    np.testing.assert_array_equal(digit, drawing.prepare_digit(a_one()))


@pytest.mark.parametrize(
    "picture, message",
    [
        (np.full((28, 28), np.nan), r"^The picture has NaN or infinite values"),
        (np.where(np.eye(28) > 0, np.inf, 0.0), r"^The picture has NaN or infinite values"),
        (np.full((28, 28), "7"), r"^The picture holds text, not numbers"),
        (np.array([[object()] * 3] * 3), r"^The picture holds Python objects, not numbers"),
        ("digit.png", r"^prepare_digit takes a picture, not a file name: use prepare_digit\(read_image\("),
        (None, r"^prepare_digit takes a picture"),
    ],
)
def test_odd_pictures_get_one_sentence(picture, message):
    with pytest.raises(DrawingError, match=message) as raised:
        drawing.prepare_digit(picture)
    assert "\n" not in str(raised.value) and str(raised.value).endswith(".")


def test_a_keras_shaped_digit_just_works(mnist):
    digit = mnist[1][0][0]
    np.testing.assert_array_equal(drawing.prepare_digit(digit[..., None]), drawing.prepare_digit(digit))
    assert drawing.predict_digit(Uniform(), digit[..., None]).shape == (10,)


@pytest.mark.parametrize("shape", [(20, 20), (28, 28, 3), (784,), (2, 28, 28)])
def test_predict_digit_names_a_wrong_shape(shape):
    expected = re.escape(f"predict_digit needs one 28×28 digit, not an array of shape {shape}")
    with pytest.raises(DrawingError, match=f"^{expected}"):
        drawing.predict_digit(Uniform(), np.zeros(shape, np.uint8))


@pytest.mark.parametrize(
    "strokes",
    [
        [[[140, 140]]],  # a dot
        [[[140, 140], [141, 141], [142, 140]]],  # a 3-pixel scribble
        [[[130, 130], [150, 130], [150, 150], [130, 150], [130, 130]]],  # a tiny "0"
    ],
)
def test_a_dot_or_a_scribble_is_too_small_to_be_a_digit(strokes):
    with pytest.raises(DrawingError, match=r"^The drawing is too small to be a digit: draw it larger"):
        drawing.prepare_digit(drawing.render_strokes(strokes))


def test_a_few_scattered_specks_are_too_sparse_to_be_a_digit():
    with pytest.raises(DrawingError, match=r"^There is too little ink to be a digit"):
        drawing.prepare_digit(drawing.render_strokes([[[20, 20]], [[260, 260]]]))


def test_every_mnist_training_digit_passes_the_size_checks(mnist):
    """The thresholds come from the training set (see to_mnist), so no real digit is refused."""
    digits = mnist[0][0]
    thickness = _pictures.stroke_thickness(digits)
    assert thickness.max() == _pictures.MAX_THICKNESS, "the measurement in to_mnist's comment"
    assert (digits >= 128).sum(axis=(1, 2)).min() == 15 > _pictures.MIN_INK_PIXELS
    thickest, sparsest = np.argsort(thickness)[-30:], np.argsort((digits >= 128).sum(axis=(1, 2)))[:30]
    for digit in digits[np.concatenate([thickest, sparsest, np.arange(0, 60000, 50)])]:
        drawing.to_mnist(digit.astype(np.float32) / 255)  # fitted again: no error


@pytest.mark.parametrize(
    "probability, text",
    [
        (1.0, "more than 99 %"),
        (0.9951, "more than 99 %"),
        (0.99, "99 %"),
        (0.987, "99 %"),
        (0.91, "91 %"),
        (0.2, "20 %"),
    ],
)
def test_describe_claims_no_more_precision_than_it_has(probability, text):
    probabilities = np.full(10, (1 - probability) / 9)
    probabilities[3] = probability
    assert drawing.describe(probabilities) == f"The network reads a 3 ({text} sure)."


@pytest.mark.parametrize("probabilities", [np.full(10, np.nan), np.ones(3) / 3, np.full(10, 0.5), "0.1"])
def test_describe_refuses_what_is_not_ten_probabilities(probabilities):
    with pytest.raises(DrawingError, match=r"^describe needs the ten probabilities"):
        drawing.describe(probabilities)


@pytest.mark.parametrize(
    "strokes", [[[["a", 1]]], [[[np.nan, 1]]], [[[1, 2, 3]]], 7, [7], "strokes", [[[None, 1]]]]
)
def test_strokes_that_are_not_points_get_one_sentence(strokes):
    with pytest.raises(DrawingError, match=r"^The strokes must be lists of \[x, y\] points"):
        drawing.render_strokes(strokes)
