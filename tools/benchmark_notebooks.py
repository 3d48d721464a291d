"""Time each notebook and measure its memory; merge the numbers into tools/timings/ and publish them.

To re-run one notebook after changing it, use ``tools/rerun_notebook.py`` (built on this
script): it runs, saves, measures, merges and publishes in one command.

Measure (from the repository's root; nothing else should be running):

    .venv/bin/python tools/benchmark_notebooks.py --cpus 2 --out tools/timings/cpu2.json [--save]
    .venv/bin/python tools/benchmark_notebooks.py --cpus 1 --out tools/timings/cpu1.json notebooks/03_*.ipynb

``tools/timings/cpu2.json`` and ``cpu1.json`` hold the reference machine (the one the committed
outputs and the test tiers come from). Another CPU's 2-core run goes into a file named after its
vector extension, e.g. ``--out tools/timings/cpu2-avx2.json``, and becomes one more column.

``--out`` merges: the rows of the notebooks just measured replace theirs, the other rows stay.
Publish what was measured (README table and each notebook's "**Runs in**" line):

    .venv/bin/python tools/benchmark_notebooks.py --publish

Notebooks run in order, in a fresh kernel each, in their own folder (so notebook 04 finds the
model notebook 03 saved), as a reader would run them; the files are not modified unless
``--save`` is given, which writes them back canonically (nbformat's JSON, cell ids kept).
``--cpus N`` pins the run to N CPU cores (``--cpus 1`` is Binder's share). Memory is sampled
every 50 ms: the kernel's largest resident set size (``peak_mb``), and the largest sum over
the kernel and every process it started, sampled together (``tree_peak_mb``: what a whole
session needs, e.g. notebook 7's timing processes). This is a measuring tool, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "tools" / "timings"
TABLE_START, TABLE_END = "<!-- benchmark table: start -->", "<!-- benchmark table: end -->"
TABLE_PAGE = "CONTRIBUTING.md"  # where the table of every notebook's time and memory is published
Row = dict[str, Any]


class PeakMemory:
    """Samples a process's resident memory, and that of its process tree, in a background
    thread; keeps the largest of each."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0  # the process alone
        self.tree_peak = 0  # the process and all its descendants, summed at the same moment
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._thread.start()

    def _sample(self, interval: float) -> None:
        while not self._stop.is_set():
            try:
                own = self.process.memory_info().rss
                children = self.process.children(recursive=True)
            except psutil.Error:
                return
            tree = own
            for child in children:
                with contextlib.suppress(psutil.Error):  # it ended between listing and reading
                    tree += child.memory_info().rss
            self.peak, self.tree_peak = max(self.peak, own), max(self.tree_peak, tree)
            time.sleep(interval)

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._thread.join()
        return self.peak, self.tree_peak


