"""Write every launch button and the Colab set-up from the repository's one address setting.

The public address of this repository is set in exactly one place, ``pyproject.toml``::

    [project.urls]
    Repository = "https://github.com/OWNER/NAME/tree/BRANCH"

From it this script writes, in the README, in every notebook's header and in every exercise:
links that open the notebook in Colab, launch it on Binder and show it on GitHub; and, at the
top of each Setup cell, the few lines that run only on Colab (which opens a notebook alone):
fetch the repository and make its helpers importable, installing nothing Colab already has.
While no address is set there are no buttons and no Colab lines, and the README says how to
turn them on. Usage, from the repository's root:

    python tools/launch_buttons.py                     # rewrite the files from the setting
    python tools/launch_buttons.py --check             # exit 1 if a file is out of date
    python tools/launch_buttons.py --publish https://github.com/OWNER/NAME/tree/main
    python tools/launch_buttons.py --unpublish         # remove the address and every button

After a change to an exercise, regenerate the student copies (see CONTRIBUTING.md).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import nbformat

ROOT = Path(__file__).resolve().parent.parent
README_START, README_END = "<!-- launch buttons: start -->", "<!-- launch buttons: end -->"
BUTTONS_PREFIX = "**Open it in** "
# The Colab-only lines, kept as a Python file of their own so that linters and readers see real code;
# the placeholder line gets this repository's address, branch and the notebook's folder.
COLAB_SETUP = Path(__file__).with_name("colab_setup.py")
COLAB_FIRST_LINE = COLAB_SETUP.read_text().split("\n", 1)[0]
COLAB_PLACEHOLDER = (
    'REPOSITORY = "https://github.com/OWNER/NAME.git"\n    BRANCH = "main"\n    FOLDER = "notebooks"'
)

ADDRESS = re.compile(r"https://github\.com/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+)/tree/(?P<branch>[\w./-]+)")
NOT_PUBLISHED = (
    "*Colab and Binder:* launch buttons appear here, on every notebook and on every exercise once "
    "this repository's public address is set: put it in `pyproject.toml` as "
    '`[project.urls] Repository = "https://github.com/OWNER/NAME/tree/BRANCH"` and run '
    "`python tools/launch_buttons.py` (details in [CONTRIBUTING.md](CONTRIBUTING.md))."
)


@dataclass(frozen=True)
class Address:
    """Where the repository is published: ``github.com/owner/name``, on ``branch``."""

    owner: str
    name: str
    branch: str

    @classmethod
    def parse(cls, url: str) -> Address:
        found = ADDRESS.fullmatch(url.strip().rstrip("/"))
        if not found:
            raise SystemExit(f"{url!r} is not of the form https://github.com/OWNER/NAME/tree/BRANCH")
        return cls(found["owner"], found["name"], found["branch"])

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}/tree/{self.branch}"

    def buttons(self, path: str) -> str:
        """Markdown links that open the file at ``path`` (relative to the root) in each place."""
        slug = f"{self.owner}/{self.name}"
        return (
            f"[Colab](https://colab.research.google.com/github/{slug}/blob/{self.branch}/{path}) · "
            f"[Binder](https://mybinder.org/v2/gh/{slug}/{self.branch}?labpath={quote(path, safe='')}) · "
            f"[GitHub](https://github.com/{slug}/blob/{self.branch}/{path})"
        )

    def colab_lines(self, folder: str) -> str:
        """The Setup cell's Colab-only lines (tools/colab_setup.py), for a notebook in ``folder``."""
        clone = f"https://github.com/{self.owner}/{self.name}.git"
        values = f'REPOSITORY = "{clone}"\n    BRANCH = "{self.branch}"\n    FOLDER = "{folder}"'
        template = COLAB_SETUP.read_text()
        assert COLAB_PLACEHOLDER in template, f"{COLAB_SETUP} lost its placeholder lines"
        return template.replace(COLAB_PLACEHOLDER, values, 1) + "\n"


def read_address(pyproject: Path) -> Address | None:
    """The address set in ``[project.urls] Repository``, or ``None`` while it is not set."""
    urls = tomllib.loads(pyproject.read_text())["project"].get("urls", {})
    return Address.parse(urls["Repository"]) if urls.get("Repository") else None


