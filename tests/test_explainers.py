"""The convnet in the page (utils/web/, utils/browser.py, utils/explainers.py, utils/drawing_pad.py).

Node runs the page's own JavaScript (tests/node/) and the results are compared with Python's:

- the forward pass against Keras's probabilities on 1,000 MNIST test digits (the same answer on
  every one, the largest difference in a probability at most 1e-4), and on a network with
  'same' padding, strides and dropout;
- the preparation of drawings against ``utils.drawing``, the teaching reference: the canvas
  pixel for pixel, the 28×28 digit grey level for grey level, the same sentence for a drawing
  that is not a digit, and ``describe``'s sentence;
- the browser code as the one module anywidget and the book load.

The widgets' Python side is checked here too: their data, and the picture and the line of text
a static view shows. The browser tests (tests/test_browser.py, tests/test_book.py) draw on the
pads in Chromium.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest

from support import NODE, drawn_digit, node, run
from utils import drawing
from utils.browser import BOOK_DATA, browser_module, drawing_recipe, export_model
from utils.drawing_pad import SEVEN, DrawingPad
from utils.errors import DrawingError, InvalidInputError
from utils.explainers import ConvolutionExplainer, LayersExplainer


@pytest.fixture(scope="module")
def keras():
    from utils.setup import import_keras_quietly

    return import_keras_quietly()


@pytest.fixture(scope="module")
def model(keras, trained_model_path):
    return keras.models.load_model(trained_model_path)


def test_the_pages_forward_pass_agrees_with_keras_on_1000_test_digits(mnist, model, tmp_path):
    digits, labels = mnist[1][0][:1000], mnist[1][1][:1000]
    (tmp_path / "network.json").write_text(json.dumps(export_model(model)))
    digits.tofile(tmp_path / "digits.u8")
    page = np.array(node("predict.mjs", tmp_path / "network.json", tmp_path / "digits.u8")["probabilities"])
    keras_probabilities = model.predict(digits[..., None].astype("float32") / 255, verbose=0)
    difference = np.abs(page - keras_probabilities).max()
    print(f"largest difference in a probability over {len(digits)} digits: {difference:.2e}")
    assert (page.argmax(axis=1) == keras_probabilities.argmax(axis=1)).all(), "a digit read differently"
    assert difference <= 1e-4
    assert (page.argmax(axis=1) == labels).mean() > 0.98, "the trained network reads the test digits"


def test_same_padding_strides_and_dropout_run_as_in_keras(keras, mnist, tmp_path):
    keras.utils.set_random_seed(1)
    layers = keras.layers
    network = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(6, 5, strides=2, padding="same", activation="relu"),
            layers.MaxPooling2D(3, strides=2, padding="same"),
            layers.Conv2D(4, 3, padding="same"),  # no activation: 'linear'
            layers.Dropout(0.5),
            layers.Flatten(),
            layers.Dense(16, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    digits = mnist[1][0][:50]
    (tmp_path / "network.json").write_text(json.dumps(export_model(network)))
    digits.tofile(tmp_path / "digits.u8")
    page = np.array(node("predict.mjs", tmp_path / "network.json", tmp_path / "digits.u8")["probabilities"])
    expected = network.predict(digits[..., None].astype("float32") / 255, verbose=0)
    assert [layer["output_shape"] for layer in export_model(network)["layers"]] == [
        list(layer.output.shape[1:]) for layer in network.layers if type(layer).__name__ != "Dropout"
    ]
    assert np.abs(page - expected).max() <= 1e-5


def test_the_saved_file_gives_the_network_the_model_in_memory_gives(model, trained_model_path):
    assert export_model(trained_model_path) == export_model(model)


def test_a_layer_the_page_cannot_run_gets_one_sentence(keras, tmp_path):
    network = keras.Sequential(
        [keras.Input(shape=(28, 28, 1)), keras.layers.BatchNormalization(), keras.layers.Flatten()]
    )
    with pytest.raises(
        InvalidInputError, match=r"^The page can run Conv2D, .* this model has a BatchNormalization"
    ):
        export_model(network)
    with pytest.raises(InvalidInputError, match=r"^export_model takes a Keras model .*, not dict\.$"):
        export_model({"layers": []})
    (tmp_path / "broken.keras").write_text("not a zip")
    with pytest.raises(InvalidInputError, match=r"broken.keras is not a saved Keras model"):
        export_model(tmp_path / "broken.keras")


# --- the drawing's preparation ------------------------------------------------------------------


def strokes_of(digit: int, scale: float, dx: float, dy: float, turn: float, rng) -> list[list[list[int]]]:
    """One digit drawn as strokes of whole canvas pixels (the pad's format), moved, scaled, turned."""

    def arc(cx, cy, rx, ry, start, end, n=16):
        t = np.radians(np.linspace(start, end, n))
        return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)

    def line(p, q, n=10):
        return np.asarray(p, float) + (np.asarray(q, float) - p) * np.linspace(0, 1, n)[:, None]

    shapes = {
        0: [arc(140, 140, 60, 95, -90, 270, 40)],
        1: [line((120, 70), (150, 45), 4), line((150, 45), (150, 235), 14)],
        2: [
            np.vstack(
                [arc(140, 95, 55, 50, 200, 390), line((185, 125), (80, 230)), line((80, 230), (200, 230))]
            )
        ],
        3: [np.vstack([arc(135, 90, 55, 45, 200, 450, 18), arc(135, 180, 60, 52, -90, 160, 18)])],
        4: [
            np.vstack([line((160, 40), (80, 170)), line((80, 170), (210, 170))]),
            line((170, 100), (170, 240)),
        ],
        5: [
            np.vstack(
                [
                    line((195, 50), (105, 50), 8),
                    line((105, 50), (95, 135), 6),
                    arc(140, 175, 60, 55, -120, 150, 18),
                ]
            )
        ],
        6: [np.vstack([arc(200, 160, 110, 120, 250, 180, 10), arc(140, 185, 55, 50, 180, 540, 24)])],
        7: [np.vstack([line((75, 55), (205, 55), 12), line((205, 55), (120, 240), 14)])],
        8: [np.vstack([arc(140, 90, 45, 42, 90, 450, 24), arc(140, 185, 55, 52, -90, 270, 24)])],
        9: [np.vstack([arc(140, 95, 50, 50, 0, 360, 24), line((190, 95), (180, 240), 12)])],
    }
    rotation = np.array([[math.cos(turn), math.sin(turn)], [-math.sin(turn), math.cos(turn)]])
    drawn = []
    for points in shapes[digit]:
        moved = (points - 140) * scale @ rotation + 140 + (dx, dy) + rng.normal(0, 1.5, points.shape)
        drawn.append(np.clip(np.round(moved), 0, 279).astype(int).tolist())
    return drawn


