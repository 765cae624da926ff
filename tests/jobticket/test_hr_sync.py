"""The guarded HR sync: validation naming row and field, a dry-run plan, and refusal of risky rosters."""

from __future__ import annotations

import asyncio
import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

import pytest

from jobticket import FakeClock, RosterError, SyncIncidentError, SyncRefusedError, validate_roster
from jobticket._read_back import Before, compare_with_plan
from jobticket.hr_sync import GuardCheck, SyncPlan
from jobticket_api.models import Absence, HrSyncEmployee

from .fakes import BASE_URL, FakeEmployeesApi, employee_json, make_async_client, make_client

INTEGRATION = 7


def person(n: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "firstName": "Anna",
        "lastName": "Müller",
        "email": f"person{n}@example.com",
        "hrId": f"HR{n:03d}",
        "dateOfBirth": "1990-04-15",
        "profileImage": None,
    }
    row.update(changes)
    return row


def company(linked: int = 10, unlinked: int = 3) -> FakeEmployeesApi:
    """``linked`` employees linked to integration 7 (ids 1..linked), then ``unlinked`` ones."""
    employees = [
        employee_json(i, email=f"person{i}@example.com", links=[(INTEGRATION, f"HR{i:03d}")])
        for i in range(1, linked + 1)
    ]
    employees += [employee_json(100 + i, email=f"other{i}@example.com") for i in range(unlinked)]
    return FakeEmployeesApi(employees)


def problems(roster: list[Any]) -> list[str]:
    with pytest.raises(RosterError) as raised:
        validate_roster(roster)
    return [str(p) for p in raised.value.problems]


# -- validation --------------------------------------------------------------------------------------


def test_duplicates_are_named_by_row_and_field() -> None:
    roster = [
        person(1),
        person(2),
        person(3),
        person(4, email="PERSON2@example.com"),
        person(5, hrId="HR001"),
    ]
    assert problems(roster) == [
        "employees[4].hrId: duplicate of employees[0].hrId",
        "employees[3].email: duplicate of employees[1].email (case-insensitive)",
    ]


def test_required_fields_dates_and_types() -> None:
    roster = [
        {"lastName": "X", "email": "x@example.com", "hrId": "H1"},
        person(2, email="not-an-email", firstName="  "),
        person(3, dateOfBirth="15.04.1990", startDate="2024-02-30"),
        person(4, startDate="2024-05-01", terminationDate="2024-04-30"),
        person(
            5,
            autoSyncEmployee="yes",
            absences=[{"endDate": "2024-01-01"}, {"startDate": "2024-02-02", "endDate": "2024-02-01"}],
        ),
        person(6, hrId=7),
    ]
    assert problems(roster) == [
        "employees[0].firstName: is required",
        "employees[1].firstName: must be a non-empty string",
        "employees[1].email: is not a valid email address",
        "employees[2].dateOfBirth: must be a date YYYY-MM-DD or null",
        "employees[2].startDate: must be a date YYYY-MM-DD or null",
        "employees[3].terminationDate: must not be before startDate",
        "employees[4].autoSyncEmployee: must be true, false or null",
        "employees[4].absences[0].startDate: is required and must be a date YYYY-MM-DD",
        "employees[4].absences[1].endDate: must not be before startDate",
        "employees[5].hrId: must be a non-empty string",
    ]


def test_problems_never_contain_the_values() -> None:
    with pytest.raises(RosterError) as raised:
        validate_roster(
            [person(1, email="secret.person@example.com"), person(2, email="SECRET.person@example.com")]
        )
    assert "secret" not in str(raised.value).lower()


def test_empty_roster_is_refused() -> None:
    assert problems([]) == ["employees: is empty: a sync with no employees would offboard everyone"]


