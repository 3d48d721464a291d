"""The book (tools/build_book.py): it builds with warnings as errors, and works in a real browser.

Builds the static site from the committed notebooks into a temporary folder, once; checks that
every notebook, exercise and the instructors' guides became a page and that every internal link
and anchor resolves; that launch buttons appear exactly when the repository's address is set (a
one-chapter build with a sample address); then, in the system's headless Chromium (Playwright):

- served from ``python -m http.server`` on 127.0.0.1, every page: no console error, no request
  leaving 127.0.0.1 (each one is blocked and reported), every image decoded, "next" goes to the
  next chapter, the search finds "softmax", and axe-core (npm, installed into .cache/axe-core on
  first use) finds no serious or critical accessibility violation, in the light and the dark theme;
- the menu (☰) and page-contents buttons open and close the chapter list and the page's
  contents, on a desktop and on a touch phone;
- the explainers, opened from ``file://`` and from the server, on a desktop and a touch phone:
  notebook 9's pad and notebook 6's layers read a drawn 7 and 3, notebook 1's window sums are
  Keras's feature map; and their budgets, measured: what a page adds, and how long a prediction
  and a full update of every layer take.

Screenshots go to artifacts/ (book_*.png). Without Chromium or npm the browser part is skipped on
a workstation, but in CI (``CI`` set) it fails.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import numpy as np
import pytest

from support import AXE_VERSION, ROOT, TOOLS, draw, drawn_digit, npm_package, python, static_server

pytestmark = pytest.mark.slow

ARTIFACTS = ROOT / "artifacts"
PAGES_FROM = [
    "notebooks/*.ipynb",
    "exercises/release/mnist/*.ipynb",
    "docs/instructors.md",
    "docs/classroom.md",
]
SAMPLE_ADDRESS = "https://github.com/example-owner/mnist-book/tree/main"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The book, built once for the whole module."""
    out = tmp_path_factory.mktemp("book") / "book"
    python(TOOLS / "build_book.py", "--out", out)
    return out


def html_pages(site: Path) -> list[Path]:
    """The site's pages (not the theme's template fragments in _static/)."""
    return sorted(page for page in site.rglob("*.html") if "_static" not in page.relative_to(site).parts)


