"""Binder's configuration: repo2docker accepts it, and it does not drift from requirements.txt.

repo2docker's `--no-build` mode detects the buildpack and writes the Dockerfile it would build,
without Docker, so this checks what Binder will do with `binder/`.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

from support import ROOT, run

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


def test_binder_python_is_one_the_project_supports():
    runtime = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    low, high = re.fullmatch(r">=(3\.\d+),<(3\.\d+)", requires).groups()
    minor = lambda version: int(version.split(".")[1])  # noqa: E731
    assert minor(low) <= minor(runtime) < minor(high)


def test_post_build_stops_at_the_first_error_and_caches_mnist():
    script = (BINDER / "postBuild").read_text()
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script
    assert "pip install --no-cache-dir --no-deps -e ." in script
    assert "load_mnist()" in script
    mode = run("git", "ls-files", "-s", "binder/postBuild", cwd=ROOT).stdout
    assert mode.startswith("100755"), "binder/postBuild must be committed as executable"
