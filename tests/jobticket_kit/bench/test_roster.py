"""scripts/bench-roster runs end to end on a small integration and prints its request counts (no timing)."""

from __future__ import annotations

import pytest

from jobticket_kit.bench import roster as bench_roster
from jobticket_kit.cli import main as kit


def test_plan_and_apply_each_list_the_company_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert kit(["bench", "roster", "--employees", "200"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("roster benchmark: integration of 200 active employees in a company of 450;")
    assert "create 50, update 20, unchanged 178, offboard 2" in lines[0]
    assert lines[1].startswith("plan : 5 requests (5 GET); ")
    assert lines[2].startswith("apply: 6 requests (5 GET + 1 POST); ")
    assert "needs one full listing" in lines[3]


def test_the_hr_roster_has_leavers_hires_and_changed_names() -> None:
    rows = bench_roster.hr_roster(1000)
    assert len(rows) == 1000 - 10 + 50
    assert sum(row["lastName"].endswith("-Neu") for row in rows) == 20
    assert len({row["hrId"] for row in rows}) == len(rows)
