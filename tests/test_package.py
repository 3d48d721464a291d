"""The package's docstring is its table of contents: it names every module of utils/."""

from __future__ import annotations

from pathlib import Path

import utils


def test_the_package_docstring_names_every_module():
    modules = sorted(
        path.stem for path in Path(utils.__file__).parent.glob("*.py") if path.stem != "__init__"
    )
    assert modules, "utils has modules"
    missing = [name for name in modules if f"``utils.{name}``" not in (utils.__doc__ or "")]
    assert missing == [], f"utils/__init__.py's docstring does not mention {missing}"
