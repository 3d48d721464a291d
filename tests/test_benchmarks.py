"""Tests for tools/benchmark_notebooks.py, the engine of tools/rerun_notebook.py: merging one
notebook's measurement keeps the other rows, publishing writes the table (CONTRIBUTING.md) and the headers,
and a real run on a tiny notebook saves it canonically and measures its process tree."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from support import TOOLS, python
from tools import benchmark_notebooks as bench


def row(name, seconds, peak=1000, tree=None):
    return {"notebook": name, "seconds": seconds, "peak_mb": peak, "tree_peak_mb": tree or peak}


def write_notebook(path, *sources, title="# A notebook\n\n**Runs in** about 1 s on 2 CPU cores."):
    notebook = new_notebook(cells=[new_markdown_cell(title), *(new_code_cell(s) for s in sources)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_merging_one_notebook_keeps_the_other_rows(tmp_path):
    results = tmp_path / "cpu2.json"
    bench.merge(
        results,
        [row("01_a.ipynb", 4.0), row("07_b.ipynb", 200.0), row("09_c.ipynb", 10.0)],
        "Old CPU",
        2,
        "A note.",
    )
    record = bench.merge(results, [row("07_b.ipynb", 150.0, tree=2500)], "New CPU (AVX2)", 2)
    assert record == json.loads(results.read_text())
    assert [(r["notebook"], r["seconds"], r["machine"]) for r in record["results"]] == [
        ("01_a.ipynb", 4.0, "Old CPU"),
        ("07_b.ipynb", 150.0, "New CPU (AVX2)"),
        ("09_c.ipynb", 10.0, "Old CPU"),
    ]
    assert record["results"][1]["tree_peak_mb"] == 2500
    assert record["note"] == "A note.", "an empty note keeps the file's note"
    assert bench.merge(results, [], "New CPU", 2, "Re-measured.")["note"] == "Re-measured."
    with pytest.raises(SystemExit, match="holds runs on 2 CPU cores, not 1"):
        bench.merge(results, [row("01_a.ipynb", 8.0)], "New CPU", 1)


def test_rows_from_before_the_merge_keep_the_machine_they_were_measured_on(tmp_path):
    results = tmp_path / "cpu2.json"
    old_format = {
        "machine": "AMD EPYC, 24 GiB, Linux",
        "cpus": 2,
        "note": "",
        "results": [row("01_a.ipynb", 4.3)],
    }
    results.write_text(json.dumps(old_format))
    record = bench.merge(results, [row("02_b.ipynb", 4.4)], "Intel Xeon (AVX-512), 16 GiB, Linux", 2)
    assert [r["machine"] for r in record["results"]] == [
        "AMD EPYC, 24 GiB, Linux",
        "Intel Xeon (AVX-512), 16 GiB, Linux",
    ]


def test_merging_into_a_missing_file_creates_it(tmp_path):
    record = bench.merge(tmp_path / "new" / "cpu1.json", [row("03_x.ipynb", 170.0)], "CPU", 1)
    assert record["cpus"] == 1 and [r["notebook"] for r in record["results"]] == ["03_x.ipynb"]


def test_publishing_after_a_merge_keeps_every_row_of_the_table(tmp_path):
    (tmp_path / "notebooks").mkdir()
    for name in ("01_a.ipynb", "07_b.ipynb"):
        write_notebook(tmp_path / "notebooks" / name, "1 + 1")
    (tmp_path / "CONTRIBUTING.md").write_text(
        f"# Intro\n\n{bench.TABLE_START}\nold table\n{bench.TABLE_END}\n\nThe end.\n"
    )
    results = tmp_path / "tools" / "timings"
    bench.merge(
        results / "cpu2.json", [row("01_a.ipynb", 4.2, 600), row("07_b.ipynb", 200.0, 2000)], "CPU", 2
    )
    bench.merge(results / "cpu1.json", [row("07_b.ipynb", 390.0, 1700, tree=1800)], "CPU", 1, server_mb=100)
    bench.merge(results / "cpu2.json", [row("07_b.ipynb", 150.4, 2048, tree=3072)], "New CPU", 2)
    bench.publish(tmp_path)

    page = (tmp_path / "CONTRIBUTING.md").read_text()
    assert page.startswith("# Intro\n\n") and page.endswith("\n\nThe end.\n") and "old table" not in page
    assert "| `01_a.ipynb` | 4 s | not measured | 0.59 GiB | 0.59 GiB |" in page
    # the whole session: the one-core run's kernel and children, plus the Jupyter server
    assert "| `07_b.ipynb` | 150 s | 390 s | 2.00 GiB | 1.86 GiB |" in page
    assert (
        "Measured with `tools/benchmark_notebooks.py` on New CPU (`01_a.ipynb`, `07_b.ipynb` on CPU)," in page
    )
    header = nbformat.read(tmp_path / "notebooks" / "07_b.ipynb", as_version=4).cells[0].source
    # the header's peak is the whole session's: the kernel and the processes it started
    assert (
        "**Runs in** about 150 s on 2 CPU cores (New CPU), 390 s on one (as on Binder); peak memory 3.0 GiB."
        in header
    )


def test_another_cpus_run_becomes_a_column_and_a_clause_of_the_header(tmp_path):
    (tmp_path / "notebooks").mkdir()
    for name in ("01_a.ipynb", "08_c.ipynb"):
        write_notebook(tmp_path / "notebooks" / name, "1 + 1")
    (tmp_path / "CONTRIBUTING.md").write_text(f"{bench.TABLE_START}\n{bench.TABLE_END}\n")
    results = tmp_path / "tools" / "timings"
    fast, slow = "AMD EPYC (AVX-512), 24 GiB, Linux", "AMD EPYC (AVX2), 24 GiB, Linux"
    bench.merge(results / "cpu2.json", [row("01_a.ipynb", 4.2), row("08_c.ipynb", 271.0)], fast, 2)
    bench.merge(results / "cpu2-avx2.json", [row("08_c.ipynb", 702.4)], slow, 2, note="2 idle cores.")
    bench.publish(tmp_path)

    page = (tmp_path / "CONTRIBUTING.md").read_text()
    assert "| notebook | 2 cores, AVX-512 | 2 cores, AVX2 | 1 CPU core |" in page
    assert "| `08_c.ipynb` | 271 s | 702 s | not measured |" in page
    assert "| `01_a.ipynb` | 4 s | not measured | not measured |" in page
    assert "On AMD EPYC (AVX2), 24 GiB, Linux: 2 idle cores." in page
    header = nbformat.read(tmp_path / "notebooks" / "08_c.ipynb", as_version=4).cells[0].source
    assert "about 271 s on 2 CPU cores (AMD EPYC), 702 s on 2 cores of another AMD EPYC; peak" in header


def test_publishing_refuses_rows_for_deleted_notebooks(tmp_path):
    (tmp_path / "notebooks").mkdir()
    bench.merge(tmp_path / "tools" / "timings" / "cpu2.json", [row("05_gone.ipynb", 50.0)], "CPU", 2)
    with pytest.raises(SystemExit, match=r"no longer exist: \['05_gone.ipynb'\]"):
        bench.publish(tmp_path)


@pytest.mark.parametrize(
    "model, expected",
    [
        ("Intel(R) Xeon(R) Processor", "Intel Xeon"),
        ("AMD EPYC 9R14 96-Core Processor", "AMD EPYC 9R14"),
        ("Intel(R) Core(TM) i7-8550U CPU @ 1.80GHz", "Intel Core i7-8550U"),
    ],
)
def test_cpu_names_read_as_a_person_says_them(model, expected):
    assert bench.cpu_name(model) == expected
    assert bench.machine().count(",") == 2


@pytest.mark.parametrize(
    "flags, expected",
    [("fpu sse avx avx2 fma", "AVX2"), ("avx avx2 avx512f avx512bw", "AVX-512"), ("fpu sse sse2", "")],
)
def test_vector_extensions_reads_the_widest_from_cpuinfo(flags, expected):
    assert bench.vector_extensions(f"processor : 0\nflags\t\t: {flags}\n") == expected


def test_a_run_saves_the_notebook_canonically_and_counts_its_child_processes(tmp_path):
    child = (
        "import subprocess, sys\n"
        "code = 'import time; block = bytearray(300 * 2**20); time.sleep(1.5)'\n"
        "subprocess.run([sys.executable, '-c', code], check=True)"
    )
    path = write_notebook(tmp_path / "01_tiny.ipynb", "print(6 * 7)", child)
    ids = [cell.id for cell in nbformat.read(path, as_version=4).cells]
    [measured] = bench.run([path], save=True)

    assert measured["notebook"] == "01_tiny.ipynb" and 0 < measured["seconds"] < 120
    assert measured["tree_peak_mb"] - measured["peak_mb"] >= 250, "the child's 300 MB are counted"
    saved = nbformat.read(path, as_version=4)
    assert [cell.id for cell in saved.cells] == ids
    assert saved.cells[1].outputs[0].text == "42\n" and saved.cells[1].execution_count == 1
    assert path.read_text() == nbformat.writes(saved) + "\n", "written as nbformat writes it"
    assert all("execution" not in cell.metadata for cell in saved.cells)


def test_rerun_notebook_says_which_notebook_is_missing(tmp_path):
    result = python(TOOLS / "rerun_notebook.py", tmp_path / "99_none.ipynb", timeout=120, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == f"No such notebook: {tmp_path / '99_none.ipynb'}"
