"""Capture notebook 9's drawing pad with a real drawing and the network's answer, for the book.

    python tools/capture_drawing_pad.py

Starts JupyterLab on 127.0.0.1, opens notebooks/09_draw_your_own_digit.ipynb in the system's
headless Chromium, runs all cells, draws a 7 on the pad with the mouse, waits for the network's
answer and saves a picture of the pad to notebooks/images/drawing_pad.png: what a reader of the
book, where no kernel runs, sees instead of the live widget. Needs the trained model
(notebooks/models/mnist_convnet.keras: run notebook 3 first) and Chromium
(`apt-get install -y chromium`). The notebook itself is not changed (autosave is off).
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from browser_helpers import ROOT, draw_with_mouse, jupyterlab, launch_chromium, pad_canvas, run_all_cells

NOTEBOOK = "notebooks/09_draw_your_own_digit.ipynb"
MODEL = ROOT / "notebooks" / "models" / "mnist_convnet.keras"
PICTURE = ROOT / "notebooks" / "images" / "drawing_pad.png"
# A 7 drawn in one stroke, as fractions of the canvas: the bar from left to right, then down.
SEVEN = [(0.22 + 0.028 * i, 0.22) for i in range(21)] + [
    (0.78 - 0.017 * i, 0.22 + 0.031 * i) for i in range(1, 21)
]


def main() -> int:
    from PIL import Image
    from playwright.sync_api import expect, sync_playwright

    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run notebooks/03_prepare_mnist_and_train.ipynb first")
        return 1
    committed = (ROOT / NOTEBOOK).read_bytes()
    with (
        tempfile.TemporaryDirectory() as workdir,
        jupyterlab(Path(workdir)) as (url, token),
        sync_playwright() as p,
    ):
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.set_default_timeout(60_000)
            run_all_cells(page, url, token, NOTEBOOK)
            _, box = pad_canvas(page)
            draw_with_mouse(page, SEVEN, box)
            prediction = page.locator(".drawing-pad .prediction")
            # While the pen moves the pad answers partial strokes: wait for the answer to the whole 7.
            expect(prediction).to_contain_text("The network reads a 7 (", timeout=60_000)
            page.wait_for_timeout(1_000)  # the bars' transition
            png = page.locator(".drawing-pad").screenshot()
            answer = prediction.inner_text()
        finally:
            browser.close()
    if (ROOT / NOTEBOOK).read_bytes() != committed:
        (ROOT / NOTEBOOK).write_bytes(committed)
        print(f"JupyterLab saved over {NOTEBOOK} although autosave was off: restored")
    # A palette of 64 colours keeps the picture small (it is black, white and grey, and the bars).
    picture = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64)
    PICTURE.parent.mkdir(parents=True, exist_ok=True)
    picture.save(PICTURE, optimize=True)
    print(
        f"saved {PICTURE.relative_to(ROOT)} ({picture.width}×{picture.height}, {PICTURE.stat().st_size / 1024:.0f} KB): {answer}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
