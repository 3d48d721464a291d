"""The sizing in docs/classroom.md is what research/classroom/classroom_sizing.py computes from the measurements."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "classroom_sizing", ROOT / "research" / "classroom" / "classroom_sizing.py"
)
assert spec is not None and spec.loader is not None
sizing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sizing)

RESULTS = json.loads((ROOT / "research" / "classroom" / "classroom.json").read_text())


def test_the_guides_tables_are_computed_from_the_committed_measurements():
    guide = (ROOT / "docs" / "classroom.md").read_text()
    assert sizing.published(guide) == sizing.tables(RESULTS), (
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
