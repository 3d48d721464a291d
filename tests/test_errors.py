"""Tests for utils.errors: the project's errors show as their message alone in a notebook."""

from __future__ import annotations

import pytest

from utils.checks import CheckFailed
from utils.data import InvalidMnistError, MnistUnavailableError
from utils.drawing import DrawingError
from utils.errors import InvalidInputError, TutorialError, short
from utils.setup import OutdatedPackageError


@pytest.mark.parametrize(
    "error_type, base",
    [
        (MnistUnavailableError, RuntimeError),
        (InvalidMnistError, ValueError),
        (DrawingError, ValueError),
        (InvalidInputError, ValueError),
        (CheckFailed, Exception),
        (OutdatedPackageError, RuntimeError),
    ],
)
def test_every_project_error_is_a_tutorial_error_and_keeps_its_old_base(error_type, base):
    assert issubclass(error_type, TutorialError) and issubclass(error_type, base)


def test_ipython_shows_the_message_alone_without_a_traceback():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    with capture_output() as shown:
        shell.run_cell(
            "from utils.drawing import DrawingError\n"
            "raise DrawingError('The picture is blank (no ink found): draw a digit.')"
        )
    text = shown.stdout + shown.stderr
    assert "The picture is blank (no ink found): draw a digit." in text
    assert "Traceback" not in text and "raise DrawingError" not in text


def test_short_keeps_a_value_on_one_short_line():
    import numpy as np

    text = short(np.zeros((30, 30)))
    assert "\n" not in text and len(text) == 60 and text.endswith("…")