def test_generated_models_are_accepted_and_sent_in_wire_form() -> None:
    model = HrSyncEmployee(
        first_name="Anna",
        last_name="Müller",
        email="anna@example.com",
        hr_id="emp_HR_001",
        start_date=datetime.date(2022, 3, 1),
        absences=[Absence(start_date=datetime.date(2024, 7, 1), end_date=None)],
    )
    rows = validate_roster([model, {**person(2), "startDate": datetime.date(2023, 1, 2)}])
    assert rows[0]["hrId"] == "emp_HR_001"
    assert rows[0]["startDate"] == "2022-03-01"
    assert rows[0]["absences"] == [{"startDate": "2024-07-01", "endDate": None}]
    assert rows[1]["startDate"] == "2023-01-02"


# -- plan, guard and sending ------------------------------------------------------------------------


def test_dry_run_reports_creates_updates_and_offboards_without_sending() -> None:
    api = company(linked=10)
    roster = [person(i) for i in range(1, 10)]  # HR010 is missing: offboarded
    roster[0]["firstName"] = "Annika"  # changed: updated
    roster.append(person(50, email="other0@example.com"))  # matched by email: linked, so updated
    roster.append(person(60))  # new
    with make_client(api) as client:
        result = client.sync_roster(INTEGRATION, roster, dry_run=True)
    plan = result.plan
    assert not result.sent
    assert [(c.hr_id, c.employee_id) for c in plan.created] == [("HR060", None)]
    assert [(c.hr_id, c.employee_id) for c in plan.updated] == [("HR001", 1), ("HR050", 100)]
    assert [c.hr_id for c in plan.unchanged] == [f"HR{i:03d}" for i in range(2, 10)]
    assert [(c.hr_id, c.employee_id) for c in plan.offboarded] == [("HR010", 10)]
    assert plan.offboard_ratio == pytest.approx(0.10)
    assert result.refusal is None
    assert api.count("POST") == 0


def test_the_guard_refuses_a_50_percent_offboarding_and_sends_nothing() -> None:
    api = company(linked=10)
    with make_client(api) as client, pytest.raises(SyncRefusedError) as raised:
        client.sync_roster(INTEGRATION, [person(i) for i in range(1, 6)])
    assert raised.value.plan.offboard_ratio == pytest.approx(0.5)
    assert "5 of 10" in str(raised.value)
    assert "allow_large_offboarding=True" in str(raised.value)
    assert api.count("POST") == 0


def test_a_dry_run_says_the_real_run_would_be_refused() -> None:
    with make_client(company(linked=10)) as client:
        result = client.sync_roster(INTEGRATION, [person(1)], dry_run=True)
    assert result.refusal is not None
    assert "90.0%" in result.refusal


def test_the_guard_can_be_overridden_or_tuned() -> None:
    api = company(linked=10)  # a fake that accepts every sync and applies none: nothing to read back
    with make_client(api) as client:
        assert client.sync_roster(
            INTEGRATION, [person(i) for i in range(1, 6)], allow_large_offboarding=True, read_back=False
        ).sent
        roster = [person(i) for i in range(1, 6)]
        assert client.sync_roster(INTEGRATION, roster, max_offboard_ratio=0.5, read_back=False).sent
        with pytest.raises(SyncRefusedError):
            client.sync_roster(INTEGRATION, [person(i) for i in range(1, 10)], max_offboard_ratio=0.05)
    assert api.count("POST") == 2


def test_the_guard_refuses_an_empty_roster_without_any_request() -> None:
    api = company()
    with make_client(api) as client, pytest.raises(RosterError, match="empty"):
        client.sync_roster(INTEGRATION, [], allow_large_offboarding=True)
    assert api.requests == []


def test_invalid_rosters_are_refused_before_any_request() -> None:
    api = company()
    with make_client(api) as client, pytest.raises(RosterError):
        client.sync_roster(INTEGRATION, [person(1), person(1)])
    assert api.requests == []


def test_already_offboarded_employees_do_not_count_again() -> None:
    api = company(linked=10)
    for employee in api.employees[5:10]:
        employee["subscription"]["status"] = "cancelled"
    with make_client(api) as client:
        result = client.sync_roster(INTEGRATION, [person(i) for i in range(1, 6)])
    assert result.sent
    assert result.plan.active_linked == 5
    assert result.plan.offboarded == ()


