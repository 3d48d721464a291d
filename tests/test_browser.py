"""The explainers in JupyterLab, with the kernel's model: one JupyterLab, headless Chromium, real input.

Starts JupyterLab on 127.0.0.1 (a free port, a random token, the repository as its root) and,
for notebooks 1, 6 and 9 in turn, opens the notebook in the system's Chromium through
Playwright, runs all its cells and works its explainer as a reader would:

- notebook 9: the pad reads its starting 7; a 7 drawn with the mouse, a 3 with a finger (touch
  events) and a 1 with the keyboard are read right; what the page computed went back to the
  kernel, where ``utils.drawing`` and the kernel's model give the same digit and probabilities;
  after a reload the cell shows its picture, and running it again brings the pad back;
- notebook 6: a drawn 3 is read right, every feature map is there, pointing at a map or moving
  to it with the arrow keys shows its filter;
- notebook 1: each window's sum of products equals Keras's feature map there, the arrow keys,
  Step and the slider move the window, Play moves it by itself, and not when reduced motion is
  asked for;
- each explainer: axe-core finds nothing serious or critical in it;
- the guides (README, CONTRIBUTING, docs/): every link to a file of the repository, clicked in
  JupyterLab's Markdown Preview, opens that file.

Screenshots go to artifacts/: each explainer, and each test's last view. Every wait is bounded. The
notebooks are not changed (autosave is off; a changed file is restored and fails the test).
Chromium comes from Debian; without it the tests are skipped, except in CI (``CI`` set).
"""

from __future__ import annotations

import json
import re
import urllib.request
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest

from support import ROOT, draw, drawn_digit, jupyterlab, run_all_cells, serious_accessibility_findings

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARTIFACTS = ROOT / "artifacts"
NOTEBOOKS = {
    1: "notebooks/01_build_the_convnet_base.ipynb",
    6: "notebooks/06_what_the_convnet_sees.ipynb",
    9: "notebooks/09_draw_your_own_digit.ipynb",
}
READS = r"The network reads an? {} \((more than 99|[1-9]?[0-9]) % sure\)\."


@pytest.fixture(scope="module")
def lab(tmp_path_factory, trained_model_path, browser):
    committed = {name: (ROOT / name).read_bytes() for name in NOTEBOOKS.values()}
    try:
        with jupyterlab(tmp_path_factory.mktemp("jupyterlab")) as (url, token):
            yield url, token
    finally:
        changed = [name for name, text in committed.items() if (ROOT / name).read_bytes() != text]
        for name in changed:
            (ROOT / name).write_bytes(committed[name])
        if changed:
            pytest.fail(f"JupyterLab saved over {changed} although autosave was off (restored)")


@pytest.fixture
def page(lab, browser, request):
    """A page in a touch-capable context; its last view saved as artifacts/<test>.png; then the
    notebook's kernel is shut down."""
    url, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
        context.close()
        for kernel in json.load(urllib.request.urlopen(f"{url}/api/kernels?token={token}", timeout=30)):
            stop = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
            urllib.request.urlopen(stop, timeout=30)


def open_and_run(page, lab, notebook: int, explainer: str):
    """Run all of a notebook's cells; the explainer once the page shows it."""
    url, token = lab
    run_all_cells(page, url, token, NOTEBOOKS[notebook])
    widget = page.locator(f".mnist-explainer-{explainer}")
    widget.wait_for(state="visible", timeout=300_000)
    # The cells after it move the page as they run: draw once they are done.
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=300_000)
    widget.scroll_into_view_if_needed()
    return widget


def run_in_new_cell(page, code: str) -> str:
    """Add a cell at the end of the open notebook, run ``code`` in the kernel, return its output."""
    from playwright.sync_api import expect

    cells = page.locator(".jp-Notebook .jp-Cell")
    count = cells.count()
    cells.last.locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below, in command mode
    expect(cells).to_have_count(count + 1)
    page.keyboard.press("Enter")
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")
    output = cells.nth(count).locator(".jp-OutputArea-output")
    expect(output.first).to_be_visible(timeout=60_000)
    return output.first.inner_text()


