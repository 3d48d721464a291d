"""Sphinx configuration of the book: the committed notebooks as a static website (MyST-NB).

``tools/build_book.py`` lays out the pages' sources as they are in the repository (README,
notebooks, student exercises, instructors' guide) and runs Sphinx with this folder as its
configuration. The notebooks are never executed: their committed outputs, proven current by
nbval, are the book's.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

ROOT = Path(__file__).resolve().parents[1]


def repository_address(pyproject: Path) -> tuple[str, str] | None:
    """``(repository URL, branch)`` from ``[project.urls] Repository``, or None while it is unset.

    The address is defined once, for the notebooks' badges and the book's launch buttons, as
    ``https://github.com/OWNER/NAME/tree/BRANCH``.
    """
    urls = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("urls", {})
    address = urls.get("Repository")
    if address is None:
        return None
    match = re.fullmatch(r"(https://github\.com/[\w.-]+/[\w.-]+)/tree/([\w./-]+)", address)
    if match is None:
        raise ValueError(
            f"[project.urls] Repository in {pyproject} is {address!r}; "
            "write it as https://github.com/OWNER/NAME/tree/BRANCH"
        )
    return match[1], match[2]


# BOOK_PYPROJECT names another pyproject.toml (the tests build with a copy holding a sample address).
REPOSITORY = repository_address(Path(os.environ.get("BOOK_PYPROJECT", ROOT / "pyproject.toml")))

project = "Classify handwritten digits with a convnet"
author = "the tutorial's authors"
copyright = "the tutorial's authors. MNIST: Y. LeCun, C. Cortes, C. J. C. Burges (CC BY-SA 3.0)"

extensions = ["myst_nb", "book_links", "book_alt_text", "book_explainers"]
root_doc = "index"
# README.md is the landing page's content (index.md includes it), not a page of its own.
exclude_patterns = ["README.md"]

# The committed outputs are the book's outputs: never execute.
nb_execution_mode = "off"
# No widget JavaScript: by default MyST-NB loads require.js and the widget manager from public
# CDNs. The explainers (notebooks 1, 6 and 9) run in the page without them (book_explainers).
nb_ipywidgets_js: dict[str, dict[str, str]] = {}
# A widget's output is never rendered as a widget (it needs a kernel): its picture is shown, and
# book_explainers puts each explainer's live version in its place.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
# Markdown that code displays (the recaps) renders as the page's own prose.
nb_render_markdown_format = "myst"
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = "Classify digits with a convnet"
templates_path = ["_templates"]  # search-button-field.html: an accessible name that matches its text
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_js_files = ["book_nav.js"]  # the menu and page-contents buttons (the theme binds hidden copies)
html_show_sourcelink = False
# Follow the reader's system (light or dark); without it the theme logs an error on a first visit.
html_context = {"default_mode": "auto"}
html_theme_options: dict[str, object] = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
}
if REPOSITORY is not None:
    # Binder, Colab and download buttons on every chapter, exactly when the notebooks have badges.
    html_theme_options |= {
        "repository_url": REPOSITORY[0],
        "repository_branch": REPOSITORY[1],
        "path_to_docs": "",  # the book's pages sit where their sources sit in the repository
        "use_repository_button": True,
        "use_download_button": True,
        "launch_buttons": {
            "binderhub_url": "https://mybinder.org",
            "colab_url": "https://colab.research.google.com",
            "notebook_interface": "jupyterlab",
        },
    }
