"""Property-based fuzzing of every helper a reader or a student calls, and a corruption sweep of
the MNIST cache.

The promise being tested: whatever goes in, a helper gives a correct result or one of the
project's own errors (``utils.errors.TutorialError``: ``DrawingError``, ``CheckFailed``,
``InvalidMnistError``, …) whose message is one line, never a raw exception from NumPy, Pillow or
Keras; and a damaged cache is always rebuilt, never loaded as wrong data, and never takes a file
of the reader's with it. The counts of what was tried are printed at the end of this module.

Hypothesis runs derandomized (the same examples every run) and without its example database, so
the suite stays reproducible and writes nothing into the repository.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from utils import _mnist_sources, checks, data, drawing, plots
from utils.errors import TutorialError

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
COUNTS: Counter[str] = Counter()
# Hypothesis warns when a generated input's repr is long (a big nested list); that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")


@pytest.fixture(scope="module", autouse=True)
def report_counts(request):
    """Print what was tried, once the module's tests are done."""
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not COUNTS:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for key in sorted(COUNTS):
            reporter.write_line(f"fuzz and corruption counts: {key}: {COUNTS[key]:,}")


def outcome(function: str, call: Callable[[], Any], multi_line: bool = False) -> Any:
    """Run ``call``; a project error must carry a one-line message (a list, for load_mnist).

    Returns the result, or None when the helper answered with one of the project's errors.
    Any other exception propagates and fails the test, and Hypothesis shrinks the input.
    """
    group = "corruptions" if "damaged" in function else "fuzzed inputs"
    COUNTS[f"{group}: tried ({function})"] += 1
    COUNTS[f"{group}: tried, in all"] += 1
    try:
        result = call()
    except TutorialError as error:
        message = str(error)
        assert message.strip(), f"{function}: an empty message"
        assert "Traceback" not in message
        if not multi_line:
            assert "\n" not in message and len(message) < 800, f"{function}: {message!r}"
        COUNTS[f"{group}: answered with a clear message (one line; for load_mnist, its list of sources)"] += 1
        return None
    COUNTS[f"{group}: answered with a result"] += 1
    return result


# --- What a reader or a student might pass -----------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(),
    st.text(max_size=8),
    st.binary(max_size=8),
)
dtypes = st.sampled_from(
    [np.uint8, np.uint16, np.int8, np.int64, np.float16, np.float32, np.float64, np.bool_, np.complex64, "U2"]
)
arrays = hnp.arrays(dtypes, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=12))
pictures = hnp.arrays(  # shaped like pictures and digits, with any values
    st.sampled_from([np.uint8, np.uint16, np.float32, np.float64, np.int64]),
    st.sampled_from([(28, 28), (28, 28, 1), (40, 30), (30, 40, 3), (20, 20, 4), (1, 28, 28), (5, 1)]),
)
anything = st.recursive(
    st.one_of(scalars, arrays, pictures, st.builds(Path, st.text(max_size=8))),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=3), inner, max_size=3),
    ),
    max_leaves=8,
)
points = st.lists(
    st.one_of(
        st.tuples(st.floats(-1000, 1000), st.floats(-1000, 1000)).map(list),
        st.lists(st.one_of(st.floats(), st.integers(), st.none(), st.text(max_size=2)), max_size=3),
    ),
    max_size=6,
)
strokes = st.one_of(st.lists(points, max_size=4), anything)


class Uniform:
    """Stands in for the trained model: the same probability for every digit."""

    def predict(self, x, verbose=0):
        return np.full((len(x), 10), 0.1)


class KerasLike:
    """Stands in for a trained model and fails on a bad input the way Keras does (ValueError)."""

    layers = ()

    def predict(self, x, verbose=0):
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 4 or x.shape[1:] != (28, 28, 1):
            raise ValueError(
                f"Input 0 is incompatible with the layer: expected (None, 28, 28, 1), got {x.shape}"
            )
        return np.eye(10)[np.arange(len(x)) % 10]


# --- utils.drawing -----------------------------------------------------------------------------


@FUZZ
@given(image=st.one_of(anything, pictures, arrays))
def test_prepare_digit_and_its_steps_answer_anything(image):
    for name, function in (("prepare_digit", drawing.prepare_digit), ("to_ink", drawing.to_ink)):
        result = outcome(name, lambda f=function: f(image))
        if result is not None and name == "prepare_digit":
            assert result.shape == (28, 28) and result.dtype == np.uint8 and result.max() > 0
    result = outcome("to_mnist", lambda: drawing.to_mnist(image))
    if result is not None:
        assert result.shape == (28, 28) and result.dtype == np.uint8


