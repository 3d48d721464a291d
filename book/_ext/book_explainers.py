"""The explainers live in the book's pages, with no kernel and no network.

In a notebook, each explainer (``utils/explainers.py``, ``utils/drawing_pad.py``) is a widget;
its output also holds a picture (what the book would otherwise show) and, in the output's
metadata under ``BOOK_DATA``, the data its page needs: the numbers of notebook 1's convolution,
or which explainer it is. This extension puts the live explainer in the picture's place,
with the picture inside it until the script replaces it, and writes into the page what it
runs on: the shipped model's architecture and weights (``notebooks/pretrained/``, read with h5py:
the book is built without TensorFlow), the drawing recipe's numbers, and the browser code
(``utils/web/``) as one inline ES module, since a page opened from ``file://`` may not load
modules from files.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the repository's helpers, without installing them

from utils.browser import BOOK_DATA, WEB, browser_module, drawing_recipe, export_model  # noqa: E402

SHIPPED_MODEL = ROOT / "notebooks" / "pretrained" / "mnist_convnet.keras"
WIDGET = "application/vnd.jupyter.widget-view+json"


class explainer(nodes.General, nodes.Element):  # docutils names its nodes in lower case
    """Where an explainer goes: its data, and the still picture shown until the script runs."""


def visit_explainer(translator: Any, node: explainer) -> None:
    translator.body.append(f'<div class="mnist-explainer-slot" data-mnist-explainer="{node["kind"]}">')
    translator.body.append(_script("application/json", json.dumps(node["data"])))


def depart_explainer(translator: Any, node: explainer) -> None:
    translator.body.append("</div>")


def _script(kind: str, text: str, id: str | None = None) -> str:
    """A script element holding ``text``, which must not end it early."""
    text = text.replace("</", "<\\/") if kind == "application/json" else text
    if "</script" in text.lower():
        raise ValueError("the explainers' JavaScript contains '</script' and cannot be written into a page")
    return f'<script type="{kind}"{f" id={id!r}" if id else ""}>\n{text}\n</script>'


@functools.cache
def page_code(drawing: bool) -> str:
    """What a page with explainers carries once: the code, and for those you draw on, the network
    and the recipe."""
    scripts = [_script("module", browser_module() + "\nmountPage(document);\n")]
    if drawing:
        network = json.dumps(export_model(SHIPPED_MODEL), separators=(",", ":"))
        recipe = json.dumps(drawing_recipe(), separators=(",", ":"))
        scripts[:0] = [
            _script("application/json", network, id="mnist-explainer-network"),
            _script("application/json", recipe, id="mnist-explainer-recipe"),
        ]
    return "\n".join(scripts)


class LiveExplainers(SphinxPostTransform):
    """Replace each explainer widget's output with the live explainer."""

    default_priority = 3  # before MyST-NB chooses one MIME type per output (its SelectMimeType, 4)

    def run(self, **kwargs: Any) -> None:
        source = Path(self.env.doc2path(self.env.docname))
        if source.suffix != ".ipynb":
            return
        cells = nbformat.read(source, as_version=4).cells
        kinds = set()
        for cell in self.document.findall(
            lambda n: isinstance(n, nodes.container) and n.get("nb_element") == "cell_code"
        ):
            outputs = [
                o.metadata[BOOK_DATA]
                for o in cells[cell["cell_index"]].get("outputs", [])
                if BOOK_DATA in o.get("metadata", {})
            ]
            bundles = [
                b
                for b in cell.findall(
                    lambda n: isinstance(n, nodes.container) and n.get("nb_element") == "mime_bundle"
                )
                if any(c.get("mime_type") == WIDGET for c in b.children)
            ]
            for bundle, data in zip(bundles, outputs, strict=False):
                picture = [c for c in bundle.children if c.get("mime_type") == "image/png"]
                slot = explainer(kind=data["kind"], data=data)
                slot += picture[0].children if picture else []
                bundle.replace_self(slot)
                kinds.add(data["kind"])
        if kinds:
            self.document += nodes.raw("", page_code(drawing=bool(kinds & {"pad", "layers"})), format="html")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(explainer, html=(visit_explainer, depart_explainer))
    app.add_post_transform(LiveExplainers)
    app.connect(
        "config-inited", lambda app, config: config.html_static_path.append(str(WEB / "explainers.css"))
    )
    app.add_css_file("explainers.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
