"""The client's sync plan is what the twin then does, row for row, on generated integrations and rosters.

Each example publishes a generated company (links to integration 7 and 9, shared and case- or
Unicode-variant emails, subscriptions in every status with pause dates) into a twin served on loopback,
plans a generated roster (absences included: covering the sync date, later, ended, open-ended,
overlapping, none) through the client (dry run), sends it for real, and compares the twin's employees
before and after with the plan: matched ids, changed fields, statuses and pause dates (O-22), links and
billed links.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobticket import JobTicket, Pacer, RosterError
from jobticket.hr_sync import SyncPlan
from jobticket.matching import Pause
from jobticket_twin.models import Employee, HrLink, Plan, Subscription
from jobticket_twin.seed import SeedData
from tests.helpers.twins import Twin

INTEGRATION = 7
OTHER_INTEGRATION = 9
TODAY = "2026-05-13"  # the FakeClock's default start
STAMPS = ("lastSyncId", "lastSynced")

# Emails that collide once case-folded: ß/SS, composed and decomposed é (distinct: no normalisation).
EMAILS = (
    "anna@example.com",
    "ANNA@Example.com",
    "straße@example.org",
    "STRASSE@example.org",
    unicodedata.normalize("NFC", "josé@example.net"),
    unicodedata.normalize("NFD", "josé@example.net"),
    "ben@example.com",
)
HR_IDS = ("H1", "H2", "H3", "H4", "H5")
LINK_IDS = (*HR_IDS, "H6", "H7")  # H6 and H7 are never in a roster
NAMES = ("Anna", "Ömer", "Ben")
SUBSCRIPTIONS = (
    Subscription("active"),
    Subscription("active", reactivated_at="2025-01-02"),
    Subscription("pending"),
    Subscription("cancelled", cancelled_at="2026-01-15"),
    Subscription("paused", paused_at="2026-04-01"),
    Subscription("paused", paused_at="2026-05-01", reactivated_at="2025-01-02"),
    Subscription("scheduled-pause", paused_at="2026-06-01"),
)
ABSENCES: tuple[list[dict[str, str | None]], ...] = (
    [],
    [{"startDate": "2026-05-01", "endDate": None}],  # open-ended, covering the sync date
    [{"startDate": TODAY, "endDate": TODAY}],  # just today
    [{"startDate": "2026-04-01", "endDate": "2026-05-12"}],  # ended yesterday
    [{"startDate": "2026-06-01", "endDate": "2026-06-14"}],  # later
    [{"startDate": "2026-06-08", "endDate": None}, {"startDate": "2026-05-20", "endDate": "2026-05-25"}],
    [{"startDate": "2026-05-10", "endDate": None}, {"startDate": "2026-05-01", "endDate": "2026-05-31"}],
)
"""Absences sent by a row: the sync date is 2026-05-13 (overlapping ones only a Python caller sends)."""


@st.composite
def companies(draw: st.DrawFn) -> list[Employee]:
    """Up to 7 employees; hrIds unique per integration, as the API keeps them."""
    count = draw(st.integers(0, 7))
    linked_7 = iter(draw(st.permutations(LINK_IDS)))
    linked_9 = iter(draw(st.permutations(LINK_IDS)))
    employees = []
    for employee_id in range(1, count + 1):
        links = []
        if draw(st.booleans()):
            links.append(HrLink(INTEGRATION, next(linked_7), "sync-before", "2026-05-01T08:00:00Z"))
        if draw(st.integers(0, 3)) == 0:
            links.append(HrLink(OTHER_INTEGRATION, next(linked_9), "sync-before", "2026-05-01T08:00:00Z"))
        employees.append(
            Employee(
                id=employee_id,
                first_name=draw(st.sampled_from(NAMES)),
                last_name="Müller",
                email=draw(st.sampled_from(EMAILS)),
                date_of_birth=draw(st.sampled_from((None, "1990-04-15"))),
                profile_image=None,
                subscription=draw(st.sampled_from(SUBSCRIPTIONS)),
                plan=Plan("fully-subsidized-plan", "accepted"),
                ticket=None,
                links=tuple(links),
            )
        )
    return employees


def variants(email: str) -> list[str]:
    """The same address in other case or Unicode forms (ß/SS compare equal, NFC/NFD do not)."""
    local, _, domain = email.partition("@")
    return [email, email.upper(), f"{local.title()}@{domain}", unicodedata.normalize("NFD", email)]


@st.composite
def rosters(draw: st.DrawFn, employees: list[Employee]) -> list[dict[str, Any]]:
    """1 to 5 rows reusing the company's hrIds and emails (in variants), so links and emails collide;
    hrIds and emails may repeat (the client must refuse those as the twin does)."""
    emails = [variant for e in employees for variant in variants(e.email)] + list(EMAILS)
    hr_ids = [link.hr_id for e in employees for link in e.links] + list(HR_IDS)
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        row: dict[str, Any] = {
            "firstName": draw(st.sampled_from(NAMES)),
            "lastName": "Müller",
            "email": draw(st.sampled_from(emails)),
            "hrId": draw(st.sampled_from(hr_ids)),
        }
        if draw(st.booleans()):
            row["dateOfBirth"] = draw(st.sampled_from((None, "1990-04-15", "1985-01-31")))
        termination = draw(st.sampled_from((None, None, "2020-01-01", TODAY, "2999-12-31")))
        if termination is not None:
            row["terminationDate"] = termination
        if draw(st.booleans()):  # no absences sent, or the complete list ([] included)
            row["absences"] = draw(st.sampled_from(ABSENCES))
        rows.append(row)
    return rows


pytestmark = pytest.mark.twin(shared=True, rate_limit=0)


def client_for(twin: Twin) -> JobTicket:
    username, password = twin.credentials("admin")
    return JobTicket(
        twin.base_url,
        username=username,
        password=password,
        pacer=Pacer(1_000_000, 60.0, clock=twin.fake_clock),
    )


def publish(twin: Twin, employees: list[Employee]) -> None:
    data = twin.state.data
    twin.state.publish(SeedData({e.id: e for e in employees}, {}, dict(data.integrations)))


def snapshot(client: JobTicket) -> dict[int, dict[str, Any]]:
    """Every employee as the API shows it, without the per-sync stamps."""
    result = {}
    for employee in client.list_employees():
        body = employee.to_dict()
        for link in body["hrIntergartionLinks"]:
            for stamp in STAMPS:
                link.pop(stamp)
        body.pop("_links")
        result[employee.id] = body
    return result


def linked(body: dict[str, Any], integration: int = INTEGRATION) -> str | None:
    return next((k["hrId"] for k in body["hrIntergartionLinks"] if k["hrIntegrationId"] == integration), None)


def assert_outcome_is_plan(
    plan: SyncPlan, rows: list[dict[str, Any]], before: dict[int, dict[str, Any]], after: dict[int, Any]
) -> None:
    by_hr_id = {linked(body): employee_id for employee_id, body in after.items() if linked(body)}
    touched: set[int] = set()
    for change in plan.employees:
        if change.row is None:  # an omitted employee
            assert change.action == "offboard"
            assert change.employee_id is not None
            assert before[change.employee_id]["subscription"]["status"] != "cancelled"
            assert after[change.employee_id]["subscription"]["status"] == "cancelled"
            assert linked(after[change.employee_id]) not in {row["hrId"] for row in rows}  # link kept
            touched.add(change.employee_id)
            continue
        row = rows[change.row]
        actual = by_hr_id[row["hrId"]]
        touched.add(actual)
        if change.action == "create":
            assert actual not in before, "the plan says create, the twin matched an existing employee"
            expected_status = "cancelled" if change.terminated else "pending"
            assert after[actual]["subscription"]["status"] == expected_status
            continue
        assert actual == change.employee_id, f"row {change.row}: plan {change.employee_id}, twin {actual}"
        old, new = before[actual], after[actual]
        changed = {c.name: (c.old, c.new) for c in change.changes}
        for name in ("firstName", "lastName", "email", "dateOfBirth", "profileImage"):
            if name in changed:
                assert (old[name], new[name]) == changed[name]
            else:
                assert new[name] == old[name], f"row {change.row}: {name} changed but the plan says not"
        if "hrId" in changed:
            assert (linked(old), linked(new)) == changed["hrId"]
        assert (linked(old) is None) == (change.link == "new")
        cancelled_after = new["subscription"]["status"] == "cancelled"
        if change.action == "offboard":
            assert old["subscription"]["status"] != "cancelled"
            assert cancelled_after
            assert change.subscription is None
        elif change.subscription is not None:  # the pause the row's absences set (O-22)
            assert pause_of(old) == change.subscription.before
            assert pause_of(new) == change.subscription.after != change.subscription.before
            assert {**new["subscription"], **PAUSE_FIELDS} == {**old["subscription"], **PAUSE_FIELDS}
            assert change.action == "update"
        else:
            assert new["subscription"] == old["subscription"]
        if change.action == "unchanged":
            assert new == old
    for employee_id, body in before.items():
        if employee_id not in touched:
            assert after[employee_id] == body, f"employee {employee_id} changed but is not in the plan"
    assert set(after) - set(before) == {by_hr_id[rows[c.row]["hrId"]] for c in plan.employees
                                        if c.action == "create" and c.row is not None}  # fmt: skip
    links_before = sum(1 for body in before.values() if linked(body))
    assert sum(1 for body in after.values() if linked(body)) == links_before + plan.new_links
    billed_before = sum(1 for body in before.values() if body["hrIntergartionLinks"])
    assert plan.billed_before == billed_before  # the cost guard's base is the company's billed employees
    assert (
        sum(1 for body in after.values() if body["hrIntergartionLinks"]) == billed_before + plan.newly_billed
    )


PAUSE_FIELDS = dict.fromkeys(("status", "pausedAt", "reactivatedAt"))


def pause_of(body: dict[str, Any]) -> Pause:
    subscription = body["subscription"]
    return Pause(subscription["status"], subscription["pausedAt"], subscription["reactivatedAt"])


def check(twin: Twin, employees: list[Employee], rows: list[dict[str, Any]]) -> None:
    publish(twin, employees)
    with client_for(twin) as client:
        before = snapshot(client)
        try:
            planned = client.sync_roster(INTEGRATION, rows, dry_run=True).plan
        except RosterError:
            # A repeated hrId or email: the twin must refuse the same roster with 422, changing nothing.
            body = {"syncId": "sync-property", "employees": rows}
            response = client.http.post(f"/hr-integrations/{INTEGRATION}/sync", json=body)
            assert response.status_code == 422
            assert snapshot(client) == before
            return
        sent = client.sync_roster(INTEGRATION, rows, allow_large_offboarding=True, sync_id="sync-property")
        assert sent.sent
        assert sent.plan == planned
        assert_outcome_is_plan(planned, rows, before, snapshot(client))


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_plan_is_what_the_twin_does(twin: Twin, data: st.DataObject) -> None:
    employees = data.draw(companies(), label="employees")
    check(twin, employees, data.draw(rosters(employees), label="rows"))


def employee(employee_id: int, email: str, *links: HrLink, status: str = "active") -> Employee:
    return Employee(
        employee_id, "Anna", "Müller", email, None, None, Subscription(status),
        Plan("fully-subsidized-plan", "accepted"), None, links,
    )  # fmt: skip


def test_the_issue_collision_one_rows_email_belongs_to_another_rows_linked_employee(
    twin: Twin,
) -> None:
    # Employee 1 is linked as H1 and has the email of row 0 (hrId H2); row 1 is H1 with a new email.
    employees = [employee(1, "anna@example.com", HrLink(INTEGRATION, "H1"))]
    rows = [
        {"firstName": "Anna", "lastName": "Müller", "email": "ANNA@example.com", "hrId": "H2"},
        {"firstName": "Anna", "lastName": "Müller", "email": "anna.new@example.com", "hrId": "H1"},
    ]
    check(twin, employees, rows)
    publish(twin, employees)
    with client_for(twin) as client:
        plan = client.sync_roster(INTEGRATION, rows, dry_run=True).plan
    assert [(c.action, c.hr_id, c.employee_id, c.matched_by) for c in plan.employees] == [
        ("create", "H2", None, None),
        ("update", "H1", 1, "link"),
    ]
    assert plan.new_links == 1


def test_a_terminated_row_for_someone_who_never_existed_is_a_creation_not_an_offboarding(
    twin: Twin,
) -> None:
    employees = [employee(1, "ben@example.com", HrLink(INTEGRATION, "H1"))]
    rows = [
        {"firstName": "Ben", "lastName": "Müller", "email": "ben@example.com", "hrId": "H1"},
        {"firstName": "Gone", "lastName": "Before", "email": "gone@example.com", "hrId": "H9",
         "terminationDate": "2020-01-01"},
    ]  # fmt: skip
    check(twin, employees, rows)
    publish(twin, employees)
    with client_for(twin) as client:
        plan = client.sync_roster(INTEGRATION, rows, dry_run=True).plan
    assert plan.offboarded == ()
    assert [(c.action, c.terminated) for c in plan.employees] == [("update", False), ("create", True)]
