"""Links between the repository's files, made to work in the book.

The README, the notebooks and the instructors' guide link to each other and to files of the
repository by relative paths, as GitHub shows them. In the book:

- a link to ``README.md`` goes to the landing page (which shows the README);
- a link to a folder that holds pages (``exercises/release/mnist/``) goes to its first page;
- a link to any other file or folder of the repository (``utils/data.py``, ``binder/``) goes to
  it on GitHub when the repository's address is set (``[project.urls] Repository`` in
  pyproject.toml), and is left as plain text while it is not.

Links to pages themselves (``notebooks/02_….ipynb``) MyST resolves on its own.

The theme's Binder button opens JupyterLab with ``?urlpath=lab/tree/<path>``; mybinder documents
``?labpath=<url-encoded path>`` for JupyterLab, which this extension writes instead.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import quote, unquote

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


class RepositoryLinks(SphinxPostTransform):
    """Rewrite MyST's unresolved relative links before MyST's resolver warns about them."""

    default_priority = 8  # before MystReferenceResolver (9)

    def run(self, **kwargs: Any) -> None:
        options = self.config.html_theme_options
        repository, branch = options.get("repository_url"), options.get("repository_branch")
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst":
                continue
            if node.get("refdomain") == "doc":
                if node["reftarget"] == "README":
                    node["reftarget"] = self.config.root_doc
                continue
            target = node["reftarget"]
            if "://" in target or target.startswith(("#", "mailto:")):
                continue
            base = posixpath.dirname(node.get("refdoc", self.env.docname))
            path = posixpath.normpath(posixpath.join(base, target.split("#")[0])).rstrip("/")
            if path.startswith("..") or path in self.env.found_docs:
                continue
            inside = sorted(doc for doc in self.env.found_docs if doc.startswith(path + "/"))
            if inside:
                node["refdomain"], node["reftarget"], node["reftargetid"] = "doc", inside[0], None
            elif repository:
                link = nodes.reference("", "", *node.children, refuri=f"{repository}/tree/{branch}/{path}")
                link["classes"].append("external")
                node.replace_self(link)
            else:
                node.replace_self(node.children)


URLPATH = re.compile(r"\?urlpath=lab/tree/(?P<path>[^&#]+)$")


def binder_labpath(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Rewrite the theme's Binder launch button from ``?urlpath=lab/tree/…`` to ``?labpath=…``."""
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("text") == "Binder" and (found := URLPATH.search(button.get("url", ""))):
                path = quote(unquote(found["path"]), safe="")
                button["url"] = URLPATH.sub(f"?labpath={path}", button["url"])


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(RepositoryLinks)
    app.connect("html-page-context", binder_labpath, priority=600)  # after the theme adds its buttons (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