@FUZZ
@given(digit=st.one_of(anything, pictures), probabilities=st.one_of(anything, arrays))
def test_predict_digit_and_describe_answer_anything(digit, probabilities):
    result = outcome("predict_digit", lambda: drawing.predict_digit(Uniform(), digit))
    if result is not None:
        assert result.shape == (10,)
    text = outcome("describe", lambda: drawing.describe(probabilities))
    if text is not None:
        assert text.startswith("The network reads a") and "." not in text.split("(")[1][:3]


@FUZZ
@given(strokes=strokes, size=st.one_of(st.just(280), anything), width=st.one_of(st.just(22), anything))
def test_render_strokes_and_the_pad_answer_anything(strokes, size, width):
    image = outcome("render_strokes", lambda: drawing.render_strokes(strokes, size, width))
    if image is not None:
        assert image.shape == (size, size) and image.dtype == np.uint8


@FUZZ
@given(content=st.one_of(st.binary(max_size=300), st.sampled_from(["png", "jpeg", "tiff", "gif"])))
def test_read_image_answers_any_file(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("image") / "digit.png"
    if isinstance(content, str):  # a real picture in that format, with one byte of its data flipped
        from PIL import Image

        Image.fromarray(np.eye(16, dtype=np.uint8) * 255).save(path, format=content)
        damaged = bytearray(path.read_bytes())
        damaged[len(damaged) // 2] ^= 0x55
        path.write_bytes(bytes(damaged))
    else:
        path.write_bytes(content)
    picture = outcome("read_image", lambda: drawing.read_image(path))
    if picture is not None:
        assert picture.ndim == 3 and picture.shape[2] == 3 and picture.dtype == np.uint8
    assert path.exists(), "the reader's file is never deleted"


@FUZZ
@given(name=anything)
def test_read_image_answers_any_name(name):
    if isinstance(name, (str, Path)) and Path(name).exists():
        return  # a fuzzed name that happens to exist in the working folder is not ours to read
    outcome("read_image", lambda: drawing.read_image(name))


# --- utils.checks and utils.plots.confusion_matrix ---------------------------------------------


@pytest.fixture(scope="module")
def small_convnet():
    from utils.setup import import_keras_quietly

    keras = import_keras_quietly()
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(4, 3),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


@FUZZ
@given(answer=anything, other=anything)
def test_every_check_answers_any_answer(small_convnet, answer, other):
    for name, call in {
        "check_output_shapes": lambda: checks.check_output_shapes(answer, small_convnet),
        "check_output_shapes (model)": lambda: checks.check_output_shapes([(26, 26, 4)], answer),
        "check_parameter_count": lambda: checks.check_parameter_count(answer, small_convnet),
        "check_parameter_count (model)": lambda: checks.check_parameter_count(6800, answer),
        "check_mlp": lambda: checks.check_mlp(answer),
        "check_regularized": lambda: checks.check_regularized(answer),
        "check_augmentation": lambda: checks.check_augmentation(answer),
        "layer_output_shapes": lambda: checks.layer_output_shapes(answer),
        "check_most_confused": lambda: checks.check_most_confused(answer, other),
        "check_most_confused (pair)": lambda: checks.check_most_confused(answer, np.eye(10) * 9 + 1),
        "check_confusion_matrix": lambda: checks.check_confusion_matrix(answer, other, other),
        "check_confusion_matrix (labels)": lambda: checks.check_confusion_matrix(
            np.eye(10, dtype=int), answer, other
        ),
        "check_test_accuracy": lambda: checks.check_test_accuracy(KerasLike(), answer, other, 0.9),
        "check_test_accuracy (model)": lambda: checks.check_test_accuracy(
            answer, np.zeros((10, 28, 28, 1)), np.arange(10), 0.9
        ),
    }.items():
        result = outcome(name, lambda call=call: shown_within_the_width(call))
        assert result is None or isinstance(result, (checks.Passed, list)), name


def shown_within_the_width(call: Callable[[], Any]) -> Any:
    """``call()``; a failure's lines as a notebook shows them fit ``checks.WIDTH`` (a lone long word may not)."""
    try:
        return call()
    except checks.CheckFailed as failure:
        lines = failure._render_traceback_()
        assert " ".join(lines) == failure.prefix + " ".join(str(failure).split()), "no word lost"
        assert all(len(line) <= checks.WIDTH or " " not in line for line in lines), lines
        raise


@FUZZ
@given(y_true=st.one_of(anything, arrays), y_pred=st.one_of(anything, arrays))
def test_confusion_matrix_answers_any_labels(y_true, y_pred):
    matrix = outcome("plots.confusion_matrix", lambda: plots.confusion_matrix(y_true, y_pred))
    if matrix is not None:
        assert matrix.shape == (10, 10) and matrix.sum() == np.asarray(y_true).size


# --- utils.data --------------------------------------------------------------------------------


@FUZZ
@given(arrays_=anything)
def test_verify_mnist_answers_anything(arrays_):
    outcome("verify_mnist", lambda: _mnist_sources.verify_mnist(arrays_))


@FUZZ
@given(path=anything, data_dir=st.one_of(st.none(), scalars, arrays))
def test_load_mnist_answers_any_path(tmp_path_factory, monkeypatch, path, data_dir):
    """Other sources are stubbed to fail, so only the cache and the named file can answer."""
    monkeypatch.setattr(_mnist_sources, "from_keras", fail)
    monkeypatch.setattr(_mnist_sources, "from_mirror", fail)
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    if isinstance(path, (str, Path)) and str(path).strip():
        path = tmp_path_factory.mktemp("named") / Path(str(path).replace("\0", "")).name
    where = data_dir if data_dir is not None else tmp_path_factory.mktemp("cache")
    if isinstance(where, (str, bytes)) or where is True or where is False:
        where = tmp_path_factory.mktemp("cache")  # a folder name that is not ours is never created
    outcome("load_mnist", lambda: data.load_mnist(path, data_dir=where), multi_line=True)


def fail(*args, **kwargs):
    raise OSError("no network (a stub)")


# --- The corruption sweep ----------------------------------------------------------------------


def test_a_damaged_cache_is_always_rebuilt_never_loaded_and_never_takes_the_readers_file(
    small_mnist, tmp_path, monkeypatch
):
    rebuilds = []
    monkeypatch.setattr(_mnist_sources, "from_keras", lambda data_dir: rebuilds.append(1) or small_mnist)
    monkeypatch.setattr(_mnist_sources, "from_mirror", fail)
    cache = tmp_path / data.CACHE_NAME
    _mnist_sources.write_cache(small_mnist, cache)
    whole = cache.read_bytes()
    # The small cache has the real one's layout (a zip of four .npy members, deflated), so its
    # first 4 KiB hold the zip and npy headers and the start of the compressed pixels.
    COUNTS["corruptions: size of the small cache file, in bytes"] = len(whole)
    expected = [*small_mnist[0], *small_mnist[1]]

    # A copy of the reader's own, named the way MNIST_NPZ names it; damaged too in half the cases.
    yours = tmp_path / "yours" / "mnist.npz"
    yours.parent.mkdir()
    rng = np.random.default_rng(0)
    damages: list[tuple[str, bytes]] = []
    for offset in range(min(4096, len(whole))):
        damaged = bytearray(whole)
        damaged[offset] ^= 0xFF
        damages.append(("one byte of the first 4 KiB flipped", bytes(damaged)))
    for _ in range(300):
        damaged = bytearray(whole)
        for offset in rng.integers(0, len(whole), size=rng.integers(1, 9)):
            damaged[offset] ^= int(rng.integers(1, 256))
        damages.append(("random bytes flipped anywhere", bytes(damaged)))
    for length in [0, 1, 21, 22, 30, *rng.integers(0, len(whole), size=200).tolist(), len(whole) - 1]:
        damages.append(("truncated", whole[:length]))

    for number, (kind, damaged) in enumerate(damages):
        cache.write_bytes(damaged)
        if number % 2:
            yours.write_bytes(damaged)
            monkeypatch.setenv("MNIST_NPZ", str(yours))
        else:
            monkeypatch.delenv("MNIST_NPZ", raising=False)
        before = len(rebuilds)
        splits = outcome(
            f"load_mnist on a damaged cache ({kind})", lambda: data.load_mnist(data_dir=tmp_path)
        )
        assert splits is not None, "another source works, so the damaged cache must not stop the reader"
        got = [*splits[0], *splits[1]]
        if not all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(got, expected, strict=True)):
            COUNTS["corruptions: gave wrong data"] += 1
            pytest.fail(f"{kind} (case {number}): wrong data returned")
        if number % 2 and yours.read_bytes() != damaged:
            COUNTS["corruptions: lost the reader's file"] += 1
            pytest.fail(f"{kind} (case {number}): the reader's file changed")
        rebuilt = len(rebuilds) > before or bytes(cache.read_bytes()) != damaged
        COUNTS[
            "corruptions: cache rebuilt"
            if rebuilt
            else "corruptions: harmless flip (bytes numpy never reads)"
        ] += 1
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
        # whatever happened, the cache on disk now reads as the right data
        (x_train, _), (_, y_test) = _mnist_sources.read_npz(cache)
        assert np.array_equal(x_train, expected[0]) and np.array_equal(y_test, expected[3])
    COUNTS["corruptions: gave wrong data"] += 0
    COUNTS["corruptions: lost the reader's file"] += 0
    assert os.path.getsize(cache) > 0