def test_notebook_9s_pad_reads_drawings_in_the_page_with_the_kernels_model(lab, page):
    from playwright.sync_api import expect

    pad = open_and_run(page, lab, 9, "pad")
    canvas, prediction = pad.locator("canvas.pad"), pad.locator(".prediction")
    expect(prediction).to_have_text(re.compile(READS.format(7)), timeout=60_000)  # the pad's own 7
    pad.locator("button.clear").click()
    expect(prediction).to_have_text("The canvas is empty: draw a digit in the black square.")
    draw(page, canvas, drawn_digit(7))
    expect(prediction).to_have_text(re.compile(READS.format(7)))
    pad.locator("button.clear").click()
    draw(page, canvas, drawn_digit(3), touch=True)
    expect(prediction).to_have_text(re.compile(READS.format(3)))
    pad.screenshot(path=str(ARTIFACTS / "notebook09_pad.png"))

    # What the page read went back to the kernel: utils.drawing and the kernel's model agree.
    code = (
        "import numpy as np\n"
        "from utils.drawing import prepare_digit, render_strokes\n"
        "seen = prepare_digit(render_strokes(pad.strokes))\n"
        "print(pad.prediction, list(pad.digit) == seen.ravel().tolist(),\n"
        "      float(np.abs(np.array(pad.probabilities) - predict_digit(model, seen)).max()) < 1e-4)"
    )
    assert re.fullmatch(READS.format(3) + r" True True\s*", run_in_new_cell(page, code))

    pad.locator("button.undo").click()
    expect(prediction).to_have_text("The canvas is empty: draw a digit in the black square.")
    canvas.focus()  # the keyboard's pen: up to the top, down, a stroke to the bottom, up: a 1
    for key in ["ArrowUp"] * 7 + ["Space"] + ["ArrowDown"] * 14 + ["Space"]:
        page.keyboard.press(key)
    expect(prediction).to_have_text(re.compile(READS.format(1)))

    # After a reload the saved output shows the pad's picture; running the cell again brings it back.
    page.reload()
    cell = page.locator(".jp-Cell").filter(has_text="pad = DrawingPad(model)").first
    cell.wait_for(timeout=90_000)
    cell.scroll_into_view_if_needed()
    expect(cell.locator(".jp-OutputArea-output img")).to_be_visible(timeout=60_000)
    assert page.locator(".mnist-explainer-pad").count() == 0
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    expect(page.locator(".mnist-explainer-pad .prediction")).to_have_text(
        re.compile(READS.format(7)), timeout=120_000
    )
    assert not serious_accessibility_findings(page, ".mnist-explainer-pad")


def test_notebook_6_shows_every_layer_of_a_drawing_and_each_maps_filter(lab, page):
    from playwright.sync_api import expect

    layers = open_and_run(page, lab, 6, "layers")
    prediction = layers.locator(".prediction")
    expect(prediction).to_have_text(re.compile(READS.format(7)), timeout=60_000)  # test digit 0
    draw(page, layers.locator("canvas.pad"), drawn_digit(3))
    expect(prediction).to_have_text(re.compile(READS.format(3)))
    maps = layers.locator("button.map")
    assert maps.count() == 32 + 64 + 64
    maps.nth(40).hover()
    expect(layers.locator(".filter .caption")).to_contain_text("conv2d_1, map 8: its filter")
    maps.first.focus()
    page.keyboard.press("ArrowRight")
    expect(layers.locator(".filter .caption")).to_contain_text("conv2d, map 1: its filter")
    layers.screenshot(path=str(ARTIFACTS / "notebook06_layers.png"))
    assert not serious_accessibility_findings(page, ".mnist-explainer-layers")