def test_past_termination_dates_count_as_offboarding() -> None:
    api = company(linked=10)
    roster = [person(i) for i in range(1, 11)]
    roster[0]["terminationDate"] = "2020-01-01"
    roster[1]["terminationDate"] = "2999-01-01"  # future: only recorded
    with make_client(api) as client:
        plan = client.sync_roster(INTEGRATION, roster, dry_run=True).plan
    assert [c.hr_id for c in plan.offboarded] == ["HR001"]


def test_the_sent_body_is_the_validated_roster_with_a_generated_sync_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = company(linked=3, unlinked=0)
    roster = [person(i) for i in range(1, 4)]
    with make_client(api) as client, caplog.at_level(logging.INFO, logger="jobticket"):
        result = client.sync_roster(INTEGRATION, roster)
    assert result.sent
    assert result.sync_id.startswith("sync-20260513T084802Z-")
    assert api.sync_bodies == [{"syncId": result.sync_id, "employees": roster}]
    logged = caplog.text
    assert result.sync_id in logged
    assert "generated syncId" in logged
    for row in roster:
        assert row["email"] not in logged
    assert "Müller" not in logged
    assert "1990-04-15" not in logged


def test_a_given_sync_id_is_used_and_an_empty_one_refused() -> None:
    api = company(linked=3, unlinked=0)
    with make_client(api) as client:
        assert (
            client.sync_roster(INTEGRATION, [person(i) for i in range(1, 4)], sync_id="sync-x").sync_id
            == "sync-x"
        )
        with pytest.raises(RosterError, match="syncId"):
            client.sync_roster(INTEGRATION, [person(1)], sync_id=" ")
    assert api.sync_bodies[0]["syncId"] == "sync-x"


def test_plans_show_ids_only() -> None:
    with make_client(company(linked=3, unlinked=0)) as client:
        result = client.sync_roster(INTEGRATION, [person(i) for i in range(1, 4)], dry_run=True)
    text = repr(result)
    assert "HR001" in text
    assert "example.com" not in text
    assert "Anna" not in text


def test_async_sync_follows_the_same_rules() -> None:
    api = company(linked=10)

    async def main() -> None:
        async with make_async_client(api) as client:
            with pytest.raises(SyncRefusedError):
                await client.sync_roster(INTEGRATION, [person(1)])
            result = await client.sync_roster(INTEGRATION, [person(i) for i in range(1, 11)])
            assert result.sent

    asyncio.run(main())
    assert api.count("POST") == 1


# -- what the HR roster application builds on (only the client's public sync) -------------------------


def test_a_dry_run_reports_every_guards_verdict_when_it_was_planned_and_the_listings_progress() -> None:
    pages: list[tuple[int, int]] = []
    with make_client(company(linked=250, unlinked=0)) as client:
        result = client.sync_roster(
            INTEGRATION, [person(1)], dry_run=True, on_page=lambda *page: pages.append(page)
        )
        assert client.base_url == BASE_URL
    assert pages == [(1, 3), (2, 3), (3, 3)]
    (per_sync,) = result.guards
    assert (per_sync.name, per_sync.limit) == ("per sync", 0.10)
    assert per_sync.share == pytest.approx(249 / 250)
    assert per_sync.refusal == result.refusal
    assert result.planned_at == datetime.datetime(2026, 5, 13, 8, 48, 2, tzinfo=datetime.UTC)


def test_before_send_sees_the_fresh_plan_and_refuses_with_nothing_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = company(linked=3, unlinked=0)
    seen: list[int] = []

    def approve(plan: SyncPlan) -> None:
        seen.append(len(plan.unchanged))
        if len(seen) > 1:
            raise SyncRefusedError("the approved plan is out of date", plan)

    roster = [person(i) for i in range(1, 4)]
    with make_client(api) as client, caplog.at_level(logging.ERROR, logger="jobticket"):
        assert client.sync_roster(INTEGRATION, roster, before_send=approve).sent
        with pytest.raises(SyncRefusedError, match="out of date"):
            client.sync_roster(INTEGRATION, roster, before_send=approve)
    assert seen == [3, 3]
    assert api.count("POST") == 1
    assert "refused, nothing sent: the approved plan is out of date" in caplog.text


