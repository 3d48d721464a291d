"""Run a command for a test and fail with everything it printed if it fails (one helper for all)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

NBGRADER = Path(sys.executable).with_name("nbgrader")


def run(
    *command: str | Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` and return its result (``.stdout``, ``.stderr``), or fail the test with both."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=None if env is None else dict(env),
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}"
    return result


def nbgrader(
    *args: str | Path, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 1500
) -> subprocess.CompletedProcess[str]:
    """Run one nbgrader command in ``cwd`` (instructor's course folder or a student's home)."""
    env = dict(os.environ if env is None else env)
    # nbgrader runs `alembic` (its database migrations) from the same folder as itself
    env["PATH"] = f"{NBGRADER.parent}{os.pathsep}{env.get('PATH', '')}"
    return run(NBGRADER, *args, cwd=cwd, env=env, timeout=timeout)
