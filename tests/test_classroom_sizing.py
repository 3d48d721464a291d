"""The sizing in docs/classroom.md is what research/classroom/classroom_sizing.py computes from the
measurements, and the class hub's resources (classroom/config.yaml) follow the measurements."""

from __future__ import annotations

import importlib.util
import json

import pytest
import yaml

from support import ROOT

spec = importlib.util.spec_from_file_location(
    "classroom_sizing", ROOT / "research" / "classroom" / "classroom_sizing.py"
)
assert spec is not None and spec.loader is not None
sizing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sizing)

RESULTS = json.loads((ROOT / "research" / "classroom" / "classroom.json").read_text())
VALUES = yaml.safe_load((ROOT / "classroom" / "config.yaml").read_text())


def test_the_guides_tables_are_computed_from_the_committed_measurements():
    guide = (ROOT / "docs" / "classroom.md").read_text()
    assert sizing.published(guide) == sizing.tables(RESULTS, VALUES), (
        "docs/classroom.md's sizing tables are out of date: run `python research/classroom/classroom_sizing.py --publish`"
    )


def test_every_round_was_measured_on_a_hub_that_knew_all_its_settings():
    for measured in RESULTS["rounds"]:
        assert measured["hub_config_warnings"] == []
        assert measured["leftover_processes_killed"] == [], "the hub left processes behind"


@pytest.mark.parametrize(
    "cores, gib, peak, cpu, expected",
    [(2, 8, 1500.0, 150.0, (4, 8)), (16, 64, 1500.0, 150.0, (43, 64)), (4, 16, 4000.0, 600.0, (3, 4))],
)
def test_capacity_is_the_node_divided_by_one_student(cores, gib, peak, cpu, expected):
    assert sizing.capacity(cores, gib, peak, cpu) == expected


def test_per_student_takes_the_largest_peak_and_the_largest_classs_cpu_time():
    rounds = [
        {
            "tensorflow_threads": 1,
            "students": 1,
            "failures": 0,
            "per_student": [{"peak_mb": 900.0, "cpu_seconds": 100.0}],
        },
        {
            "tensorflow_threads": 1,
            "students": 2,
            "failures": 0,
            "per_student": [
                {"peak_mb": 800.0, "cpu_seconds": 120.0},
                {"peak_mb": 850.0, "cpu_seconds": 140.0},
            ],
        },
        {
            "tensorflow_threads": 1,
            "students": 4,
            "failures": 1,
            "per_student": [{"peak_mb": 5000.0, "cpu_seconds": 9.0}],
        },
    ]
    assert sizing.per_student(rounds, 1) == (900.0, 130.0)  # the round with a failure is left out


def test_kubernetes_places_pods_by_their_guarantee_not_by_what_they_use():
    # 300 students asking 1.5 GiB each: (64 GiB - 1 GiB) / 1.5 GiB = 42 per node, so 8 nodes,
    # where the measured peak (1,481 MiB, 43 per node) would have said 7.
    per_node = sizing.pods_per_node(16, 64, sizing.mebibytes("1.5G"), 0.3)
    assert per_node == 42
    assert -(-300 // per_node) == 8
    assert sizing.pods_per_node(16, 64, 512.0, 1.0) == 16  # CPU guarantees can fill a node first


@pytest.mark.parametrize("size", ["1.5GB", "1.5", "G", "lots"])
def test_a_memory_size_that_is_not_jupyterhubs_says_what_to_write(size):
    with pytest.raises(ValueError, match=r"is not a JupyterHub memory size such as 1\.5G"):
        sizing.mebibytes(size)


def test_the_helm_resources_follow_the_measurements():
    singleuser = VALUES["singleuser"]
    threads = singleuser.get("extraEnv", {}).get("TUTORIAL_THREADS", "2")  # 2: utils.setup's default
    measured = [
        r for r in RESULTS["rounds"] if str(r["tensorflow_threads"]) == threads and r["failures"] == 0
    ]
    assert measured, f"no measured round without failures has TUTORIAL_THREADS={threads}"
    peak, cpu_seconds = sizing.per_student(measured, int(threads))
    memory, cpus = sizing.guarantees(VALUES)
    limit = sizing.mebibytes(singleuser["memory"]["limit"])
    assert peak <= memory <= limit, f"measured peak {peak:.0f} MiB, guarantee {memory:.0f}, limit {limit:.0f}"
    # the CPU guarantee lets a whole class run notebook 3 at once and finish within 10 minutes
    assert cpu_seconds / sizing.TARGET_SECONDS <= cpus <= singleuser["cpu"]["limit"]