def scribble(rng) -> list[list[list[int]]]:
    """One to three random strokes, steps of up to 12 pixels, sometimes leaving the canvas."""
    strokes = []
    for _ in range(rng.integers(1, 4)):
        steps = rng.integers(-12, 13, (rng.integers(1, 30), 2))
        strokes.append((rng.integers(-10, 290, 2) + np.cumsum(steps, axis=0)).tolist())
    return strokes


@pytest.fixture(scope="module")
def drawings():
    """Forty digits (four of each, moved, scaled and turned), 300 scribbles, and drawings that fail."""
    rng = np.random.default_rng(0)
    digits = [
        strokes_of(d, rng.uniform(0.55, 1.1), *rng.uniform(-30, 30, 2), rng.uniform(-0.25, 0.25), rng)
        for d in range(10)
        for _ in range(4)
    ]
    failing = [[], [[]], [[[140, 140]]], [[[20, 20]], [[260, 260]]], [[[130, 130], [150, 130], [150, 150]]]]
    return digits + [scribble(rng) for _ in range(300)] + failing


def test_the_pages_preparation_equals_utils_drawing(drawings, tmp_path):
    rng = np.random.default_rng(1)
    probabilities = [rng.dirichlet(np.full(10, a)).tolist() for a in (0.01, 0.1, 1, 10) for _ in range(25)]
    probabilities += [np.eye(10)[8].tolist(), [0.1] * 10, [0.005] * 9 + [0.955]]
    cases = {"recipe": drawing_recipe(), "drawings": drawings, "probabilities": probabilities}
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    page = node("prepare.mjs", tmp_path / "cases.json")
    canvases_differing, largest, digits, refused = 0, 0, 0, 0
    for strokes, prepared in zip(drawings, page["prepared"], strict=True):
        canvas = drawing.render_strokes(strokes)
        shown = np.frombuffer(base64.b64decode(prepared["canvas"]), np.uint8).reshape(canvas.shape)
        canvases_differing += int((shown != canvas).any())
        try:
            digit = drawing.prepare_digit(canvas)
        except DrawingError as error:
            refused += 1
            assert prepared.get("error") == str(error), f"{strokes}: the page said {prepared}"
            continue
        assert "digit" in prepared, f"{strokes}: Python prepared a digit, the page said {prepared['error']}"
        digits += 1
        largest = max(largest, int(np.abs(np.array(prepared["digit"]) - digit.ravel().astype(int)).max()))
    print(
        f"{len(drawings)} drawings: {canvases_differing} canvases differ; {digits} digits differ by at most "
        f"{largest} grey level(s) of 255; {refused} refused with the same sentence"
    )
    assert canvases_differing == 0 and largest == 0 and digits >= 300 and refused >= 5
    assert page["sentences"] == [drawing.describe(np.array(p)) for p in probabilities]