def write_address(pyproject: Path, address: Address | None) -> None:
    """Set (or, with ``None``, remove) the ``[project.urls]`` table of ``pyproject.toml``."""
    text = re.sub(r"\n\[project\.urls\]\n(?:[^\[\n][^\n]*\n)*", "", pyproject.read_text())
    if address is not None:
        table = f'\n[project.urls]\nRepository = "{address.url}"\n'
        text = text.replace("\n[tool.setuptools", table + "\n[tool.setuptools", 1)
    pyproject.write_text(text)


def notebooks(root: Path) -> list[Path]:
    """Every notebook a reader opens: the tutorial's, and the exercises' sources."""
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
        (root / "exercises" / "source").glob("*/*.ipynb")
    )


def student_path(root: Path, notebook: Path) -> str:
    """Where a reader opens ``notebook``: exercises are opened as their student copy."""
    relative = notebook.relative_to(root).as_posix()
    return relative.replace("exercises/source/", "exercises/release/", 1)


def with_buttons(header: str, buttons: str | None) -> str:
    """The header cell's text with its line of launch buttons replaced, added or removed."""
    lines = [line for line in header.split("\n") if not line.startswith(BUTTONS_PREFIX)]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip("\n")
    return f"{text}\n\n{BUTTONS_PREFIX}{buttons}" if buttons else text


def with_colab_lines(setup: str, colab: str | None) -> str:
    """The Setup cell's code with its Colab-only lines replaced, added or removed."""
    if setup.startswith(COLAB_FIRST_LINE):
        setup = setup[setup.index("\nfrom utils.") + 1 :]
    return (colab or "") + setup


def update_notebook(root: Path, path: Path, address: Address | None) -> bool:
    """Rewrite one notebook's buttons and Colab lines; return whether anything changed."""
    notebook = nbformat.read(path, as_version=4)
    header = notebook.cells[0]
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    if not setup.source.startswith((COLAB_FIRST_LINE, "from utils.")):
        raise SystemExit(f"{path}: its first code cell should start with the Setup's `from utils.` import")
    folder = student_path(root, path.parent)
    new_header = with_buttons(header.source, address.buttons(student_path(root, path)) if address else None)
    new_setup = with_colab_lines(setup.source, address.colab_lines(folder) if address else None)
    if (new_header, new_setup) == (header.source, setup.source):
        return False
    header.source, setup.source = new_header, new_setup
    nbformat.write(notebook, path)
    return True


def readme_block(address: Address | None) -> str:
    if address is None:
        return NOT_PUBLISHED
    first = "notebooks/01_build_the_convnet_base.ipynb"
    return (
        f"{BUTTONS_PREFIX}{address.buttons(first)}: the first notebook, with nothing to install. "
        "Every notebook and exercise has the same links at its top; on Colab, each one fetches "
        "the rest of the tutorial by itself (its first cell says so)."
    )


def update_readme(readme: Path, address: Address | None) -> bool:
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        raise SystemExit(f"{readme} has no {README_START} … {README_END} markers")
    head, rest = text.split(README_START, 1)
    new = f"{head}{README_START}\n{readme_block(address)}\n{README_END}{rest.split(README_END, 1)[1]}"
    if new == text:
        return False
    readme.write_text(new)
    return True


def update_all(root: Path, address: Address | None) -> list[Path]:
    """Bring every file in line with ``address``; return the files that changed."""
    changed = [path for path in notebooks(root) if update_notebook(root, path, address)]
    if update_readme(root / "README.md", address):
        changed.append(root / "README.md")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="only report files that are out of date")
    group.add_argument("--publish", metavar="URL", help="set the address, then rewrite the files")
    group.add_argument("--unpublish", action="store_true", help="remove the address and every button")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pyproject = args.root / "pyproject.toml"
    if args.publish or args.unpublish:
        write_address(pyproject, Address.parse(args.publish) if args.publish else None)
    address = read_address(pyproject)
    if args.check:
        before = {path: path.read_bytes() for path in [*notebooks(args.root), args.root / "README.md"]}
        changed = update_all(args.root, address)
        for path in changed:  # put them back: --check only reports
            path.write_bytes(before[path])
        for path in changed:
            print(f"{path.relative_to(args.root)} does not match the address setting", file=sys.stderr)
        return 1 if changed else 0
    changed = update_all(args.root, address)
    where = address.url if address else "not set (no buttons)"
    print(f"Address: {where}; {len(changed)} file(s) updated.")
    if any("exercises" in path.parts for path in changed):
        print("Exercises changed: regenerate the student copies (see CONTRIBUTING.md).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
