"""Every figure gets a text alternative.

A notebook's figure takes its alt text from its cell's metadata, MyST-NB's own mechanism::

    "metadata": {"mystnb": {"image": {"alt": "Training and validation accuracy per epoch …"}}}

A figure without one would fall back to its file name (what the HTML writer does): here it gets
"Figure: <title of the section it is in>" instead, and the build says which cell lacks the
metadata (as information: the metadata is the real fix).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)


class FigureAltText(SphinxPostTransform):
    default_priority = 100

    def run(self, **kwargs: Any) -> None:
        for image in self.document.findall(nodes.image):
            if image.get("alt"):
                continue
            section = next((a for a in _ancestors(image) if isinstance(a, nodes.section)), None)
            title = section[0].astext() if section is not None and section.children else self.env.docname
            image["alt"] = f"Figure: {title}"
            logger.info(
                "%s: a figure in section %r has no alt text in its cell's metadata", self.env.docname, title
            )


def _ancestors(node: nodes.Node) -> Any:
    while node.parent is not None:
        node = node.parent
        yield node


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(FigureAltText)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