def test_the_digits_drawn_in_the_browser_tests_read_right(model):
    for digit in (7, 3):
        strokes = [[[round(280 * x), round(280 * y)] for x, y in drawn_digit(digit)]]
        assert (
            drawing.predict_digit(model, drawing.prepare_digit(drawing.render_strokes(strokes))).argmax()
            == digit
        )
    assert drawing.predict_digit(model, drawing.prepare_digit(drawing.render_strokes(SEVEN))).argmax() == 7


# --- one module for the page --------------------------------------------------------------------


def test_the_browser_code_is_one_module_that_loads_in_node(tmp_path):
    code = browser_module()
    (tmp_path / "explainers.mjs").write_text(code)
    script = f"import('{(tmp_path / 'explainers.mjs').as_uri()}').then(m => console.log(JSON.stringify(Object.keys(m).sort())))"
    exported = json.loads(run(NODE, "--input-type=module", "-e", script).stdout)
    assert exported == ["default", "mount", "mountPage"]
    assert "import " not in code and "</script" not in code.lower()


# --- the widgets' Python side -------------------------------------------------------------------


def test_each_widget_shows_a_picture_and_says_to_run_the_cell_where_it_cannot_run(model, mnist):
    digit = mnist[0][0][0].astype("float32") / 255
    kernel = np.array([[-1, 0, 1]] * 3, dtype="float32")
    feature_map = np.array(
        [[np.sum(digit[r : r + 3, c : c + 3] * kernel) for c in range(26)] for r in range(26)]
    )
    pooled = np.maximum(feature_map, 0).reshape(13, 2, 13, 2).max(axis=(1, 3))
    widgets = [
        ConvolutionExplainer(digit, kernel, feature_map, pooled, start=(10, 10)),
        LayersExplainer(model, example=mnist[1][0][0], caption="Test digit 0, a 7"),
        DrawingPad(model),
    ]
    for widget in widgets:
        data, metadata = widget._repr_mimebundle_()
        assert data["image/png"].startswith("iVBORw0KGgo"), "a PNG"
        assert "Run this cell" in data["text/plain"] and len(data["text/plain"]) <= 110
        assert json.loads(json.dumps(metadata[BOOK_DATA]))["kind"] == widget.kind
    assert widgets[0].start == 10 * 26 + 10
    assert len(metadata[BOOK_DATA]["strokes"]) == 1  # the pad's 7


def test_a_pad_in_the_notebook_runs_the_kernels_model(model):
    pad = DrawingPad(model)
    assert pad.network == export_model(model) and pad.recipe == drawing_recipe()
    assert pad.strokes == SEVEN


@pytest.mark.parametrize(
    "arguments, message",
    [
        (
            (np.zeros((28, 28)), np.zeros((3, 3)), np.zeros((26, 26)), np.zeros((12, 12))),
            r"gives a 26×26 feature map and a 13×13 pooled map",
        ),
        ((np.zeros(28), np.zeros((3, 3)), np.zeros((26, 26)), np.zeros((13, 13))), r"takes 2-D arrays"),
    ],
)
def test_a_convolution_explainer_with_wrong_shapes_says_what_it_needs(arguments, message):
    with pytest.raises(InvalidInputError, match=message):
        ConvolutionExplainer(*arguments)


def test_the_drawing_explainers_take_the_model_not_its_file_name(model):
    with pytest.raises(InvalidInputError, match=r"^LayersExplainer takes the model itself, not a file name"):
        LayersExplainer("models/mnist_convnet.keras", example=np.zeros((28, 28)))
    with pytest.raises(InvalidInputError, match=r"example is one 28×28 digit"):
        LayersExplainer(model, example=np.zeros((3, 3)))


@pytest.mark.parametrize(
    "notebook, kind",
    [
        ("01_build_the_convnet_base", "convolution"),
        ("06_what_the_convnet_sees", "layers"),
        ("09_draw_your_own_digit", "pad"),
    ],
)
def test_the_committed_notebooks_keep_each_explainers_picture_and_book_data(notebook, kind):
    """What GitHub shows in the widget's place, and what the book's page needs, are in the saved run."""
    import nbformat

    from support import NOTEBOOKS

    cells = nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4).cells
    outputs = [o for c in cells for o in c.get("outputs", []) if BOOK_DATA in o.get("metadata", {})]
    assert [o.metadata[BOOK_DATA]["kind"] for o in outputs] == [kind]
    assert outputs[0].data["image/png"] and "Run this cell" in outputs[0].data["text/plain"]