class Page(HTMLParser):
    """The links (href, src) and the element ids of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value:
                self.links.append(value)


def test_every_notebook_exercise_and_guide_became_a_page(site):
    expected = {"index.html"} | {
        str(source.relative_to(ROOT).with_suffix(".html"))
        for pattern in PAGES_FROM
        for source in ROOT.glob(pattern)
    }
    assert len(expected) >= 1 + 9 + 5 + 1, f"sources missing: {sorted(expected)}"
    pages = {str(page.relative_to(site)) for page in html_pages(site)}
    assert not expected - pages, f"sources without a page: {sorted(expected - pages)}"
    chapter = (site / "notebooks" / "03_prepare_mnist_and_train.html").read_text()
    assert "3 · Prepare MNIST and train" in chapter and "<img" in chapter, (
        "a chapter lost its title or figures"
    )


def test_cells_tagged_remove_cell_are_not_on_the_page(site):
    """Cells that exist for the tests carry the tag remove-cell: kept in the notebook, not in the book."""
    for notebook in sorted(ROOT.glob("notebooks/*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        shown = [
            c
            for c in cells
            if c["cell_type"] == "code" and "remove-cell" not in c["metadata"].get("tags", [])
        ]
        page = (site / "notebooks" / notebook.with_suffix(".html").name).read_text(encoding="utf-8")
        assert page.count('<div class="cell docutils container') == len(shown), (
            f"{notebook.name}: code cells on the page"
        )


def test_every_internal_link_and_anchor_resolves(site):
    parsed = {page: Page(page.read_text(encoding="utf-8")) for page in html_pages(site)}
    broken = []
    for page, html in parsed.items():
        for link in html.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link} (no such file)")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in parsed[target].ids
            ):
                broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
            elif target.suffix in (".ipynb", ".md") and "_sources" not in target.parts:
                broken.append(f"{page.relative_to(site)}: {link} (a source file, not its page)")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_no_launch_buttons_while_the_repository_address_is_unset(site):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    if "Repository" in pyproject["project"].get("urls", {}):
        pytest.skip("the repository's address is set in pyproject.toml")
    chapter = (site / "notebooks" / "01_build_the_convnet_base.html").read_text()
    assert "mybinder.org" not in chapter and "colab.research.google.com" not in chapter


def test_launch_buttons_point_at_the_notebook_on_the_repositorys_branch(tmp_path):
    """A book of one chapter, built with a sample address (the whole book is built once, above)."""
    pyproject = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text()
    text = re.sub(r"\[project.urls\][^\[]*", "", text)
    pyproject.write_text(text + f'\n[project.urls]\nRepository = "{SAMPLE_ADDRESS}"\n')
    notebook = "notebooks/01_build_the_convnet_base.ipynb"
    stage = tmp_path / "src"
    (stage / "notebooks").mkdir(parents=True)
    shutil.copy2(ROOT / notebook, stage / notebook)
    (stage / "index.md").write_text(f"# One chapter\n\n```{{toctree}}\n{notebook[:-6]}\n```\n")
    # Its links to the other chapters cannot resolve here: warnings are expected, not errors.
    options = ["-q", "-b", "html", "-c", ROOT / "book", stage, tmp_path / "book"]
    python("-m", "sphinx", *options, env={**os.environ, "BOOK_PYPROJECT": str(pyproject)})
    chapter = (tmp_path / "book" / "notebooks" / "01_build_the_convnet_base.html").read_text()
    assert (
        f"https://mybinder.org/v2/gh/example-owner/mnist-book/main?labpath={quote(notebook, safe='')}"
        in chapter
    )
    assert (
        f"https://colab.research.google.com/github/example-owner/mnist-book/blob/main/{notebook}" in chapter
    )
    assert f'href="../_sources/{notebook}"' in chapter, "no download button for the notebook"
    # Links to the repository's files that are not pages go to GitHub.
    assert 'href="https://github.com/example-owner/mnist-book/tree/main/utils/setup.py"' in chapter


def test_the_explainers_pages_are_made_without_tensorflow():
    """The book's build reads the shipped model's weights with h5py (book/requirements.txt has no
    TensorFlow): the code and data the explainers' pages carry are made with TensorFlow and Keras
    unimportable."""
    code = (
        "import sys\n"
        "sys.modules.update(tensorflow=None, keras=None)  # importing either now fails\n"
        "sys.path[:0] = ['book/_ext', '.']\n"
        "import book_explainers\n"
        "print(len(book_explainers.page_code(drawing=True)))"
    )
    assert int(python("-c", code, cwd=ROOT).stdout) > 100_000, "the network's weights are in the page"


def test_the_site_in_a_real_browser(site, tmp_path, browser):
    axe = npm_package("axe-core", AXE_VERSION, "axe-core/axe.min.js")
    from playwright.sync_api import expect

    pages = [str(page.relative_to(site)) for page in html_pages(site)]
    problems: list[str] = []
    counts: collections.Counter[str] = collections.Counter()
    ARTIFACTS.mkdir(exist_ok=True)
    with static_server(site, tmp_path / "server.log") as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            context.set_default_timeout(30_000)

            def outside(route):
                problems.append(f"a request left 127.0.0.1 (blocked): {route.request.url}")
                route.abort()

            context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), outside)
            page = context.new_page()
            current = [""]
            page.on(
                "console", lambda m: m.type == "error" and problems.append(f"{current[0]}: console: {m.text}")
            )
            page.on("pageerror", lambda e: problems.append(f"{current[0]}: page error: {e}"))
            for theme in ("light", "dark"):
                page.goto(f"{url}/index.html")
                page.evaluate(
                    f"localStorage.setItem('theme', '{theme}'); localStorage.setItem('mode', '{theme}')"
                )
                for name in pages:
                    current[0] = f"{name} ({theme})"
                    page.goto(f"{url}/{name}", wait_until="load")
                    assert page.evaluate("document.documentElement.dataset.theme") == theme
                    broken = page.evaluate(
                        "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
                    )
                    problems += [f"{current[0]}: image not decoded: {src}" for src in broken]
                    unnamed = page.evaluate(
                        "[...document.querySelectorAll('main img')].filter(i => !i.alt || /\\.(png|jpe?g|svg)$/.test(i.alt)).map(i => i.src)"
                    )
                    problems += [f"{current[0]}: image without a text alternative: {src}" for src in unnamed]
                    page.add_script_tag(path=str(axe))
                    for violation in page.evaluate("axe.run(document, {resultTypes: ['violations']})")[
                        "violations"
                    ]:
                        counts[f"{violation['impact']} ({theme})"] += len(violation["nodes"])
                        if name == "index.html" or violation["impact"] in ("serious", "critical"):
                            print(
                                f"  {current[0]}: {violation['impact']}: {violation['id']} ({len(violation['nodes'])})"
                            )
                        if violation["impact"] in ("serious", "critical"):
                            targets = [node["target"] for node in violation["nodes"]][:5]
                            problems.append(
                                f"{current[0]}: axe {violation['impact']}: {violation['id']} at {targets}"
                            )
            print(
                f"axe-core {AXE_VERSION} violations (elements) by impact over {len(pages)} pages: {dict(counts)}"
            )

            current[0] = "navigation"
            page.evaluate("localStorage.setItem('theme', 'light'); localStorage.setItem('mode', 'light')")
            page.goto(f"{url}/index.html")
            page.screenshot(path=str(ARTIFACTS / "book_landing.png"))
            page.locator("a.right-next").click()
            expect(page).to_have_url(re.compile(r"/notebooks/01_build_the_convnet_base\.html$"))
            page.locator("a.right-next").click()
            expect(page).to_have_url(re.compile(r"/notebooks/02_add_the_classifier_head\.html$"))
            page.goto(f"{url}/notebooks/03_prepare_mnist_and_train.html#read-the-training-curves")
            page.screenshot(path=str(ARTIFACTS / "book_chapter.png"))

            current[0] = "search"
            page.goto(f"{url}/search.html?q=softmax")
            results = page.locator("#search-results ul.search li")
            expect(results.first).to_be_visible(timeout=30_000)
            found = results.all_inner_texts()
            assert any("Add the classifier head" in text for text in found), (
                f"search for softmax found: {found}"
            )
        finally:
            context.close()
    assert not problems, "\n".join(problems)


# --- the book's navigation, on a desktop and a phone ----------------------------------------------

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SMALL_DESKTOP = {"viewport": {"width": 1024, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


def test_the_menu_and_contents_buttons_open_and_close(site, browser):
    from playwright.sync_api import expect

    chapter = (site / "notebooks" / "02_add_the_classifier_head.html").as_uri()
    context = browser.new_context(**DESKTOP)
    try:  # a desktop: the menu button hides the chapter list and shows it again
        page = context.new_page()
        page.goto(chapter)
        sidebar = page.locator("#pst-primary-sidebar")
        expect(sidebar).to_be_visible()
        page.locator(".header-article-item .primary-toggle").click()
        expect(sidebar).to_be_hidden()
        page.locator(".header-article-item .primary-toggle").click()
        expect(sidebar).to_be_visible()
    finally:
        context.close()
    for device, tap in [(SMALL_DESKTOP, "click"), (PHONE, "tap")]:
        context = browser.new_context(**device)
        try:  # the contents (and on a phone the menu) open as a drawer, which closes again
            page = context.new_page()
            page.goto(chapter)
            kinds = ["secondary"] if device is SMALL_DESKTOP else ["primary", "secondary"]
            for kind, close in zip(
                kinds, ["outside", "Escape"] if tap == "tap" else ["Escape"], strict=False
            ):
                drawer = page.locator(f"#pst-{kind}-sidebar-modal")
                button = page.locator(f".bd-header-article .{kind}-toggle")
                getattr(button, tap)()
                expect(drawer).to_have_attribute("open", "")
                expect(drawer.locator("a").first).to_be_visible()
                if close == "Escape":
                    page.keyboard.press("Escape")
                else:  # a tap beside the drawer: the chapter list is on the left, the contents on the right
                    beside = device["viewport"]["width"] - 5 if kind == "primary" else 5
                    page.touchscreen.tap(beside, device["viewport"]["height"] // 2)
                expect(drawer).not_to_have_attribute("open", "")
            page.screenshot(path=str(ARTIFACTS / f"book_navigation_{device['viewport']['width']}.png"))
        finally:
            context.close()


# --- the explainers in the page ---------------------------------------------------------------------

READS = r"The network reads an? {} \((more than 99|[1-9]?[0-9]) % sure\)\."


@pytest.fixture(scope="module")
def keras_feature_map(mnist):
    """Notebook 1's hand-set filter on its digit, computed by Keras here: the numbers to match."""
    from utils.setup import import_keras_quietly

    keras = import_keras_quietly()
    digit = mnist[0][0][0].astype("float32").reshape(1, 28, 28, 1) / 255
    layer = keras.layers.Conv2D(1, 3, use_bias=False)
    layer.build((None, 28, 28, 1))
    layer.set_weights([np.array([[-1, 0, 1]] * 3, dtype="float32").reshape(3, 3, 1, 1)])
    return keras.ops.convert_to_numpy(layer(digit))[0, :, :, 0]


