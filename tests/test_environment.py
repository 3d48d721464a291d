"""The pinned environment (requirements.txt) as the Jupyter tools use it."""

from __future__ import annotations

from support import python


def test_loading_a_notebook_does_not_import_the_slow_iri_grammar():
    """jsonschema 4.25 and later import rfc3987-syntax, which builds a grammar taking 1.3 s on
    every import of nbformat: JupyterLab's server, nbclient, each nbgrader command. requirements.txt
    pins jsonschema 4.24.1; this fails if an upgrade brings the import back."""
    code = "import sys, nbformat; nbformat.validate(nbformat.v4.new_notebook()); print(sorted(sys.modules))"
    result = python("-c", code)
    modules = result.stdout
    assert "'jsonschema'" in modules, "nbformat validated with jsonschema"
    assert "rfc3987_syntax" not in modules, (
        "jsonschema imported rfc3987_syntax: pin the version in requirements.txt again"
    )
