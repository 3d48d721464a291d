"""Tests for utils.setup: quiet imports, readable version errors, platform detection."""

from __future__ import annotations

import os

import pytest

from support import python
from utils.errors import TutorialError
from utils.setup import (
    REFERENCE_THREADS,
    THREADS_VARIABLE,
    Environment,
    OutdatedPackageError,
    check_versions,
    detect_platform,
    thread_count,
    version_tuple,
)


def test_importing_keras_through_setup_writes_nothing_to_stderr():
    """Run in a fresh interpreter: TensorFlow only logs on its first import."""
    code = "from utils.setup import import_keras_quietly; print(import_keras_quietly().__version__)"
    result = python("-c", code, timeout=300)
    assert result.stdout.startswith("3.")
    assert result.stderr == ""


def test_a_plain_tensorflow_import_is_noisy_so_the_quiet_import_is_needed():
    """If this starts failing, TensorFlow went quiet by itself and the helper can go."""
    result = python("-c", "import tensorflow", timeout=300)
    assert result.stderr != ""


@pytest.mark.parametrize(
    "text, expected",
    [("3.15.1", (3, 15)), ("2.21.0rc1", (2, 21)), ("3", (3, 0)), ("2.16.0.dev2024", (2, 16))],
)
def test_version_tuple(text, expected):
    assert version_tuple(text) == expected


def test_old_keras_gets_a_message_that_says_what_to_run():
    with pytest.raises(
        OutdatedPackageError,
        match=r"needs keras >= 3.15 but found 2.15.0; run `pip install -r requirements.txt`",
    ):
        check_versions({"keras": "2.15.0", "tensorflow": "2.21.0"})
    check_versions({"keras": "3.15.0", "tensorflow": "2.20.0"})


@pytest.mark.parametrize(
    "variable, platform", [("COLAB_RELEASE_TAG", "colab"), ("BINDER_SERVICE_HOST", "binder")]
)
def test_detect_platform(monkeypatch, variable, platform):
    for name in ("COLAB_RELEASE_TAG", "BINDER_SERVICE_HOST", "BINDER_REQUEST"):
        monkeypatch.delenv(name, raising=False)
    assert detect_platform() == "local"
    monkeypatch.setenv(variable, "1")
    assert detect_platform() == platform


def test_environment_reads_as_one_sentence():
    assert (
        str(Environment("local", "3.15.1", "2.21.0", "CPU"))
        == "Keras 3.15.1 on TensorFlow 2.21.0, running locally on the CPU"
    )
    assert str(Environment("colab", "3.15.1", "2.21.0", "GPU (1 found)")).endswith(
        "running on Colab on the GPU (1 found)"
    )


def test_setup_notebook_fixes_tensorflows_thread_count():
    """Run in a fresh interpreter: thread counts can only be set before TensorFlow starts."""
    env = {key: value for key, value in os.environ.items() if key != THREADS_VARIABLE}
    code = (
        "from utils.setup import setup_notebook, REFERENCE_THREADS; setup_notebook(); import tensorflow as tf; "
        "print(tf.config.threading.get_intra_op_parallelism_threads() == REFERENCE_THREADS == "
        "tf.config.threading.get_inter_op_parallelism_threads())"
    )
    result = python("-c", code, timeout=300, env=env)
    assert result.stdout.split() == ["True"]
    assert result.stderr == ""


@pytest.mark.parametrize(
    "value, threads", [(None, REFERENCE_THREADS), ("", REFERENCE_THREADS), ("1", 1), (" 4 ", 4)]
)
def test_thread_count_reads_classroom_mode_from_the_environment(value, threads):
    assert thread_count({} if value is None else {THREADS_VARIABLE: value}) == threads


@pytest.mark.parametrize("value", ["0", "-1", "one", "1.5", "65"])
def test_a_wrong_thread_count_says_what_to_write(value):
    with pytest.raises(
        ValueError, match=r"TUTORIAL_THREADS=.* is not a thread count: set it to a whole number"
    ):
        thread_count({THREADS_VARIABLE: value})
    with pytest.raises(TutorialError):  # shown in a notebook as one sentence, not a traceback
        thread_count({THREADS_VARIABLE: value})


def test_classroom_mode_gives_tensorflow_one_thread():
    """What a hub does for each student (docs/classroom.md): TUTORIAL_THREADS=1 in the environment."""
    code = (
        "from utils.setup import setup_notebook; setup_notebook(); import tensorflow as tf; "
        "print(tf.config.threading.get_intra_op_parallelism_threads(), "
        "tf.config.threading.get_inter_op_parallelism_threads())"
    )
    result = python("-c", code, timeout=300, env={**os.environ, THREADS_VARIABLE: "1"})
    assert result.stdout.split() == ["1", "1"]
