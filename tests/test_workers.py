"""The root conftest.py's worker groups: what reads notebook 3's model runs after notebook 3.

Two pytest-xdist workers run the suite. Notebook 3 writes notebooks/models/mnist_convnet.keras;
anything that reads that file must be in the same group as notebook 3, so that it never reads a
half-written file and always sees the model the run just trained. These tests find the readers
in the files themselves, so a new notebook or test that reads the model cannot be forgotten.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
assert spec and spec.loader
root_conftest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(root_conftest)


def code_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def reads_the_model(code: str) -> bool:
    """Code that finds the trained model, or opens the notebooks' models/ folder."""
    return bool(re.search(r"trained_model_path|models/|\"models\"", code))


def test_every_notebook_that_uses_the_model_is_grouped_with_notebook_3():
    readers = {f"notebooks/{p.name}" for p in ROOT.glob("notebooks/*.ipynb") if reads_the_model(code_of(p))}
    assert "notebooks/03_prepare_mnist_and_train.ipynb" in readers  # it writes the file
    grouped = {name for name in root_conftest.READS_THE_TRAINED_MODEL if name.startswith("notebooks/")}
    assert readers == grouped


def test_every_test_that_reads_the_model_is_grouped_with_notebook_3():
    exercises_read_it = any(reads_the_model(code_of(p)) for p in ROOT.glob("exercises/source/*/*.ipynb"))
    readers = {"tests/test_exercises.py"} if exercises_read_it else set()
    for path in ROOT.glob("tests/test_*.py"):
        if path.name == Path(__file__).name:
            continue
        text = path.read_text()
        if re.search(r"def \w+\([^)]*\btrained_model_path\b", text) or 'NOTEBOOKS / "models"' in text:
            readers.add(f"tests/{path.name}")
    grouped = {name for name in root_conftest.READS_THE_TRAINED_MODEL if name.startswith("tests/")}
    assert readers == grouped


def test_items_are_grouped_by_file_except_the_models_readers():
    group = root_conftest.worker_group
    assert (
        group("notebooks/07_make_it_train_faster.ipynb::Cell 3") == "notebooks/07_make_it_train_faster.ipynb"
    )
    assert group("utils/data.py::utils.data.load_mnist") == "utils/data.py"
    assert group("tests/test_data.py::test_x[a::b]") == "tests/test_data.py"
    shared = {
        group("notebooks/03_prepare_mnist_and_train.ipynb::Cell 6"),
        group("tests/test_browser.py::test"),
    }
    assert shared == {root_conftest.SHARED_MODEL_GROUP}
