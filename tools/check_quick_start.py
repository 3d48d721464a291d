"""Prove the README's first quick-start command works on a fresh machine.

    python3 tools/check_quick_start.py

It clones the committed repository into a temporary folder and runs the command exactly as the
README writes it (a new virtual environment from requirements.txt alone, then JupyterLab on the
first notebook), with options added at the end that keep JupyterLab headless on a free port of
127.0.0.1. Then it checks that JupyterLab serves the notebook and the README, that no
instructor menus (nbgrader's) are enabled, and runs the notebook top to bottom in the new
environment. JupyterLab is stopped by its PID at the end, also after a failure. Only the
standard library is used: it runs before any environment exists.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALL_MINUTES = 15  # the command installs TensorFlow and JupyterLab before JupyterLab starts


def readme_command(readme: Path) -> str:
    """The README's quick-start line that sets up the environment and opens JupyterLab."""
    found = re.search(r"^python3 -m venv .*jupyter lab .*$", readme.read_text(), re.MULTILINE)
    if not found:
        raise SystemExit("The README has no quick-start line that ends by opening JupyterLab.")
    return found[0]


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return bytes(answer.read())


def enabled_extensions(page: str) -> set[str]:
    """The JupyterLab extensions a page loads: those installed, less those disabled."""
    config = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    if not config:
        raise SystemExit("JupyterLab's page has no configuration block.")
    data = json.loads(config[1])
    return {extension["name"] for extension in data["federated_extensions"]} - set(data["disabledExtensions"])


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        repo = Path(work) / "repo"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)
        command = readme_command(repo / "README.md")
        notebook = command.rsplit(" ", 1)[-1]
        print(f"README command: {command}", flush=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        token = secrets.token_hex(16)
        headless = f" --no-browser --ip=127.0.0.1 --ServerApp.port={port} --IdentityProvider.token={token}"
        if os.geteuid() == 0:  # CI runs as root; JupyterLab refuses to without this
            headless += " --allow-root"
        log = Path(work) / "lab.log"
        with open(log, "w") as out:
            lab = subprocess.Popen(  # its own process group, so that stopping it stops JupyterLab too
                command + headless,
                shell=True,
                cwd=repo,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + INSTALL_MINUTES * 60
            while True:
                try:
                    answer = json.loads(get(f"{base}/api/contents/{notebook}?content=0&token={token}"))
                    break
                except OSError:
                    if lab.poll() is not None or time.monotonic() > deadline:
                        print(log.read_text()[-3000:], file=sys.stderr)
                        raise SystemExit("The command failed or JupyterLab never answered.") from None
                    time.sleep(1)
            print(f"JupyterLab serves {answer['name']}")
            get(f"{base}/api/contents/README.md?content=0&token={token}")
            print(
                "the README is reachable from the notebooks' links (JupyterLab is rooted at the repository)"
            )
            extensions = enabled_extensions(get(f"{base}/lab?token={token}").decode())
            if any("nbgrader" in name for name in extensions):
                raise SystemExit(
                    f"nbgrader's instructor menus are enabled in a learner's JupyterLab: {extensions}"
                )
            print("no instructor menus in the learner's JupyterLab")
        finally:
            os.killpg(lab.pid, signal.SIGTERM)
            lab.wait(timeout=30)
        ran = subprocess.run(
            [
                ".venv/bin/jupyter",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--output",
                f"{work}/ran.ipynb",
                notebook,
            ],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
        )
        if ran.returncode != 0:
            print(ran.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"{notebook} failed in the fresh environment.")
        print(f"{notebook} ran top to bottom in the fresh environment: quick start OK")


if __name__ == "__main__":
    main()
