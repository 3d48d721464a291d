"""The environments the tutorial runs in, and the pins that describe them.

- The learner's (requirements.txt, as README command 1 installs it, here with the test tools on
  top): JupyterLab opens without the news pop-up or nbgrader's menus, and loading a notebook
  does not pay for a slow import.
- Binder's: repo2docker's `--no-build` mode detects the buildpack and writes the Dockerfile it
  would build, without Docker; binder/ pins the same versions as requirements.txt.
- Colab's: the helpers' lower bounds in pyproject.toml are Colab's own versions.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib
from pathlib import Path
from urllib.request import urlopen

import pytest

from support import ROOT, jupyterlab, python, run

BINDER = ROOT / "binder"
# Binder installs the CPU-only build of TensorFlow, the same version as the root's `tensorflow`.
SAME_PACKAGE = {"tensorflow-cpu": "tensorflow"}


def pins(path: Path) -> dict[str, str]:
    """`name==version` lines of a requirements file, as {name: version}."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if match:
            found[match[1].lower()] = match[2]
    return found


@pytest.fixture(scope="module")
def dockerfile() -> str:
    repo2docker = Path(sys.executable).parent / "repo2docker"
    result = run(repo2docker, "--no-build", "--debug", ROOT, timeout=300)
    return result.stdout + result.stderr


def test_repo2docker_uses_the_python_buildpack_with_the_pinned_python(dockerfile):
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    assert f"Building conda environment for python={runtime.removeprefix('python-')}" in dockerfile


def test_repo2docker_installs_binder_requirements_and_runs_post_build(dockerfile):
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "RUN ./binder/postBuild" in dockerfile
    # With a binder/ folder, the root requirements.txt (test tools, full TensorFlow) is ignored.
    assert '-r "requirements.txt"' not in dockerfile


def test_binder_pins_the_same_versions_as_the_root_requirements():
    binder, root = pins(BINDER / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert binder, "binder/requirements.txt pins nothing"
    for name, version in binder.items():
        root_name = SAME_PACKAGE.get(name, name)
        assert root_name in root, f"binder pins {name}, which requirements.txt does not have"
        assert root[root_name] == version, f"{name}: binder has {version}, requirements.txt {root[root_name]}"
    for name in ("tensorflow", "keras", "numpy", "matplotlib", "jupyterlab"):
        assert name in binder or any(SAME_PACKAGE.get(b) == name for b in binder), (
            f"binder does not pin {name}"
        )


def test_binder_and_github_use_the_oldest_python_the_project_supports():
    runtime = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == f">={runtime}", "Binder runs the oldest Python the tutorial supports"
    workflow = (ROOT / ".github" / "workflows" / "tests.yml").read_text()
    assert set(re.findall(r'python-version: "([\d.]+)"', workflow)) == {runtime}


def test_the_helpers_lower_bounds_are_colabs_versions():
    """pyproject.toml's lower bounds are the oldest versions tested: Colab's (its own pip freeze),
    so that installing the helpers on Colab replaces nothing but Keras, whose 3.15 the shipped
    model needs."""
    colab = pins(ROOT / "tests" / "colab" / "colab-pip-freeze.txt")
    bounds = dict(
        re.fullmatch(r"([\w-]+)>=([\d.]+)(?:,<\d+)?", requirement).groups()
        for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    )
    assert bounds["keras"] == "3.15" and colab["keras"] < "3.15", "Keras is the one upgrade"
    for name, low in bounds.items():
        if name != "keras":
            assert colab[name].startswith(low), (
                f"{name}: pyproject.toml says >={low}, Colab has {colab[name]}"
            )


def test_post_build_stops_at_the_first_error_and_caches_mnist():
    script = (BINDER / "postBuild").read_text()
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script
    assert "pip install --no-cache-dir --no-deps -e ." in script
    assert "pip install --no-cache-dir --no-deps ./jupyter-settings" in script
    assert "load_mnist()" in script
    mode = run("git", "ls-files", "-s", "binder/postBuild", cwd=ROOT).stdout
    assert mode.startswith("100755"), "binder/postBuild must be committed as executable"


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


def test_an_instructor_turns_nbgrader_s_tools_on_and_off_as_the_guide_says():
    """docs/instructors.md: `jupyter labextension enable @jupyter/nbgrader`, then `disable`, or
    `requirements.txt` installed again (its `./jupyter-settings` line). The commands write the
    environment's page config, which is put back as it was afterwards."""
    page_config = Path(sys.prefix) / "etc" / "jupyter" / "labconfig" / "page_config.json"
    jupyter = Path(sys.executable).with_name("jupyter")
    guide = (ROOT / "docs" / "instructors.md").read_text()
    assert ".venv/bin/jupyter labextension enable @jupyter/nbgrader" in guide
    assert ".venv/bin/jupyter labextension disable @jupyter/nbgrader" in guide
    before = page_config.read_bytes()
    try:
        run(jupyter, "labextension", "enable", "@jupyter/nbgrader")
        assert json.loads(page_config.read_text())["disabledExtensions"]["@jupyter/nbgrader"] is False
        run(jupyter, "labextension", "disable", "@jupyter/nbgrader")
        assert json.loads(page_config.read_text())["disabledExtensions"]["@jupyter/nbgrader"] is True
        run(jupyter, "labextension", "enable", "@jupyter/nbgrader")
        assert "./jupyter-settings" in (ROOT / "requirements.txt").read_text().splitlines()
        assert "installing `requirements.txt` again also turns them off" in " ".join(guide.split())
        python("-m", "pip", "install", "--quiet", "--no-deps", ROOT / "jupyter-settings")
        assert json.loads(page_config.read_text())["disabledExtensions"]["@jupyter/nbgrader"] is True
    finally:
        page_config.write_bytes(before)
