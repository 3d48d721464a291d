"""Build the tutorial as a static website (a book) from the committed notebooks, without running them.

    python tools/build_book.py            # writes _build/book/; open _build/book/index.html

The pages' sources are laid out in _build/book-src/ as they are in the repository (README.md,
notebooks/, exercises/release/mnist/, docs/instructors.md and docs/classroom.md, with
book/index.md at the top), so every link between them works in the book as on GitHub, and each
chapter's launch buttons point to its notebook's path in the repository. Sphinx then builds
them with the configuration in book/, warnings treated as errors. The notebooks' committed
outputs are used as they are: nbval proves them current. The explainers of notebooks 1, 6 and 9
run in their pages (book/_ext/book_explainers.py), on the shipped model's weights read without
TensorFlow: book/requirements.txt is all the build needs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What the book is made of, as glob patterns relative to the repository's root.
SOURCES = [
    "README.md",
    "notebooks/*.ipynb",
    "notebooks/images/*",
    "exercises/release/mnist/*.ipynb",
    "docs/instructors.md",
    "docs/classroom.md",
]


def stage_sources(stage: Path) -> None:
    """Copy the book's sources into ``stage`` (emptied first), keeping the repository's layout."""
    shutil.rmtree(stage, ignore_errors=True)
    for pattern in SOURCES:
        for source in sorted(ROOT.glob(pattern)):
            target = stage / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for source in (ROOT / "book").glob("*.md"):
        shutil.copy2(source, stage / source.name)


def build(out: Path) -> int:
    """Build the book into ``out``; Sphinx's exit status (0 when there was no warning)."""
    from sphinx.cmd.build import build_main

    stage = out.parent / f"{out.name}-src"
    stage_sources(stage)
    doctrees = out.parent / f"{out.name}-doctrees"
    options = ["-W", "--keep-going", "-q", "-b", "html", "-c", str(ROOT / "book"), "-d", str(doctrees)]
    return build_main([*options, str(stage), str(out)])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "book", help="output folder")
    out = parser.parse_args().out.resolve()
    start = time.perf_counter()
    status = build(out)
    if status == 0:
        pages = [p for p in out.rglob("*.html") if "_static" not in p.relative_to(out).parts]
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        print(
            f"built {out} in {time.perf_counter() - start:.0f} s: {len(pages)} pages, "
            f"{size / 2**20:.1f} MiB; open {out / 'index.html'}"
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
