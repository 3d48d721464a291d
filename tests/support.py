"""What the tests share: the repository's paths, running a command, the tiny model, a browser.

Every test module imports from here rather than working these out again::

    from support import ROOT, NOTEBOOKS, run

- Paths: ``ROOT`` (the repository), ``NOTEBOOKS``, ``LESSONS`` (the nine notebooks, in order),
  ``EXERCISES``, ``TOOLS``.
- ``run(...)`` runs a command and fails the test with everything it printed if it fails;
  ``nbgrader(...)`` runs one nbgrader command; ``run_notebook(...)`` executes a notebook.
- ``tiny_convnet()``: an untrained convnet of the notebooks' shape, small enough to build in
  milliseconds.
- The system's Chromium (``chromium_found``, ``launch_chromium``) and the servers a browser test
  talks to (``jupyterlab``, ``static_server``), each on 127.0.0.1 and stopped by its PID; the
  ``browser`` fixture in ``tests/conftest.py`` starts Chromium or skips (fails in CI).

The explainers' browser tests share the helpers at the end of the file (drawing digits with a
mouse, touch or the keyboard, reading what a page shows).
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
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
EXERCISES = ROOT / "exercises"
TOOLS = ROOT / "tools"
NBGRADER = Path(sys.executable).with_name("nbgrader")


# --- commands ----------------------------------------------------------------------------------


def run(
    *command: str | Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` and return its result (``.returncode``, ``.stdout``, ``.stderr``).

    With ``check`` (the default) a failure fails the test, showing everything the command printed."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=None if env is None else dict(env),
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert result.returncode == 0, (
            f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result


def python(*args: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run this Python (the test environment's) with ``args``; the options of :func:`run`."""
    return run(sys.executable, *args, **kwargs)


def nbgrader(
    *args: str | Path, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 1500
) -> subprocess.CompletedProcess[str]:
    """Run one nbgrader command in ``cwd`` (an instructor's course folder or a student's home)."""
    env = dict(os.environ if env is None else env)
    # nbgrader runs `alembic` (its database migrations) from the same folder as itself
    env["PATH"] = f"{NBGRADER.parent}{os.pathsep}{env.get('PATH', '')}"
    return run(NBGRADER, *args, cwd=cwd, env=env, timeout=timeout)


def run_notebook(path: Path, timeout: int = 1800) -> Any:
    """Execute a notebook top to bottom in a fresh kernel, in its own folder; return it executed.

    The file itself is not changed. An error in any cell raises nbclient's
    ``CellExecutionError`` naming the cell."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=timeout, resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def needed(reason: str) -> None:
    """Skip the test on a workstation, fail it in CI (``CI`` set): something it needs is missing."""
    import pytest

    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


def npm_package(name: str, version: str, entry: str) -> Path:
    """``entry`` (a path inside the package) of an npm package installed into ``.cache/<name>``
    on first use; skipped without npm, except in CI."""
    folder = ROOT / ".cache" / name
    path = folder / "node_modules" / entry
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            needed(f"npm is missing: this test needs {name} from npm")
        run(
            npm,
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
            folder,
            f"{name}@{version}",
            timeout=300,
        )
    return path


AXE_VERSION = "4.14.1"  # axe-core, the accessibility checker the browser tests add to a page


def serious_accessibility_findings(page: Any, selector: str = "html") -> list[str]:
    """axe-core's serious and critical findings in the first element of ``page`` that matches
    ``selector`` (the whole page by default), one line each."""
    page.add_script_tag(path=str(npm_package("axe-core", AXE_VERSION, "axe-core/axe.min.js")))
    found = page.evaluate(
        """selector => {
            const element = document.querySelector(selector);
            if (!element) throw new Error(`nothing on the page matches ${selector}`);
            return axe.run(element, {resultTypes: ['violations']});
        }""",
        selector,
    )
    return [
        f"{violation['impact']}: {violation['id']} at {[node['target'] for node in violation['nodes']][:5]}"
        for violation in found["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


# --- a tiny model -------------------------------------------------------------------------------


def tiny_convnet(filters: int = 4) -> Any:
    """An untrained convnet for 28×28 grey digits → 10 classes, built in milliseconds.

    Its layers are named as the notebooks' are (``conv2d``, ``max_pooling2d``, ``flatten``,
    ``dense``), so an example reads as it would in notebook 6."""
    from utils.setup import import_keras_quietly

    keras = import_keras_quietly()
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(filters, 3, activation="relu", name="conv2d"),
            keras.layers.MaxPooling2D(name="max_pooling2d"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(10, activation="softmax", name="dense"),
        ]
    )


# --- a browser and the servers it talks to --------------------------------------------------------

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
    """Whether the Chromium that CHROMIUM names (Debian's ``/usr/bin/chromium`` by default) is there.

    Playwright drives the system's Chromium: its own browser download needs the open internet."""
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def launch_chromium(playwright: Any) -> Any:
    """A headless Chromium (the system's) started by a Playwright ``sync_playwright()`` object."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
def server(command: list[str], url: str, log: Path, timeout: float = 60, **popen: Any) -> Iterator[None]:
    """Run a server (``command``) until the block ends, once ``url`` answers; its output goes to ``log``."""
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        wait_for_url(url, process, timeout, log)
        yield
    finally:
        stop(process)


@contextlib.contextmanager
def jupyterlab(workdir: Path, root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """Run JupyterLab on 127.0.0.1 (a free port, a random token, ``root`` as its root folder).

    Yields ``(url, token)``. Autosave is off, so the browser's outputs never reach a committed
    notebook; ``workdir`` receives the settings and the server's log (server.log)."""
    port, token = free_port(), secrets.token_hex(16)
    settings = workdir / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    command = [
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
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, for tests that run commands
    ]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(workdir / "settings")}
    with server(command, f"{url}/api/status?token={token}", workdir / "server.log", env=env):
        yield url, token


