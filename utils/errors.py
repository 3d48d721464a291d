"""The one base class of every error this project raises for a reader or a student.

Its message is written for the reader: one paragraph saying what happened and what to do. In a
notebook IPython shows that paragraph alone, without a traceback, because it asks an exception
for ``_render_traceback_()`` before it formats one. Outside IPython it is an ordinary exception.
"""

from __future__ import annotations


class TutorialError(Exception):
    """An error whose message is meant for the reader; notebooks show the message alone.

    Example:
        >>> TutorialError("MNIST is not cached: run notebook 1 first.")._render_traceback_()
        ['MNIST is not cached: run notebook 1 first.']
    """

    prefix = ""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback: the message, after the class's prefix."""
        return [self.prefix + str(self)]


class InvalidInputError(TutorialError, ValueError):
    """An argument a helper cannot use (wrong type, shape or values); the message says which."""


class MnistUnavailableError(TutorialError, RuntimeError):
    """No source could provide verified MNIST data (``utils.data.load_mnist``)."""


class InvalidMnistError(TutorialError, ValueError):
    """A source provided arrays that are not the canonical MNIST; the message says which and how."""


class DrawingError(TutorialError, ValueError):
    """A picture that cannot become a digit (``utils.drawing``); the message is one sentence."""


def short(value: object, limit: int = 60) -> str:
    """A value as one short line for a message: its repr, whitespace squeezed, cut at ``limit``.

    Example:
        >>> short([[1, 2], [3, 4]]), short("x" * 100, limit=10)
        ('[[1, 2], [3, 4]]', "'xxxxxxxx…")
    """
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
