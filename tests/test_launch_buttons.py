"""tools/launch_buttons.py: one address setting, every launch button and Colab set-up from it."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest

from support import ROOT, python, run
from tools import launch_buttons

SAMPLE = "https://github.com/sample-owner/mnist-convnet/tree/main"
LINK = re.compile(r"\]\((https://[^)\s]+)\)")


@pytest.fixture
def copy(tmp_path):
    """The files the script writes, copied; the rest of the repository is not needed."""
    for name in ["README.md", "pyproject.toml"]:
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("models"))
    shutil.copytree(ROOT / "exercises" / "source", tmp_path / "exercises" / "source")
    return tmp_path


def launch(copy, *args):
    return launch_buttons.main([*args, "--root", str(copy)])


def test_the_committed_files_match_the_address_setting():
    python("tools/launch_buttons.py", "--check", cwd=ROOT)


def test_while_unpublished_there_are_no_buttons_and_the_readme_says_how():
    if launch_buttons.read_address(ROOT / "pyproject.toml") is not None:
        pytest.skip("the repository is published")
    assert "colab.research.google.com" not in (ROOT / "README.md").read_text()
    assert launch_buttons.NOT_PUBLISHED in (ROOT / "README.md").read_text()
    for path in launch_buttons.notebooks(ROOT):
        assert launch_buttons.BUTTONS_PREFIX not in path.read_text(), path.name


def test_with_a_sample_address_every_button_points_at_a_file_that_exists(copy):
    assert launch(copy, "--publish", SAMPLE) == 0
    assert launch_buttons.read_address(copy / "pyproject.toml") == launch_buttons.Address.parse(SAMPLE)
    readme_links = LINK.findall((copy / "README.md").read_text())
    links = [url for url in readme_links if "sample-owner" in url]
    for path in launch_buttons.notebooks(copy):
        header = nbformat.read(path, as_version=4).cells[0].source
        found = [url for url in LINK.findall(header) if "sample-owner" in url]
        assert len(found) == 3, f"{path.name}: Colab, Binder and GitHub"
        links += found
    assert len(links) == 3 * (len(launch_buttons.notebooks(copy)) + 1)
    for url in links:
        path = re.search(r"(?:blob/main/|labpath=)(.+\.ipynb)$", url)
        assert path, url
        assert (ROOT / unquote(path[1])).is_file(), f"{url} points at {path[1]}, which does not exist"
        assert url.startswith(
            (
                "https://colab.research.google.com/github/sample-owner/mnist-convnet/blob/main/",
                "https://mybinder.org/v2/gh/sample-owner/mnist-convnet/main?labpath=",
                "https://github.com/sample-owner/mnist-convnet/blob/main/",
            )
        ), url


def test_with_a_sample_address_each_setup_cell_fetches_the_tutorial_on_colab_only(copy):
    launch(copy, "--publish", SAMPLE)
    for path in launch_buttons.notebooks(copy):
        setup = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code").source
        assert setup.startswith(launch_buttons.COLAB_FIRST_LINE), path.name
        assert 'if "COLAB_RELEASE_TAG" in os.environ:' in setup
        folder = "notebooks" if path.parent.name == "notebooks" else "exercises/release/mnist"
        assert 'REPOSITORY = "https://github.com/sample-owner/mnist-convnet.git"\n' in setup
        assert f'BRANCH = "main"\n    FOLDER = "{folder}"\n' in setup
        compile(setup, path.name, "exec")  # plain Python: linters and readers see real code
    ruff = Path(sys.executable).with_name("ruff")
    if ruff.exists():  # the published notebooks pass the same lint and format checks
        for check in (["check"], ["format", "--check"]):
            run(ruff, *check, "--config", ROOT / "pyproject.toml", copy)


def test_publishing_then_unpublishing_gives_back_the_same_files(copy):
    before = {p: p.read_bytes() for p in [*launch_buttons.notebooks(copy), copy / "README.md"]}
    pyproject = (copy / "pyproject.toml").read_bytes()
    launch(copy, "--publish", SAMPLE)
    assert launch(copy, "--check") == 0
    launch(copy, "--unpublish")
    assert {p: p.read_bytes() for p in before} == before
    assert (copy / "pyproject.toml").read_bytes() == pyproject


def test_check_reports_a_file_out_of_date_and_leaves_it_alone(copy, capsys):
    launch(copy, "--publish", SAMPLE)
    readme = copy / "README.md"
    stale = readme.read_text().replace("sample-owner", "someone-else")
    readme.write_text(stale)
    assert launch(copy, "--check") == 1
    assert "README.md does not match the address setting" in capsys.readouterr().err
    assert readme.read_text() == stale


@pytest.mark.parametrize(
    "url", ["https://github.com/owner/name", "https://gitlab.com/o/n/tree/main", "owner/name"]
)
def test_an_address_without_owner_name_and_branch_is_refused(url):
    with pytest.raises(SystemExit, match=r"is not of the form https://github.com/OWNER/NAME/tree/BRANCH"):
        launch_buttons.Address.parse(url)
