"""Re-run notebooks after changing them: one command does every step.

    .venv/bin/python tools/rerun_notebook.py notebooks/07_make_it_train_faster.ipynb

For each notebook given, in order: execute it top to bottom in a fresh kernel in its own
folder, pinned to 2 CPU cores (``--cpus``); write it back with this run's outputs, canonically
(nbformat's JSON, cell ids kept, no execution timings); merge its time and memory into
``tools/timings/cpu2.json`` by notebook name (the other notebooks' rows stay). Then refresh the
table in CONTRIBUTING.md and every measured notebook's "**Runs in**" line. Run it with nothing else busy
on the machine: the times are published. ``--no-publish`` stops after the merge.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from benchmark_notebooks import RESULTS, machine, merge, pin_cpus, publish, run


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="e.g. notebooks/07_*.ipynb")
    parser.add_argument("--cpus", type=int, default=2, help="CPU cores to pin the run to (default: 2)")
    parser.add_argument("--note", default="", help="conditions worth recording in tools/timings/")
    parser.add_argument(
        "--no-publish", action="store_true", help="leave the published table and the headers alone"
    )
    args = parser.parse_args()
    missing = [str(path) for path in args.notebooks if not path.is_file()]
    if missing:
        raise SystemExit(f"No such notebook: {', '.join(missing)}")
    cpus = pin_cpus(args.cpus)
    rows = run(args.notebooks, save=True)
    merge(RESULTS / f"cpu{cpus}.json", rows, machine(), len(os.sched_getaffinity(0)), args.note)
    if not args.no_publish:
        publish()
    print(f"Saved {len(rows)} notebook(s), merged into tools/timings/cpu{cpus}.json; review with git diff.")


if __name__ == "__main__":
    main()
