"""Trigger HR Sync per section 8: validate the whole body first, then reconcile all or nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

import jobticket_twin.sync as sync_module
from jobticket_twin.seed import EXAMPLE_INTEGRATION_ID, PENDING_INTEGRATION_ID, SECOND_ACTIVE_INTEGRATION_ID
from tests.jobticket_twin.helpers import auth

if TYPE_CHECKING:
    import httpx

    from jobticket_twin import FakeClock
    from jobticket_twin.state import TwinState

TODAY = "2026-05-13"  # the FakeClock's default start


def person(hr_id: str, email: str, **fields: Any) -> dict[str, Any]:
    return {"firstName": "Test", "lastName": "Person", "email": email, "hrId": hr_id, **fields}


def sync(
    client: httpx.Client, integration: int, employees: list[dict[str, Any]], sync_id: str = "s-1"
) -> httpx.Response:
    return client.post(
        f"/hr-integrations/{integration}/sync", json={"syncId": sync_id, "employees": employees}, auth=auth()
    )


def employee(client: httpx.Client, employee_id: int) -> dict[str, Any]:
    response = client.get(f"/employees/{employee_id}", auth=auth())
    assert response.status_code == 200
    body: dict[str, Any] = response.json()["data"]
    return body


def all_employees(client: httpx.Client) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = client.get("/employees", params={"page": page, "perPage": 100}, auth=auth()).json()["data"]
        items += body["data"]
        if page >= body["totalPages"]:
            return items
        page += 1


def linked_to(client: httpx.Client, integration: int) -> dict[str, dict[str, Any]]:
    """hrId -> employee for everyone linked to ``integration``."""
    return {
        link["hrId"]: item
        for item in all_employees(client)
        for link in item["hrIntergartionLinks"]
        if link["hrIntegrationId"] == integration
    }


def roster_of(client: httpx.Client, integration: int) -> list[dict[str, Any]]:
    return [person(hr_id, item["email"], firstName=item["firstName"], lastName=item["lastName"])
            for hr_id, item in linked_to(client, integration).items()]  # fmt: skip


def test_a_full_roster_updates_creates_and_offboards(client: httpx.Client) -> None:
    roster = roster_of(client, EXAMPLE_INTEGRATION_ID)
    dropped_hr_id = next(item["hrId"] for item in roster if item["hrId"] != "emp_HR_001")
    before = linked_to(client, EXAMPLE_INTEGRATION_ID)
    roster = [item for item in roster if item["hrId"] != dropped_hr_id]
    anna = next(item for item in roster if item["hrId"] == "emp_HR_001")
    anna["lastName"] = "Müller-Schmidt"
    roster.append(person("emp_NEW_1", "new.person@example.org", dateOfBirth="1999-01-31"))

    assert sync(client, EXAMPLE_INTEGRATION_ID, roster, "sync-2026-05-13-001").status_code == 204

    after = linked_to(client, EXAMPLE_INTEGRATION_ID)
    assert after["emp_HR_001"]["id"] == 42
    assert after["emp_HR_001"]["lastName"] == "Müller-Schmidt"
    created = after["emp_NEW_1"]
    assert created["id"] > max(item["id"] for item in before.values())
    assert created["subscription"] == {
        "status": "pending", "startAt": None, "nextTicketAt": None,
        "pausedAt": None, "cancelledAt": None, "reactivatedAt": None,
    }  # fmt: skip
    assert (created["plan"]["contractSigningStatus"], created["ticket"]) == ("pending", None)
    dropped = after[dropped_hr_id]
    if before[dropped_hr_id]["subscription"]["status"] != "cancelled":
        assert dropped["subscription"]["cancelledAt"] == TODAY
    assert dropped["subscription"]["status"] == "cancelled"
    assert dropped["subscription"]["nextTicketAt"] is None
    for item in after.values():
        link = next(
            link for link in item["hrIntergartionLinks"] if link["hrIntegrationId"] == EXAMPLE_INTEGRATION_ID
        )
        if item["id"] != dropped["id"]:
            assert (link["lastSyncId"], link["lastSynced"]) == ("sync-2026-05-13-001", f"{TODAY}T08:48:02Z")
        else:
            assert link["lastSyncId"] == "sync_abc123"


def test_only_employees_linked_to_this_integration_are_offboarded(client: httpx.Client) -> None:
    before = {item["id"]: item for item in all_employees(client)}
    assert (
        sync(client, EXAMPLE_INTEGRATION_ID, [person("emp_HR_001", "anna.mueller@example.com")]).status_code
        == 204
    )
    for item in all_employees(client):
        linked = any(
            link["hrIntegrationId"] == EXAMPLE_INTEGRATION_ID for link in item["hrIntergartionLinks"]
        )
        if not linked or item["id"] == 42:
            assert item["subscription"] == before[item["id"]]["subscription"], item["id"]
        else:
            assert item["subscription"]["status"] == "cancelled"


def test_the_first_sync_activates_a_pending_integration(client: httpx.Client) -> None:
    integration = client.get(f"/hr-integrations/{PENDING_INTEGRATION_ID}", auth=auth()).json()["data"]
    assert integration["status"] == "initial-sync-pending"
    assert sync(client, PENDING_INTEGRATION_ID, [person("p-1", "p1@example.com")], "first").status_code == 204
    integration = client.get(f"/hr-integrations/{PENDING_INTEGRATION_ID}", auth=auth()).json()["data"]
    assert (integration["status"], integration["lastSyncId"]) == ("active", "first")
    assert integration["lastSynced"] == integration["updatedAt"] == f"{TODAY}T08:48:02Z"


def test_an_unlinked_employee_is_matched_by_email_and_linked(client: httpx.Client) -> None:
    unlinked = next(item for item in all_employees(client) if not item["hrIntergartionLinks"])
    roster = [person("pend-1", unlinked["email"].upper(), firstName="Renamed")]
    assert sync(client, PENDING_INTEGRATION_ID, roster).status_code == 204
    after = employee(client, unlinked["id"])
    assert after["firstName"] == "Renamed"
    assert [(link["hrIntegrationId"], link["hrId"]) for link in after["hrIntergartionLinks"]] == [
        (PENDING_INTEGRATION_ID, "pend-1")
    ]


def test_a_link_match_wins_over_an_email_match(client: httpx.Client) -> None:
    other = employee(client, 43)
    roster = roster_of(client, EXAMPLE_INTEGRATION_ID)
    anna = next(item for item in roster if item["hrId"] == "emp_HR_001")
    anna["email"] = "anna.new@example.com"
    assert sync(client, EXAMPLE_INTEGRATION_ID, roster).status_code == 204
    assert employee(client, 42)["email"] == "anna.new@example.com"
    assert employee(client, 43)["email"] == other["email"]


def test_termination_today_or_earlier_offboards_and_a_future_one_is_only_recorded(
    client: httpx.Client, state: TwinState
) -> None:
    roster = [
        person("t-1", "t1@example.com", terminationDate=TODAY),
        person("t-2", "t2@example.com", terminationDate="2099-12-31", startDate="2020-01-01"),
    ]
    assert sync(client, PENDING_INTEGRATION_ID, roster).status_code == 204
    linked = linked_to(client, PENDING_INTEGRATION_ID)
    assert linked["t-1"]["subscription"]["status"] == "cancelled"
    assert linked["t-1"]["subscription"]["cancelledAt"] == TODAY
    assert linked["t-2"]["subscription"]["status"] == "pending"
    link = state.data.employees[linked["t-2"]["id"]].link_for(PENDING_INTEGRATION_ID)
    assert link is not None
    assert link.hr_record["terminationDate"] == "2099-12-31"


def test_an_offboarded_employee_who_reappears_is_updated_but_not_reactivated(
    client: httpx.Client, clock: FakeClock
) -> None:
    roster = [person("r-1", "r1@example.com"), person("r-2", "r2@example.com")]
    assert sync(client, PENDING_INTEGRATION_ID, roster).status_code == 204
    assert sync(client, PENDING_INTEGRATION_ID, roster[:1]).status_code == 204
    clock.advance(86_400)
    roster[1]["lastName"] = "Back"
    assert sync(client, PENDING_INTEGRATION_ID, roster).status_code == 204
    back = linked_to(client, PENDING_INTEGRATION_ID)["r-2"]
    assert back["lastName"] == "Back"
    assert (back["subscription"]["status"], back["subscription"]["cancelledAt"]) == ("cancelled", TODAY)


def test_a_repeated_sync_id_is_processed_normally(client: httpx.Client) -> None:
    roster = [person("a-1", "a1@example.com")]
    assert sync(client, PENDING_INTEGRATION_ID, roster, "same").status_code == 204
    roster[0]["firstName"] = "Second"
    assert sync(client, PENDING_INTEGRATION_ID, roster, "same").status_code == 204
    assert linked_to(client, PENDING_INTEGRATION_ID)["a-1"]["firstName"] == "Second"


def test_a_roster_rejected_halfway_through_validation_changes_nothing(
    client: httpx.Client, state: TwinState
) -> None:
    before_employees = all_employees(client)
    before_integrations = client.get("/hr-integrations", auth=auth()).json()
    roster = roster_of(client, EXAMPLE_INTEGRATION_ID)[:10]  # would offboard 140 employees if applied
    roster[3]["email"] = "not-an-email"
    roster[7]["hrId"] = roster[2]["hrId"]
    roster.append(person("new-1", "fresh@example.com", dateOfBirth="1990-02-30"))

    response = sync(client, EXAMPLE_INTEGRATION_ID, roster)

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {
        "employees.3.email",
        "employees.7.hrId",
        "employees.10.dateOfBirth",
    }
    assert all_employees(client) == before_employees
    assert client.get("/hr-integrations", auth=auth()).json() == before_integrations


def one(**fields: Any) -> dict[str, Any]:
    """A one-employee roster whose item has ``fields`` changed."""
    return {"syncId": "s", "employees": [person("a", "a@example.com", **fields)]}


NO_FIRST_NAME = {"lastName": "B", "email": "b@example.com", "hrId": "h"}
DUPLICATE_EMAILS = [person("a", "a@example.com"), person("b", "A@EXAMPLE.COM")]
BACKWARDS_ABSENCE = [{"startDate": "2024-07-02", "endDate": "2024-07-01"}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"employees": [person("a", "a@example.com")]}, "syncId"),
        ({"syncId": "", "employees": [person("a", "a@example.com")]}, "syncId"),
        ({"syncId": "s"}, "employees"),
        ({"syncId": "s", "employees": []}, "employees"),
        ({"syncId": "s", "employees": "all"}, "employees"),
        ({"syncId": "s", "employees": ["x"]}, "employees.0"),
        ({"syncId": "s", "employees": [NO_FIRST_NAME]}, "employees.0.firstName"),
        (one(hrId=""), "employees.0.hrId"),
        ({"syncId": "s", "employees": DUPLICATE_EMAILS}, "employees.1.email"),
        (one(startDate="2024-02-01", terminationDate="2024-01-31"), "employees.0.terminationDate"),
        (one(autoSyncEmployee="x"), "employees.0.autoSyncEmployee"),
        (one(profileImage="not a uri"), "employees.0.profileImage"),
        (one(absences=None), "employees.0.absences"),
        (one(absences=[{"endDate": None}]), "employees.0.absences.0.startDate"),
        (one(absences=BACKWARDS_ABSENCE), "employees.0.absences.0.endDate"),
        (["not", "an", "object"], "body"),
    ],
)
def test_each_body_rule_is_a_422_keyed_by_its_path(client: httpx.Client, body: object, field: str) -> None:
    response = client.post(f"/hr-integrations/{PENDING_INTEGRATION_ID}/sync", json=body, auth=auth())
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_unknown_properties_are_ignored_and_optional_fields_accepted(client: httpx.Client) -> None:
    item = person(
        "o-1", "o1@example.com", customField="x", profileImage=None, autoSyncEmployee=True,
        absences=[{"startDate": "2026-07-01", "endDate": None}], dateOfBirth=None,
    )  # fmt: skip
    response = client.post(
        f"/hr-integrations/{PENDING_INTEGRATION_ID}/sync",
        json={"syncId": "s", "employees": [item], "extra": 1},
        auth=auth(),
    )
    assert response.status_code == 204
    assert response.content == b""


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"{broken", "application/json"), (b'{"syncId": "s"}', "text/plain"), (b"\xff\xfe", "application/json"),
     (b'{"syncId": NaN}', "application/json")],
)  # fmt: skip
def test_malformed_bodies_are_400(
    client: httpx.Client, state: TwinState, content: bytes, content_type: str
) -> None:
    before = state.data
    path = f"/hr-integrations/{EXAMPLE_INTEGRATION_ID}/sync"
    response = client.post(path, content=content, headers={"Content-Type": content_type}, auth=auth())
    assert response.status_code == 400
    assert state.data is before


def test_a_failure_during_reconciliation_changes_nothing(
    client: httpx.Client, state: TwinState, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state.data

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk full")

    monkeypatch.setattr(sync_module, "_offboarded", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        sync(client, EXAMPLE_INTEGRATION_ID, [person("emp_HR_001", "anna.mueller@example.com")])
    assert state.data is before


def test_a_ten_thousand_employee_roster_syncs_in_one_request(client: httpx.Client) -> None:
    roster = [person(f"bulk-{n:05d}", f"bulk.{n}@example.org") for n in range(10_000)]
    assert sync(client, SECOND_ACTIVE_INTEGRATION_ID, roster).status_code == 204
    page = client.get("/employees", params={"perPage": 1}, auth=auth()).json()["data"]
    assert page["total"] == 250 + 10_000


def _by_status(client: httpx.Client, integration: int) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for hr_id, item in linked_to(client, integration).items():
        found.setdefault(item["subscription"]["status"], []).append({**item, "hrId": hr_id})
    return found


def test_absences_pause_schedule_and_resume_subscriptions_as_o22_assumes(
    client: httpx.Client, state: TwinState
) -> None:
    """Working assumption O-22 (``jobticket.matching.paused_by``) on the sync date, 2026-05-13."""
    seen = _by_status(client, SECOND_ACTIVE_INTEGRATION_ID)
    active, other_active = seen["active"][:2]
    statuses = ("paused", "scheduled-pause", "pending", "cancelled")
    paused, scheduled, pending, cancelled = (seen[status][0] for status in statuses)
    untouched = seen["paused"][1]
    absences = {
        active["hrId"]: [{"startDate": "2026-05-01", "endDate": None}],  # parental leave since May
        other_active["hrId"]: [
            {"startDate": "2026-06-01", "endDate": "2026-06-14"},
            {"startDate": "2026-05-20", "endDate": "2026-05-25"},
        ],
        paused["hrId"]: [],  # no absence any more
        scheduled["hrId"]: [{"startDate": "2026-01-01", "endDate": "2026-01-31"}],  # over
        pending["hrId"]: [{"startDate": "2026-05-01", "endDate": None}],
        cancelled["hrId"]: [{"startDate": "2026-05-01", "endDate": None}],
    }
    roster = roster_of(client, SECOND_ACTIVE_INTEGRATION_ID)
    for item in roster:
        if item["hrId"] in absences:
            item["absences"] = absences[item["hrId"]]

    before = state.data
    assert sync(client, SECOND_ACTIVE_INTEGRATION_ID, roster).status_code == 204

    def shown(item: dict[str, Any]) -> tuple[str, str | None, str | None]:
        subscription = employee(client, item["id"])["subscription"]
        return subscription["status"], subscription["pausedAt"], subscription["reactivatedAt"]

    was = {item["hrId"]: item["subscription"] for item in (active, other_active, paused, scheduled)}
    assert shown(active) == ("paused", "2026-05-01", was[active["hrId"]]["reactivatedAt"])
    assert shown(other_active) == (
        "scheduled-pause",
        "2026-05-20",
        was[other_active["hrId"]]["reactivatedAt"],
    )
    assert shown(paused) == ("active", was[paused["hrId"]]["pausedAt"], TODAY)
    assert shown(scheduled) == ("active", None, was[scheduled["hrId"]]["reactivatedAt"])
    for kept in (pending, cancelled, untouched):  # pending and cancelled only record; no absences sent
        assert employee(client, kept["id"])["subscription"] == kept["subscription"]
    assert (
        employee(client, active["id"])["subscription"]["nextTicketAt"]
        == active["subscription"]["nextTicketAt"]
    )
    recorded = state.data.employees[pending["id"]].link_for(SECOND_ACTIVE_INTEGRATION_ID)
    assert recorded is not None
    assert recorded.hr_record["absences"] == absences[pending["hrId"]]

    # The same sync again changes nothing more, so it emits no subscription webhook.
    request = sync_module.validate_roster({"syncId": "again", "employees": roster})
    outcome = sync_module.reconcile(before, SECOND_ACTIVE_INTEGRATION_ID, request, state.clock())
    assert {e.id for e in outcome.subscription_changed} == {
        active["id"],
        other_active["id"],
        paused["id"],
        scheduled["id"],
    }
    again = sync_module.reconcile(state.data, SECOND_ACTIVE_INTEGRATION_ID, request, state.clock())
    assert again.subscription_changed == ()


def test_a_terminated_row_is_offboarded_whatever_its_absences_say(client: httpx.Client) -> None:
    active = _by_status(client, SECOND_ACTIVE_INTEGRATION_ID)["active"][0]
    roster = roster_of(client, SECOND_ACTIVE_INTEGRATION_ID)
    for item in roster:
        if item["hrId"] == active["hrId"]:
            item.update(terminationDate=TODAY, absences=[{"startDate": "2026-05-01", "endDate": None}])
    assert sync(client, SECOND_ACTIVE_INTEGRATION_ID, roster).status_code == 204
    subscription = employee(client, active["id"])["subscription"]
    assert (subscription["status"], subscription["cancelledAt"], subscription["pausedAt"]) == (
        "cancelled", TODAY, active["subscription"]["pausedAt"],
    )  # fmt: skip