def test_notebook_1s_window_sums_are_keras_feature_map(lab, page, browser):
    from playwright.sync_api import expect

    explainer = open_and_run(page, lab, 1, "convolution")
    expect(explainer).to_have_attribute("data-window", "10,10")  # where the figure above looks

    def shown() -> tuple[float, float]:
        work = explainer.locator(".work")
        return float(work.locator(".sum").get_attribute("data-sum")), float(
            work.locator(".keras").get_attribute("data-value")
        )

    seen = []
    for key in ["ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp"]:
        explainer.focus()
        page.keyboard.press(key)
        seen.append((explainer.get_attribute("data-window"), *shown()))
    explainer.locator("button.step").click()
    seen.append((explainer.get_attribute("data-window"), *shown()))
    assert [window for window, *_ in seen] == ["10,11", "11,11", "11,10", "10,10", "10,11"]
    assert all(abs(total - keras) < 1e-5 for _, total, keras in seen), seen
    assert np.isclose(seen[3][2], 2.725, atol=5e-4), "the window worked by hand in the notebook"

    slider = explainer.locator("input[type=range]")
    slider.focus()
    page.keyboard.press("End")  # the last 2×2 block of the pooling
    expect(explainer).to_have_attribute("data-window", "pool 12,12")
    largest = float(explainer.locator(".sum").get_attribute("data-max"))
    assert largest == pytest.approx(float(explainer.locator(".keras").get_attribute("data-value")), abs=1e-6)
    page.keyboard.press("Home")
    explainer.locator("button.play").click()
    page.wait_for_timeout(1_000)
    explainer.locator("button.play").click()  # Pause
    assert explainer.get_attribute("data-window") != "0,0", "Play moved the window"
    explainer.screenshot(path=str(ARTIFACTS / "notebook01_convolution.png"))
    assert explainer.get_attribute("data-motion") == "full"
    page.emulate_media(reduced_motion="reduce")
    page.reload()
    cell = page.locator(".jp-Cell").filter(has_text="ConvolutionExplainer(digit").first
    cell.wait_for(timeout=90_000)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    expect(page.locator(".mnist-explainer-convolution")).to_have_attribute(
        "data-motion", "reduce", timeout=60_000
    )
    assert not serious_accessibility_findings(page, ".mnist-explainer-convolution")


DOCUMENTS = ["README.md", "CONTRIBUTING.md", "docs/instructors.md", "docs/classroom.md"]


def test_every_relative_link_of_the_guides_opens_its_file_in_jupyterlab(lab, page):
    """Each guide opened as JupyterLab renders it (Markdown Preview); each link to a file of the
    repository clicked: it must open that file, never "File Load Error" (a link to a folder)."""
    url, token = lab
    page.goto(f"{url}/lab?token={token}&reset", timeout=90_000)
    page.wait_for_function("window.jupyterapp !== undefined", timeout=90_000)
    page.evaluate("async () => { await window.jupyterapp.restored; }")  # every plugin active
    clicked, problems = 0, []
    for document in DOCUMENTS:
        page.evaluate(
            "async path => { await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Markdown Preview'}); }",
            document,
        )
        preview = page.locator(".jp-MarkdownViewer:visible .jp-RenderedMarkdown")
        preview.locator("a[href*='/files/']").first.wait_for(timeout=60_000)  # rendered
        hrefs = preview.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        # JupyterLab writes a relative link as {url}/files/<path from its root>, and opens that
        # path in a new tab when it is clicked
        relative = sorted({h for h in hrefs if h.startswith(f"{url}/files/")})
        assert relative, f"{document} has no relative links to check: {hrefs}"
        for href in relative:
            target = unquote(urlsplit(href).path.removeprefix("/files/"))
            preview.locator(f'a[href="{href}"]').first.click()
            try:
                page.wait_for_function(
                    "path => window.jupyterapp.shell.currentWidget?.context?.path === path",
                    arg=target,
                    timeout=30_000,
                )
            except Exception:
                problems.append(f"{document}: {href} did not open {target}")
            if page.locator(".jp-Dialog").count():
                problems.append(f"{document}: {href}: {page.locator('.jp-Dialog').inner_text()[:120]!r}")
                page.keyboard.press("Escape")
            page.evaluate(
                "path => { const w = window.jupyterapp.shell.currentWidget;"
                " if (w?.context?.path !== path) w?.dispose(); }",  # closed unsaved: no prompt
                document,
            )
            page.evaluate(
                "async path => { await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Markdown Preview'}); }",
                document,
            )
            clicked += 1
        page.evaluate("async () => { await window.jupyterapp.commands.execute('application:close-all'); }")
    print(f"{clicked} relative links clicked in {len(DOCUMENTS)} guides")
    assert not problems, "\n".join(problems)
