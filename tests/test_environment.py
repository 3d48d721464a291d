"""The pinned environment (requirements.txt) as the Jupyter tools use it."""

from __future__ import annotations

import importlib.util
import json
import re
from urllib.request import urlopen

from support import jupyterlab, python


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


def test_jupyterlab_opens_for_a_learner_without_news_pop_up_or_instructor_menus(tmp_path):
    """README command 1 after command 2: the test tools put nbgrader into the same environment,
    yet JupyterLab shows none of its menus, and it does not ask about Jupyter news on the first
    launch (jupyter-settings/, installed by requirements.txt)."""
    assert importlib.util.find_spec("nbgrader"), "this environment has the instructor's tools"
    with jupyterlab(tmp_path) as (url, token):
        notification = "@jupyterlab/apputils-extension:notification"
        with urlopen(f"{url}/lab/api/settings/{notification}?token={token}") as answer:
            defaults = json.load(answer)["schema"]["properties"]  # the overrides change the defaults
        with urlopen(f"{url}/lab/tree/notebooks/01_build_the_convnet_base.ipynb?token={token}") as answer:
            page = answer.read().decode()
    assert defaults["fetchNews"]["default"] == "false" and defaults["checkForUpdates"]["default"] is False
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    assert found, "JupyterLab's page has its configuration"
    disabled = json.loads(found[1])["disabledExtensions"]
    assert "@jupyter/nbgrader" in disabled, disabled