@contextlib.contextmanager
def static_server(folder: Path, log: Path) -> Iterator[str]:
    """Serve ``folder`` with ``python -m http.server`` on 127.0.0.1; yields its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "http.server",
        str(port),
        "--bind",
        "127.0.0.1",
        "--directory",
        str(folder),
    ]
    url = f"http://127.0.0.1:{port}"
    with server(command, f"{url}/", log, timeout=30):
        yield url


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


# --- explainers ---
# The explainers run the network in the page (utils/web/): Node runs that code in the tests
# (tests/node/), and the browser tests draw on their pads.

NODE = os.environ.get("NODE", "/usr/bin/node")
NODE_SCRIPTS = ROOT / "tests" / "node"


def node(script: str, *args: str | Path, timeout: float = 300) -> Any:
    """Run ``tests/node/<script>`` with Node and return what it printed, parsed as JSON.

    Without Node the test is skipped, except in CI (``CI`` set), where it fails."""
    import json

    import pytest

    if not (Path(NODE).exists() or shutil.which(NODE)):
        message = f"no Node at {NODE}: install it with `apt-get install -y nodejs` (Debian)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    return json.loads(run(NODE, NODE_SCRIPTS / script, *args, timeout=timeout).stdout)


def drawn_digit(digit: int) -> list[tuple[float, float]]:
    """A 7 or a 3 in one stroke, as a reader might draw it: points as fractions (0 to 1) of the pad."""
    from math import cos, radians, sin

    if digit == 7:  # the bar from left to right, then down to the left
        return [(0.27 + 0.0232 * i, 0.2) for i in range(21)] + [
            (0.735 - 0.0152 * i, 0.2 + 0.033 * i) for i in range(1, 21)
        ]
    if digit == 3:  # two bowls open to the left
        top = [(0.5 + 0.2 * cos(radians(a)), 0.33 + 0.14 * sin(radians(a))) for a in range(200, 451, 10)]
        return top + [
            (0.5 + 0.22 * cos(radians(a)), 0.64 + 0.17 * sin(radians(a))) for a in range(-90, 161, 10)
        ]
    raise ValueError(f"no drawing of a {digit}")


def in_view(page: Any, element: Any) -> dict[str, float]:
    """Scroll ``element`` to the middle of the window until it stays there (JupyterLab renders
    cells as they come into view, which moves the ones below); its bounding box."""
    previous = None
    for _ in range(40):
        element.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(250)
        box = element.bounding_box()
        height = page.viewport_size["height"]
        if box is not None and box == previous and box["y"] >= 0 and box["y"] + box["height"] <= height:
            return dict(box)
        previous = box
    raise AssertionError(f"the pad does not stay in view: {previous}")


def draw(page: Any, canvas: Any, path: list[tuple[float, float]], touch: bool = False) -> None:
    """Draw one stroke through ``path`` (fractions of the canvas) with the mouse, or a finger."""
    box = in_view(page, canvas)
    points = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in path]
    if not touch:
        page.mouse.move(*points[0])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(x, y)
        page.mouse.up()
        return
    fingers = page.context.new_cdp_session(page)
    kinds = ["touchStart"] + ["touchMove"] * (len(points) - 1)
    for kind, (x, y) in zip(kinds, points, strict=True):
        fingers.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
    fingers.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    fingers.detach()
