"""Time each notebook and measure its kernel's peak memory; publish the numbers.

Measure (from the repository's root; nothing else should be running):

    .venv/bin/python scripts/benchmark_notebooks.py --cpus 2 --out benchmarks/cpu2.json [--save]
    .venv/bin/python scripts/benchmark_notebooks.py --cpus 1 --out benchmarks/cpu1.json notebooks/03_*.ipynb

Publish what was measured (README table and each notebook's "**Runs in**" line):

    .venv/bin/python scripts/benchmark_notebooks.py --publish

Notebooks run in order, in a fresh kernel each, in their own folder (so notebook 04 finds the
model notebook 03 saved), as a reader would run them; the files are not modified. ``--cpus N``
pins the run to N CPU cores (``--cpus 1`` is Binder's share). Peak memory is the kernel's
largest resident set size, sampled every 50 ms. This is a measuring tool, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks"
TABLE_START, TABLE_END = "<!-- benchmark table: start -->", "<!-- benchmark table: end -->"


class PeakMemory:
    """Samples a process's resident memory in a background thread and keeps the maximum."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._thread.start()

    def _sample(self, interval: float) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def measure(path: Path, save: bool = False) -> dict[str, float | str]:
    """Run one notebook top to bottom; return its wall time and its kernel's peak memory.

    With ``save``, the notebook is written back with the outputs of this run (like
    ``jupyter nbconvert --execute --inplace``), so committed outputs and timings match."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=3600, record_timing=False, resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    with client.setup_kernel():
        memory = PeakMemory(client.km.provisioner.process.pid)
        for index, cell in enumerate(client.nb.cells):
            client.execute_cell(cell, index)
        peak = memory.stop()
    if save:
        nbformat.write(client.nb, path)
    return {
        "notebook": path.name,
        "seconds": round(time.perf_counter() - start, 1),
        "peak_mb": round(peak / 2**20),
    }


def machine() -> str:
    model = ""
    if Path("/proc/cpuinfo").exists():
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        model = found[1].strip() if found else ""
    return (
        f"{model or platform.machine()}, {psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.system()}"
    )


def publish() -> None:
    """Write the measured numbers into the README's table and the notebooks' headers."""
    runs = {int(p.stem.removeprefix("cpu")): json.loads(p.read_text()) for p in RESULTS.glob("cpu*.json")}
    if 2 not in runs:
        raise SystemExit("No benchmarks/cpu2.json: measure with --cpus 2 first.")
    by_cpus = {cpus: {row["notebook"]: row for row in run["results"]} for cpus, run in runs.items()}
    one_core = by_cpus.get(1, {})

    lines = [
        f"Measured with `scripts/benchmark_notebooks.py` on {runs[2]['machine']}, CPU only, "
        "each notebook in a fresh kernel; the one-core column is pinned to a single core, "
        "like Binder's share." + "".join(f" {run['note']}" for run in runs.values() if run.get("note")),
        "",
        "| notebook | 2 CPU cores | 1 CPU core | kernel peak memory |",
        "|---|---:|---:|---:|",
    ]
    for name, row in by_cpus[2].items():
        single = f"{one_core[name]['seconds']:.0f} s" if name in one_core else "not measured"
        peak = max(row["peak_mb"], one_core.get(name, {}).get("peak_mb", 0))
        lines.append(f"| `{name}` | {row['seconds']:.0f} s | {single} | {peak / 1024:.2f} GiB |")
        update_header(ROOT / "notebooks" / name, row, one_core.get(name))

    readme = ROOT / "README.md"
    text = readme.read_text()
    if TABLE_START not in text:
        raise SystemExit(f"README.md has no {TABLE_START!r} marker")
    head, rest = text.split(TABLE_START)
    readme.write_text(
        head + TABLE_START + "\n" + "\n".join(lines) + "\n" + TABLE_END + rest.split(TABLE_END)[1]
    )


def update_header(path: Path, two: dict, one: dict | None) -> None:
    """Rewrite the "**Runs in** …" line of a notebook's first cell; outputs are untouched."""
    notebook = nbformat.read(path, as_version=4)
    title = notebook.cells[0]
    line = f"**Runs in** about {two['seconds']:.0f} s on 2 CPU cores"
    line += f", {one['seconds']:.0f} s on one (as on Binder)" if one else ""
    line += f"; peak memory {max(two['peak_mb'], (one or {}).get('peak_mb', 0)) / 1024:.1f} GiB."
    new_source, count = re.subn(r"^\*\*Runs in\*\*[^\n]*$", line, title.source, flags=re.M)
    if count != 1:
        raise SystemExit(f"{path.name}: its first cell has no line starting with **Runs in**")
    if new_source != title.source:
        title.source = new_source
        nbformat.write(notebook, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/NN_*.ipynb")
    parser.add_argument("--cpus", type=int, help="pin the run to this many CPU cores")
    parser.add_argument("--out", type=Path, help="write the results here (JSON)")
    parser.add_argument(
        "--save", action="store_true", help="write each notebook back with this run's outputs"
    )
    parser.add_argument("--note", default="", help="conditions worth recording, e.g. other jobs running")
    parser.add_argument("--publish", action="store_true", help="update README and headers from benchmarks/")
    args = parser.parse_args()
    if args.publish:
        publish()
        return
    if args.cpus:
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cpus])  # kernels inherit it
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows = []
    for path in paths:
        rows.append(measure(path.resolve(), save=args.save))
        print(f"{rows[-1]['notebook']}: {rows[-1]['seconds']} s, peak {rows[-1]['peak_mb']} MB", flush=True)
    if args.out:
        cpus = len(os.sched_getaffinity(0))
        args.out.parent.mkdir(exist_ok=True)
        record = {"machine": machine(), "cpus": cpus, "note": args.note, "results": rows}
        args.out.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