@pytest.fixture(scope="module")
def served(site, tmp_path_factory):
    with static_server(site, tmp_path_factory.mktemp("server") / "server.log") as url:
        yield url


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("where", ["file", "http"])
def test_the_explainers_work_in_the_page(site, served, browser, keras_feature_map, where, device):
    from playwright.sync_api import expect

    base = site.as_uri() if where == "file" else served
    touch = device is PHONE
    context = browser.new_context(**device)
    problems: list[str] = []
    context.route(
        re.compile(r"^https?://(?!127\.0\.0\.1[:/])"),
        lambda route: (problems.append(route.request.url), route.abort()),
    )
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    name = f"{where}_{'phone' if touch else 'desktop'}"
    try:
        page.goto(f"{base}/notebooks/09_draw_your_own_digit.html")
        pad = page.locator(".mnist-explainer-pad")
        prediction = pad.locator(".prediction")
        expect(prediction).to_have_text(re.compile(READS.format(7)))  # the pad's own 7
        for digit in (7, 3):
            pad.locator("button.clear").click()
            draw(page, pad.locator("canvas.pad"), drawn_digit(digit), touch=touch)
            expect(prediction).to_have_text(re.compile(READS.format(digit)))
        pad.screenshot(path=str(ARTIFACTS / f"book_pad_{name}.png"))

        page.goto(f"{base}/notebooks/06_what_the_convnet_sees.html")
        layers = page.locator(".mnist-explainer-layers")
        expect(layers.locator(".prediction")).to_have_text(re.compile(READS.format(7)))  # test digit 0
        draw(page, layers.locator("canvas.pad"), drawn_digit(3), touch=touch)
        expect(layers.locator(".prediction")).to_have_text(re.compile(READS.format(3)))
        assert layers.locator("button.map").count() == 160

        page.goto(f"{base}/notebooks/01_build_the_convnet_base.html")
        convolution = page.locator(".mnist-explainer-convolution")
        for press in [None, "step", "step", "back"]:
            if press:
                convolution.locator(f"button.{press}").click()
            row, col = map(int, convolution.get_attribute("data-window").split(","))
            shown = float(convolution.locator(".sum").get_attribute("data-sum"))
            assert shown == pytest.approx(float(keras_feature_map[row, col]), abs=1e-5), (row, col)
        assert convolution.get_attribute("data-window") == "10,11"
        convolution.screenshot(path=str(ARTIFACTS / f"book_convolution_{name}.png"))
    finally:
        context.close()
    assert not problems, problems


