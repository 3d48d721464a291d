"""Shared by the real-browser tests and scripts: the system's Chromium, JupyterLab, a local web server.

Playwright drives Debian's Chromium (``apt-get install -y chromium``): its own browser download
needs the open internet. Every wait here is bounded, and every process started here is stopped
by its PID.

Used by tests/test_browser.py, tests/test_book.py and scripts/capture_drawing_pad.py.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_found() -> bool:
    """Whether the Chromium that CHROMIUM names (``/usr/bin/chromium`` by default) is installed."""
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def launch_chromium(playwright: Any) -> Any:
    """A headless Chromium (the system's) started by a Playwright ``sync_playwright()`` object."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_url(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    """Return once ``url`` answers; raise with the end of ``log`` if ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"{url} did not answer within {timeout:.0f} s; the server's log:\n{log.read_text()[-3000:]}"
                ) from None
            time.sleep(0.5)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started here, by its PID: terminate, then kill after 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


@contextlib.contextmanager
def jupyterlab(workdir: Path, root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """Run JupyterLab on 127.0.0.1 (a free port, a random token, ``root`` as its root folder).

    Yields ``(url, token)``. Autosave is off, so the browser's outputs never reach a committed
    notebook; ``workdir`` receives the settings and the server's log (server.log).
    """
    port, token = free_port(), secrets.token_hex(16)
    settings = workdir / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(workdir / "settings")}
    log = workdir / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={port}",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={root}",
                "--allow-root",
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_url(f"{url}/api/status?token={token}", server, 60, log)
        yield url, token
    finally:
        stop(server)


@contextlib.contextmanager
def static_server(folder: Path, log: Path) -> Iterator[str]:
    """Serve ``folder`` with ``python -m http.server`` on 127.0.0.1; yields its base URL."""
    port = free_port()
    with open(log, "w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "http.server",
                str(port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(folder),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_url(f"{url}/", server, 30, log)
        yield url
    finally:
        stop(server)


def run_all_cells(page: Any, url: str, token: str, notebook: str) -> None:
    """Open ``notebook`` (a path under JupyterLab's root) in ``page`` and run all its cells."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.goto(f"{url}/lab/tree/{notebook}?token={token}&reset", timeout=90_000)
    page.locator(".jp-Notebook").first.wait_for(timeout=90_000)
    accept = page.locator(".jp-Dialog .jp-mod-accept")  # "Select Kernel", if JupyterLab asks
    try:
        accept.wait_for(state="visible", timeout=5_000)
        accept.click()
    except PlaywrightTimeoutError:
        pass
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=90_000)
    page.get_by_role("menuitem", name="Run").click()
    page.locator("li[data-command='runmenu:run-all']").click()


def pad_canvas(page: Any) -> tuple[Any, dict[str, float]]:
    """Notebook 9's drawing-pad canvas once it is shown, scrolled into view, and its bounding box."""
    canvas = page.locator(".drawing-pad canvas.pad")
    canvas.wait_for(state="visible", timeout=300_000)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    if box is None:
        raise AssertionError("the canvas has no size on the page")
    return canvas, box


def draw_with_mouse(page: Any, points: list[tuple[float, float]], box: dict[str, float]) -> None:
    """One mouse stroke through ``points``, given as fractions (0 to 1) of the canvas's box."""
    (x0, y0), *rest = points
    page.mouse.move(box["x"] + x0 * box["width"], box["y"] + y0 * box["height"])
    page.mouse.down()
    for x, y in rest:
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
    page.mouse.up()