@dataclass
class MemoryHistory:
    """A :class:`SyncHistory` of its own: the client needs no file and no roster application for it."""

    limit: int
    sent: list[tuple[str, str, int]] = field(default_factory=list)

    def guard_check(
        self, base_url: str, plan: SyncPlan, now: datetime.datetime, *, allow: bool
    ) -> GuardCheck:
        total = sum(offboarded for _, _, offboarded in self.sent) + plan.offboarded_active
        refusal = None if allow or total <= self.limit else f"{total} offboarded in this history"
        return GuardCheck("in memory", total / plan.active_linked, self.limit / plan.active_linked, refusal)

    def record_sync(self, base_url: str, sync_id: str, plan: SyncPlan, now: datetime.datetime) -> None:
        self.sent.append((base_url, sync_id, plan.offboarded_active))


def test_any_sync_history_guards_over_time_and_remembers_what_was_sent() -> None:
    api = company(linked=20, unlinked=0)  # applies no sync: HR020 is offboarded again each time
    history = MemoryHistory(limit=1)
    roster = [person(i) for i in range(1, 20)]  # HR020 left out: 5 %, under the per-sync limit
    with make_client(api) as client:
        first = client.sync_roster(INTEGRATION, roster, history=history, read_back=False)
        assert [check.name for check in first.guards] == ["per sync", "in memory"]
        with pytest.raises(SyncRefusedError, match="2 offboarded in this history"):
            client.sync_roster(INTEGRATION, roster, history=history)
        third = client.sync_roster(
            INTEGRATION, roster, history=history, allow_large_offboarding=True, read_back=False
        )
    assert history.sent == [(BASE_URL, first.sync_id, 1), (BASE_URL, third.sync_id, 1)]
    assert api.count("POST") == 2


# -- the read-back after the sync ----------------------------------------------------------------------


def test_a_sync_the_api_accepts_but_does_not_apply_is_an_incident_by_ids_and_rows() -> None:
    api = company(linked=10)  # answers 204 to every sync and applies none
    roster = [person(i) for i in range(1, 10)] + [person(50)]  # HR010 left out (10 %), HR050 new
    clock = FakeClock()
    with make_client(api, clock) as client, pytest.raises(SyncIncidentError) as raised:
        client.sync_roster(INTEGRATION, roster)
    incident = raised.value
    assert incident.result.sent
    assert [(d.kind, d.where) for d in incident.discrepancies] == [
        ("roster row not linked", "row 10"),
        ("not offboarded", "employee 10"),
    ]
    assert str(incident) == (
        f"incident: HR sync {incident.result.sync_id} was sent and accepted, but integration {INTEGRATION} "
        "differs from the plan in 2 place(s): roster row not linked (row 10); not offboarded (employee 10); "
        "check it before sending again"
    )
    assert api.count("POST") == 1
    assert api.count("GET", "/employees") == 1 + 1 + 3  # the plan's listing, then four read-backs
    assert clock.sleeps == [2.0, 8.0, 20.0]


ACTIVE_1 = Before(frozenset({1}), frozenset({1}))


def test_the_read_back_accepts_an_email_stored_in_another_case() -> None:
    employees = [employee_json(1, email="Person1@Example.com", links=[(INTEGRATION, "HR001")])]
    api = FakeEmployeesApi(employees)
    with make_client(api) as client:
        plan = client.sync_roster(INTEGRATION, [person(1, email="person1@example.com")], dry_run=True).plan
        after = client.list_employees().to_list()
    updated = [dict(person(1, email="person1@example.com"))]
    assert compare_with_plan(plan, updated, ACTIVE_1, after) == []
    renamed = [person(1, lastName="Neu")]
    assert [d.kind for d in compare_with_plan(plan, renamed, ACTIVE_1, after)] == ["values not applied"]
    two = Before(frozenset({1, 2}), frozenset({1, 2}))
    assert [d.kind for d in compare_with_plan(plan, updated, two, after)] == ["employee no longer listed"]