def test_the_explainers_budgets(site, served, browser):
    """What a page adds (the code, the weights), and how long a reading and a layers update take."""
    page_bytes = {}
    for name in ("09_draw_your_own_digit", "06_what_the_convnet_sees", "01_build_the_convnet_base"):
        html = (site / "notebooks" / f"{name}.html").read_text(encoding="utf-8")
        scripts = re.findall(
            r'<script type="(?:module|application/json)"[^>]*>.*?</script>', html, flags=re.S
        )
        page_bytes[name] = sum(
            len(script.encode()) for script in scripts if "mnist" in script or "mountPage" in script
        )
    context = browser.new_context(**DESKTOP)
    times = {}
    try:
        page = context.new_page()
        for name, explainer in [("09_draw_your_own_digit", "pad"), ("06_what_the_convnet_sees", "layers")]:
            page.goto(f"{served}/notebooks/{name}.html")
            widget = page.locator(f".mnist-explainer-{explainer}")
            measured = []
            for _ in range(8):
                widget.locator("button.clear").click()
                draw(page, widget.locator("canvas.pad"), drawn_digit(3))
                page.wait_for_timeout(100)
                measured.append(float(widget.get_attribute("data-update-ms")))
            times[explainer] = float(np.median(measured))
    finally:
        context.close()
    print(f"bytes each page adds (code and data): {page_bytes}")
    print(
        f"median time of one reading (pad): {times['pad']:.1f} ms; of one update of every layer: {times['layers']:.1f} ms"
    )
    assert max(page_bytes.values()) <= 600_000
    assert times["pad"] <= 20 and times["layers"] <= 50
