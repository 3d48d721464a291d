"""The sizing tables of docs/classroom.md, computed from the hub's measurements.

    python research/classroom/classroom_sizing.py             # reads research/classroom/classroom.json, prints Markdown
    python research/classroom/classroom_sizing.py --publish   # and writes it into docs/classroom.md

It prints every measured round (research/classroom/measure_classroom.py), then, for the shipped
configuration (2 TensorFlow threads per student, no classroom mode), takes the largest memory
one student's server and kernels used (MiB) and the CPU time one student's lesson took
(notebook 3 and exercise 1, CPU-seconds, the mean over the largest class measured, where
students competed for the cores). Then:

- memory: a node holds (its memory - RESERVE_MIB for the system, the hub and the proxy) / the
  peak per student;
- CPU: a node holds as many students as can all start notebook 3 at the same moment and finish
  it within TARGET_SECONDS: cores x TARGET_SECONDS / CPU-seconds per student.

Whichever is smaller is the node's capacity, and says which resource runs out first: what a
server really holds (The Littlest JupyterHub, or any machine).

Kubernetes places a student's pod by its guarantee (its request), not by what it uses: a node
takes as many pods as its allocatable memory and CPU hold guarantees. The last table counts
nodes that way, with the guarantees of classroom/config.yaml and a node's allocatable memory
taken as its memory less RESERVE_MIB (cloud providers often reserve more: then more nodes).
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).with_name("classroom.json")
GUIDE = ROOT / "docs" / "classroom.md"
HELM_VALUES = ROOT / "classroom" / "config.yaml"
START, END = "<!-- sizing tables: start -->", "<!-- sizing tables: end -->"
RESERVE_MIB = 1024  # the operating system, JupyterHub and its proxy (measured: about 200 MiB together)
TARGET_SECONDS = 600  # a whole class runs notebook 3 at once and is done within 10 minutes
NODES = [(2, 8), (4, 16), (8, 32), (16, 64)]  # (cores, GiB)
CLASSES = [30, 100, 300]
KUBERNETES_NODE = (16, 64)  # (cores, GiB): the node the last table counts
# JupyterHub's memory units (KubeSpawner's guarantees): powers of 1024.
UNITS = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def per_student(rounds: list[dict[str, Any]], threads: int) -> tuple[float, float]:
    """(peak MiB, CPU-seconds) for one student in the given mode, from the measured rounds.

    Example:
        >>> rounds = [
        ...     {"tensorflow_threads": 2, "students": 1, "failures": 0,
        ...      "per_student": [{"peak_mb": 1300.0, "cpu_seconds": 190.0}]},
        ...     {"tensorflow_threads": 2, "students": 2, "failures": 0,
        ...      "per_student": [{"peak_mb": 1350.0, "cpu_seconds": 200.0},
        ...                      {"peak_mb": 1340.0, "cpu_seconds": 210.0}]},
        ... ]
        >>> per_student(rounds, 2)
        (1350.0, 205.0)
    """
    mode = [r for r in rounds if r["tensorflow_threads"] == threads and r["failures"] == 0]
    peak = max(s["peak_mb"] for r in mode for s in r["per_student"])
    largest = max(mode, key=lambda r: r["students"])
    cpu = sum(s["cpu_seconds"] for s in largest["per_student"]) / largest["students"]
    return peak, cpu


def capacity(cores: int, gib: int, peak_mib: float, cpu_seconds: float) -> tuple[int, int]:
    """(students by memory, students by CPU) on a node with ``cores`` and ``gib``.

    Example:
        >>> capacity(4, 16, 1400.0, 200.0)
        (10, 12)
    """
    by_memory = math.floor((gib * 1024 - RESERVE_MIB) / peak_mib)
    by_cpu = math.floor(cores * TARGET_SECONDS / cpu_seconds)
    return by_memory, by_cpu


def mebibytes(size: str | float) -> float:
    """A JupyterHub memory size (``"1.5G"``, ``"512M"``, or bytes) in MiB.

    Example:
        >>> mebibytes("1.5G"), mebibytes("512M"), mebibytes(2**30)
        (1536.0, 512.0, 1024.0)
    """
    if isinstance(size, (int, float)):
        return size / 2**20
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([KMGT])", size)
    if match is None:
        raise ValueError(f"{size!r} is not a JupyterHub memory size such as 1.5G or 512M")
    return float(match[1]) * UNITS[match[2]] / 2**20


def guarantees(values: dict[str, Any]) -> tuple[float, float]:
    """(memory MiB, CPUs) that each student's pod asks Kubernetes for, from the Helm values.

    Example:
        >>> guarantees({"singleuser": {"memory": {"guarantee": "1.5G"}, "cpu": {"guarantee": 0.3}}})
        (1536.0, 0.3)
    """
    singleuser = values["singleuser"]
    return mebibytes(singleuser["memory"]["guarantee"]), float(singleuser["cpu"]["guarantee"])


def pods_per_node(cores: int, gib: int, memory_mib: float, cpus: float) -> int:
    """How many students' pods Kubernetes places on a node, by their guarantees.

    Example:
        >>> pods_per_node(16, 64, 1536.0, 0.3)  # (64 GiB - 1 GiB) / 1.5 GiB = 42, 16 / 0.3 = 53
        42
    """
    return min(math.floor((gib * 1024 - RESERVE_MIB) / memory_mib), math.floor(cores / cpus))


def measured(results: dict[str, Any]) -> list[str]:
    """One Markdown table row per measured round: N students at once, in one mode."""
    lines = [
        "| students at once | TensorFlow threads each | time to a running server | notebook 3, per student "
        "| exercise 1 | peak memory per student | machine's memory in use at peak | failures |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["rounds"]:
        students = r["per_student"]
        servers = [s["server_seconds"] for s in students if s["server_seconds"] is not None]
        training = [
            s["training_notebook_seconds"] for s in students if s["training_notebook_seconds"] is not None
        ]
        exercise = [s["exercise_seconds"] for s in students if s["exercise_seconds"] is not None]
        lines.append(
            f"| {r['students']} | {r['tensorflow_threads']} | {spread(servers)} s | {spread(training)} s "
            f"| {spread(exercise)} s | {max(s['peak_mb'] for s in students):,.0f} MiB "
            f"| {r['machine_peak_used_mb'] / 1024:.1f} GiB | {r['failures']} |"
        )
    return lines


def spread(values: list[float]) -> str:
    """A range of measured values, as a table shows it.

    Example:
        >>> spread([101.2, 98.6]), spread([4.8]), spread([])
        ('99–101', '5', '–')
    """
    if not values:
        return "–"
    low, high = round(min(values)), round(max(values))
    return f"{low}" if low == high else f"{low}–{high}"


def tables(results: dict[str, Any], values: dict[str, Any]) -> str:
    """The Markdown tables: what was measured, students per node, and what a class needs.

    ``values`` are the Helm values (classroom/config.yaml), whose guarantees place the pods."""
    lines = [*measured(results), ""]
    threads = 2  # the shipped configuration: TensorFlow's default 2 threads (no classroom mode)
    peak, cpu = per_student(results["rounds"], threads)
    lines += [
        f"Per student, with {threads} TensorFlow threads each: {peak:,.0f} MiB at most and "
        f"{cpu:.0f} CPU-seconds (the mean of the largest class measured).",
        "",
        "| node | students (memory) | students (CPU, all done in 10 min) | runs out first |",
        "|---|---:|---:|---|",
    ]
    for cores, gib in NODES:
        by_memory, by_cpu = capacity(cores, gib, peak, cpu)
        first = "memory" if by_memory < by_cpu else "CPU" if by_cpu < by_memory else "both"
        lines.append(f"| {cores} cores, {gib} GiB | {by_memory} | {by_cpu} | {first} |")
    memory_request, cpu_request = guarantees(values)
    node_cores, node_gib = KUBERNETES_NODE
    per_node = pods_per_node(node_cores, node_gib, memory_request, cpu_request)
    lines += [
        "",
        f"On Kubernetes, with each student's guarantee of {memory_request / 1024:g} GiB and "
        f"{cpu_request:g} CPU (classroom/config.yaml), a node of {node_cores} cores and {node_gib} GiB "
        f"({node_gib * 1024 - RESERVE_MIB:,} MiB allocatable) takes {per_node} students.",
        "",
        "| class | cores (all done in 10 min) | memory (measured peak) "
        f"| Kubernetes nodes of {node_cores} cores, {node_gib} GiB |",
        "|---:|---:|---:|---:|",
    ]
    for students in CLASSES:
        cores = math.ceil(students * cpu / TARGET_SECONDS)
        gib = math.ceil((students * peak + RESERVE_MIB) / 1024)
        lines.append(f"| {students} | {cores} | {gib} GiB | {math.ceil(students / per_node)} |")
    lines.append("")
    return "\n".join(lines).strip()


def published(guide: str) -> str:
    """The tables as docs/classroom.md shows them (between the two markers)."""
    return guide[guide.index(START) + len(START) : guide.index(END)].strip()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--publish", action="store_true", help="write the tables into docs/classroom.md")
    text = tables(json.loads(RESULTS.read_text()), yaml.safe_load(HELM_VALUES.read_text()))
    if parser.parse_args().publish:
        guide = GUIDE.read_text()
        before, after = guide[: guide.index(START) + len(START)], guide[guide.index(END) :]
        GUIDE.write_text(f"{before}\n{text}\n{after}")
    print(text)


if __name__ == "__main__":
    main()
