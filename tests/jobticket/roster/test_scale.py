"""Company scale, in what a test can see without timing anything (the figures are in docs/benchmarks.md).

The planner keeps what it compares, never an employee model beyond its page; a roster is validated
without being copied; a saved plan of a 2,000-employee integration with 1 % changes stays under 100 bytes
per employee; and plan and apply each list the company once (test_workflow counts the requests).
"""

from __future__ import annotations

import datetime
import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

from jobticket import validate_roster
from jobticket._hr_sync import plan_sync
from jobticket.roster import RosterPlan
from jobticket.roster._guards import IntegrationCheck
from jobticket_api.models import Employee

from ..fakes import employee_json

TODAY = datetime.date(2026, 5, 13)
SIZE = 2_000


def company(size: int, seen: list[weakref.ref[Employee]]) -> Iterator[Employee]:
    """``size`` employees linked to integration 7, made one by one as a listing's pages stream by."""
    for n in range(1, size + 1):
        employee = Employee.from_dict(employee_json(n, links=[(7, f"H{n}")]))
        seen.append(weakref.ref(employee))
        yield employee


def roster(size: int) -> list[dict[str, str]]:
    """The month after: 1 % left, 1 % renamed, 1 % new."""
    rows = [
        {"firstName": "Anna", "lastName": "Müller", "email": f"person{n}@example.com", "hrId": f"H{n}"}
        for n in range(1, size + 1 - size // 100)
    ]
    for row in rows[: size // 100]:
        row["lastName"] = "Meier"
    return rows + [
        {"firstName": "Neu", "lastName": f"N{n}", "email": f"neu{n}@example.org", "hrId": f"N{n}"}
        for n in range(size // 100)
    ]


def test_the_planner_keeps_no_employee_model_and_validation_copies_no_row() -> None:
    rows = roster(SIZE)
    assert all(a is b for a, b in zip(validate_roster(rows), rows, strict=True))
    seen: list[weakref.ref[Employee]] = []
    plan = plan_sync(7, rows, company(SIZE, seen), today=TODAY)
    gc.collect()
    assert len(seen) == SIZE
    assert [ref for ref in seen if ref() is not None] == []
    assert (len(plan.created), len(plan.updated), len(plan.offboarded)) == (20, 20, 20)
    assert len(plan.state) == SIZE


def test_a_saved_plan_holds_under_100_bytes_per_employee(tmp_path: Path) -> None:
    rows = roster(SIZE)
    plan = plan_sync(7, rows, company(SIZE, []), today=TODAY)
    planned_at = datetime.datetime(2026, 5, 13, tzinfo=datetime.UTC)
    saved = RosterPlan(
        "http://127.0.0.1:1", 7, "sync-size", planned_at, rows, plan, source="roster.csv",
        lines=tuple(range(2, len(rows) + 2)), integration=IntegrationCheck(True, "HR", "active"),
    )  # fmt: skip
    saved.save(tmp_path / "roster.plan.json")
    size = (tmp_path / "roster.plan.json").stat().st_size
    assert size < 100 * SIZE, size
    loaded = RosterPlan.load(tmp_path / "roster.plan.json")
    assert loaded.plan.employees == plan.employees
    assert loaded.plan.state_fingerprint == plan.state_fingerprint
    assert dict(loaded.plan.state) == dict(plan.state)
