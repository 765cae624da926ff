"""scripts/bench-roster runs end to end on a small integration and prints its figures (not asserted on)."""

from __future__ import annotations

import datetime
import re

import pytest

from jobticket_kit.bench import roster as bench_roster
from jobticket_kit.cli import main as kit


@pytest.mark.slow
def test_plan_and_apply_each_list_the_company_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert kit(["bench", "roster", "--employees", "200"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("an interpreter with the client and the command line loaded: ")
    lines = lines[1:]
    assert lines[1].startswith(
        "200 employees in the integration, 450 in the company; roster of 248 rows and 6 absences:"
    )
    assert "create 50, update 20, offboard 2, scheduled 0, unchanged 178" in lines[1]
    figures = r"CPU \d+\.\d s; peak memory \d+ MB \(\d+\.\d\d KB per employee\)"
    assert re.match(rf"  plan : exit 0; {figures}; 6 requests \(6 GET\); .*; plan file ", lines[2])
    assert re.match(rf"  apply: exit 0; {figures}; 11 requests \(10 GET \+ 1 POST\); ", lines[3])  # read-back
    assert "one full listing" in lines[4]


def test_the_hr_roster_has_leavers_hires_and_changed_names() -> None:
    rows = bench_roster.hr_roster(1000)
    assert len(rows) == 1000 - 10 + 50
    assert sum(row["lastName"].endswith("-Neu") for row in rows) == 20
    assert len({row["hrId"] for row in rows}) == len(rows)


def test_three_in_a_hundred_are_absent_a_third_of_them_without_an_end() -> None:
    rows = bench_roster.hr_roster(990)[:990]
    absences = bench_roster.hr_absences(rows, datetime.date(2026, 5, 13))
    assert len(absences) == 30
    assert absences[0] == [rows[0]["hrId"], "14.03.2026", "", "Elternzeit"]
    assert absences[1] == [rows[33]["hrId"], "11.05.2026", "18.05.2026", "Krankheit"]
    assert sum(1 for absence in absences if absence[2] == "") == 10