def write_canonical(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook as nbformat writes it (sorted keys, one-space indent), after normalising
    it (cell ids kept, missing ones added) and dropping per-cell execution timings."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    _, normalized = nbformat.validator.normalize(notebook)
    nbformat.write(nbformat.from_dict(normalized), path)


def measure(path: Path, save: bool = False) -> Row:
    """Run one notebook top to bottom in a fresh kernel; return its wall time and peak memory.

    With ``save``, the notebook is written back with the outputs of this run (like
    ``jupyter nbconvert --execute --inplace``), so committed outputs and timings match."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=7200, record_timing=False, resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    with client.setup_kernel():
        provisioner = client.km.provisioner if client.km else None
        process = getattr(provisioner, "process", None)
        if process is None:
            raise RuntimeError(f"{path.name}: the kernel was not started as a local process")
        memory = PeakMemory(process.pid)
        for index, cell in enumerate(client.nb.cells):
            client.execute_cell(cell, index)
        peak, tree_peak = memory.stop()
    seconds = time.perf_counter() - start
    if save:
        # A live widget (notebook 9's drawing pad) needs its kernel: saved widget state would only
        # be dead weight that static viewers cannot use, so none is kept (the text fallback is).
        client.nb.metadata.pop("widgets", None)
        write_canonical(client.nb, path)
    return {
        "notebook": path.name,
        "seconds": round(seconds, 1),
        "peak_mb": round(peak / 2**20),
        "tree_peak_mb": round(tree_peak / 2**20),
    }


def vector_extensions(cpuinfo: str) -> str:
    """The widest SIMD extension TensorFlow can use on this CPU, from /proc/cpuinfo's flags.

    Example:
        >>> vector_extensions("flags : fpu sse avx avx2 fma")
        'AVX2'
    """
    found = re.search(r"^flags\s*:(.*)$", cpuinfo, flags=re.M)
    flags = set(found[1].split()) if found else set()
    for flag, name in [("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX")]:
        if flag in flags:
            return name
    return ""


def machine() -> str:
    """One line naming the machine, e.g. "Intel Xeon (AVX-512), 24 GiB, Linux"."""
    model, vectors = "", ""
    if Path("/proc/cpuinfo").exists():
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        model, vectors = (found[1].strip() if found else ""), vector_extensions(cpuinfo)
    cpu = (cpu_name(model) or platform.machine()) + (f" ({vectors})" if vectors else "")
    return f"{cpu}, {psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.system()}"


def cpu_name(model: str) -> str:
    """A CPU's model name as a reader says it: "Intel(R) Xeon(R) Processor" is "Intel Xeon"."""
    return " ".join(re.sub(r"\((R|TM)\)|\bProcessor\b|\bCPU\b|@.*|\d+-Core", " ", model).split())


def merge(
    path: Path, rows: list[Row], machine: str, cpus: int, note: str = "", server_mb: int | None = None
) -> dict[str, Any]:
    """Merge freshly measured rows into the results file at ``path``, by notebook name: rows
    for other notebooks are kept, each row records the machine it was measured on, and the rows
    are sorted by notebook. A new ``note`` replaces the file's note. Returns what was written."""
    record: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    if record and record.get("cpus") != cpus:
        raise SystemExit(
            f"{path} holds runs on {record.get('cpus')} CPU cores, not {cpus}: pick another file"
        )
    # rows written before rows named their machine were measured on the file's machine
    by_name = {
        row["notebook"]: {**row, "machine": row.get("machine", record.get("machine"))}
        for row in record.get("results", [])
    }
    for row in rows:
        by_name[row["notebook"]] = {**row, "machine": machine}
    record.update(machine=machine, cpus=cpus, results=[by_name[name] for name in sorted(by_name)])
    if note or "note" not in record:
        record["note"] = note
    if server_mb is not None:  # the Jupyter server's own memory, for a whole session's peak
        record["server_mb"] = server_mb
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
    return record


def publish(root: Path = ROOT) -> None:
    """Write the measured numbers into the README's table and the notebooks' headers."""
    results, notebooks = root / "tools" / "timings", root / "notebooks"
    runs = {int(p.stem.removeprefix("cpu")): json.loads(p.read_text()) for p in results.glob("cpu[0-9].json")}
    others = [json.loads(p.read_text()) for p in sorted(results.glob("cpu2-*.json"))]
    others_by_name = [{row["notebook"]: row for row in other["results"]} for other in others]
    if 2 not in runs:
        raise SystemExit("No tools/timings/cpu2.json: measure with --cpus 2 first.")
    by_cpus = {cpus: {row["notebook"]: row for row in run["results"]} for cpus, run in runs.items()}
    one_core = by_cpus.get(1, {})
    stale = [
        row["notebook"]
        for run in [*runs.values(), *others]
        for row in run["results"]
        if not (notebooks / row["notebook"]).exists()
    ]
    if stale:
        raise SystemExit(f"tools/timings/ has rows for notebooks that no longer exist: {sorted(set(stale))}")

    where = latest = runs[2]["machine"]  # rows measured elsewhere are named
    elsewhere: dict[str, list[str]] = {}
    for run in by_cpus.values():
        for name, row in run.items():
            if row.get("machine", latest) != latest and name not in elsewhere.get(row["machine"], []):
                elsewhere.setdefault(row["machine"], []).append(name)
    for other, names in sorted(elsewhere.items()):
        where += f" ({', '.join(f'`{name}`' for name in sorted(names))} on {other})"
    lines = [
        f"Measured with `tools/benchmark_notebooks.py` on {where}, CPU only, "
        "each notebook in a fresh kernel; the one-core column is pinned to a single core, "
        "like Binder's share; the last column adds the processes the kernel starts and, where it "
        "was measured, the Jupyter server: a whole session's peak, which Binder limits to 2 GiB."
        + "".join(f" {run['note']}" for run in runs.values() if run.get("note"))
        + "".join(f" On {other['machine']}: {other['note']}" for other in others if other.get("note")),
        "",
        "| notebook | "
        + (f"2 cores, {vectors(latest)}" if others else "2 CPU cores")
        + "".join(f" | 2 cores, {vectors(other['machine'])}" for other in others)
        + " | 1 CPU core | kernel peak memory (2 cores) | whole session peak (1 core) |",
        "|---|---:|" + "---:|" * len(others) + "---:|---:|---:|",
    ]
    for name, row in by_cpus[2].items():
        elsewhere_rows = [rows.get(name) for rows in others_by_name]
        single = one_core.get(name)
        peak = row["peak_mb"]
        trees = [r["tree_peak_mb"] for r in (row, single) if r and "tree_peak_mb" in r]
        if single and "tree_peak_mb" in single and "server_mb" in runs[1]:
            trees = [single["tree_peak_mb"] + runs[1]["server_mb"]]  # the session, as on Binder
        lines.append(
            f"| `{name}` | {row['seconds']:.0f} s | "
            + "".join((f"{r['seconds']:.0f} s" if r else "not measured") + " | " for r in elsewhere_rows)
            + (f"{single['seconds']:.0f} s" if single else "not measured")
            + f" | {peak / 1024:.2f} GiB | "
            + (f"{max(trees) / 1024:.2f} GiB" if trees else "not measured")
            + " |"
        )
        on_other_cpus = [
            (cpu_of(other["machine"]), r["seconds"])
            for other, r in zip(others, elsewhere_rows, strict=True)
            if r
        ]
        update_header(
            notebooks / name, row, single, cpu=cpu_of(row.get("machine", latest)), others=on_other_cpus
        )

    page = root / TABLE_PAGE
    text = page.read_text()
    if TABLE_START not in text:
        raise SystemExit(f"{TABLE_PAGE} has no {TABLE_START!r} marker")
    head, rest = text.split(TABLE_START)
    page.write_text(
        head + TABLE_START + "\n" + "\n".join(lines) + "\n" + TABLE_END + rest.split(TABLE_END)[1]
    )


def vectors(machine: str) -> str:
    """The vector extension named in a machine's line, e.g. "AVX2" in "AMD EPYC (AVX2), 24 GiB"."""
    found = re.search(r"\((AVX[^)]*)\)", machine)
    return found[1] if found else machine.split(",")[0]


def cpu_of(machine: str) -> str:
    """The CPU of a machine's line as a reader says it: "Intel Xeon" for "Intel Xeon (AVX-512), 24 GiB"."""
    return re.sub(r"\s*\(AVX[^)]*\)", "", machine.split(",")[0]).strip()


def update_header(
    path: Path, two: Row, one: Row | None, cpu: str = "", others: list[tuple[str, float]] | None = None
) -> None:
    """Rewrite the "**Runs in** …" line of a notebook's first cell; outputs are untouched.

    ``others`` lists (CPU, seconds) for 2-core runs on other CPUs. Peak memory is the whole
    session's where it was measured (the kernel and the processes it started)."""
    notebook = nbformat.read(path, as_version=4)
    title = notebook.cells[0]
    line = f"**Runs in** about {two['seconds']:.0f} s on 2 CPU cores" + (f" ({cpu})" if cpu else "")
    line += "".join(f", {seconds:.0f} s on 2 cores of another {name}" for name, seconds in others or [])
    line += f", {one['seconds']:.0f} s on one (as on Binder)" if one else ""
    peak = max(row.get("tree_peak_mb", row["peak_mb"]) for row in (two, one) if row)
    line += f"; peak memory {peak / 1024:.1f} GiB."
    new_source, count = re.subn(r"^\*\*Runs in\*\*[^\n]*$", line, title.source, flags=re.M)
    if count != 1:
        raise SystemExit(f"{path.name}: its first cell has no line starting with **Runs in**")
    if new_source != title.source:
        title.source = new_source
        write_canonical(notebook, path)


def pin_cpus(cpus: int) -> int:
    """Run this process, and the kernels it starts, on ``cpus`` CPU cores; return the count."""
    available = sorted(os.sched_getaffinity(0))
    if cpus > len(available):
        raise SystemExit(f"Asked for {cpus} CPU cores but only {len(available)} are available here.")
    os.sched_setaffinity(0, available[:cpus])  # kernels inherit it
    return cpus


def run(paths: list[Path], save: bool = False) -> list[Row]:
    """Measure each notebook in turn, printing one line per notebook."""
    rows = []
    for path in paths:
        rows.append(measure(path.resolve(), save=save))
        row = rows[-1]
        print(
            f"{row['notebook']}: {row['seconds']} s, peak {row['peak_mb']} MB "
            f"(with child processes {row['tree_peak_mb']} MB)",
            flush=True,
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/NN_*.ipynb")
    parser.add_argument("--cpus", type=int, help="pin the run to this many CPU cores")
    parser.add_argument("--out", type=Path, help="merge the results into this file (JSON)")
    parser.add_argument(
        "--save", action="store_true", help="write each notebook back with this run's outputs"
    )
    parser.add_argument("--note", default="", help="conditions worth recording, e.g. other jobs running")
    parser.add_argument(
        "--publish",
        action="store_true",
        help="update the table in CONTRIBUTING.md and the notebooks' headers from tools/timings/",
    )
    parser.add_argument(
        "--server-mb", type=int, help="the Jupyter server's measured memory, added for a session's peak"
    )
    args = parser.parse_args()
    if args.publish:
        publish()
        return
    if args.cpus:
        pin_cpus(args.cpus)
    rows = run(args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), save=args.save)
    if args.out:
        merge(args.out, rows, machine(), len(os.sched_getaffinity(0)), args.note, args.server_mb)


if __name__ == "__main__":
    main()
