"""HR sync round trip on a dedicated integration, with synthetic employees only.

Sync a roster and read it back; drop one employee and see it offboarded; send rosters the API must
reject and see that nothing changed. Runs on the twin, or on staging with JOBTICKET_ALLOW_DESTRUCTIVE=1
and JOBTICKET_SANDBOX_INTEGRATION_ID naming a test integration that holds synthetic employees only
(the run checks that before any destructive check: ``contract.sandbox``).

Every roster the API should accept goes through the client's guarded ``JobTicket.sync_roster``
(validation, a strict listing, plan, offboarding guard, read-back) by way of
``contract.sandbox.guarded_sync``, which never overrides the offboarding guard off the twin; only bodies
built to be rejected (422, 400) are sent raw, since the client would refuse them before the API could.
Off the twin every one of these requests is preceded by the sandbox guard, at the time of use
(``contract.sandbox.SandboxGuarded``). The roster has ten synthetic employees, so that dropping one
stays within the guard's 10 %.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import requests

from jobticket import JobTicket
from jobticket.hr_sync import SyncResult
from jobticket.matching import Pause, paused_by
from jobticket_kit.contract.run_state import REQUEST_TIMEOUT, Api, ContractRun, current_run
from jobticket_kit.contract.sandbox import guarded_sync, plan_guard
from jobticket_kit.contract.sandbox_roster import restoring
from jobticket_kit.contract.synthetic import ROSTER_SIZE, SANDBOX_TAG, synthetic_employee, synthetic_roster

pytestmark = [pytest.mark.destructive, pytest.mark.operation("triggerHrSync")]


@dataclass
class Roster:
    """The synthetic roster synced at the start of the module and the ids the API gave it."""

    integration: int
    tag: str
    items: list[dict[str, Any]]
    ids: dict[str, int]
    created: set[str]

    def body(self, sync_id: str, items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {
            "syncId": f"contract-{self.tag}-{sync_id}",
            "employees": self.items if items is None else items,
        }


def _sync(api: Api, integration: int, body: Any, **kwargs: Any) -> Any:
    """Send a body the API must reject, raw (the guarded client would refuse it itself)."""
    return api.request("POST", f"/hr-integrations/{integration}/sync", json=body, **kwargs)


def _guarded_sync(client: JobTicket, integration: int, body: dict[str, Any]) -> httpx.Response:
    """Sync a roster through the kit's guarded sync and return the API's answer to its POST."""
    return _guarded_sync_result(client, integration, body)[0]


def _guarded_sync_result(
    client: JobTicket, integration: int, body: dict[str, Any]
) -> tuple[httpx.Response, SyncResult]:
    """Sync a roster through the kit's guarded sync: the API's answer to its POST, and the sync's result."""
    answers: list[httpx.Response] = []

    def keep(response: httpx.Response) -> None:
        if response.request.method == "POST":
            response.read()
            answers.append(response)

    client.http.event_hooks["response"] = [keep]
    try:
        result = guarded_sync(current_run(), client, integration, body["employees"], sync_id=body["syncId"])
    finally:
        client.http.event_hooks["response"] = []
    assert len(answers) == 1, f"the guarded sync sent {len(answers)} POSTs"
    return answers[0], result


@pytest.fixture(scope="module")
def client(contract_run: ContractRun) -> Iterator[JobTicket]:
    """The client library with the main key; its requests pass the run's meter."""
    with contract_run.client() as client:
        yield client


def _find(api: Api, email: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.get_json("/employees", email=email)["data"]["data"]
    return found


def _snapshot(api: Api, ids: list[int]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get_json("/employees", ids=",".join(map(str, ids)), perPage=100)[
        "data"
    ]["data"]
    return items


@pytest.fixture(scope="module")
def roster(api: Api, client: JobTicket, contract_run: ContractRun, sync_integration: int) -> Iterator[Roster]:
    """Sync the kit's synthetic roster; afterwards leave the integration holding just them again.

    Off the twin the roster is always the same ten people, so that nightly runs do not pile up
    linked employees (each costs 1 EUR); only the first run there sees them created. Whatever an
    earlier run or tool left linked (a recording's employee, a renamed email) is cleaned up first, and
    whatever the checks change is undone at the end, even after a failure (``sandbox_roster``); the
    twin is also put back to its seed.
    """
    tag = "twin" if contract_run.is_twin else SANDBOX_TAG
    items = synthetic_roster(tag)
    with restoring(client, sync_integration, items, guard=plan_guard(contract_run, sync_integration)):
        emails = {item["email"]: item["hrId"] for item in items}
        state = Roster(sync_integration, tag, items, {}, set())
        response, result = _guarded_sync_result(client, sync_integration, state.body("1"))
        state.created = {created.hr_id for created in result.plan.created}  # the rest existed already
        assert response.status_code == 204, f"initial sync -> {response.status_code}"
        assert response.content == b""
        for employee in api.list_all("/employees"):  # one listing instead of a lookup per employee
            if employee["email"] in emails:
                hr_id = emails[employee["email"]]
                assert hr_id not in state.ids, f"{hr_id} found more than once after the sync"
                state.ids[hr_id] = employee["id"]
        assert set(state.ids) == set(emails.values()), "a roster employee is not found after the sync"
        yield state
    contract_run.reset_twin()


@pytest.mark.open_point("O-28")
def test_synced_employees_read_back(api: Api, roster: Roster) -> None:
    """Right after 204 every roster employee is readable with the roster's data and a link."""
    read = {employee["id"]: employee for employee in _snapshot(api, sorted(roster.ids.values()))}
    for item in roster.items:
        employee = read[roster.ids[item["hrId"]]]
        assert (employee["firstName"], employee["lastName"], employee["email"]) == (
            item["firstName"],
            item["lastName"],
            item["email"],
        )
        links = [
            link for link in employee["hrIntergartionLinks"] if link["hrIntegrationId"] == roster.integration
        ]
        assert len(links) == 1, employee["hrIntergartionLinks"]
        assert links[0]["hrId"] == item["hrId"]
        assert links[0]["lastSyncId"] == roster.body("1")["syncId"]
        assert links[0]["lastSynced"]


@pytest.mark.open_point("O-8")
def test_integration_records_the_sync(api: Api, roster: Roster) -> None:
    """After a successful sync the integration is active and names the sync."""
    integration = api.get_json(f"/hr-integrations/{roster.integration}")["data"]
    assert integration["status"] == "active"
    assert integration["lastSyncId"] == roster.body("1")["syncId"]
    assert integration["lastSynced"]


def test_new_employees_start_pending(api: Api, contract_run: ContractRun, roster: Roster) -> None:
    """A newly created employee has a pending subscription, a pending contract and no ticket."""
    if not roster.created:
        for point in ("O-16", "O-18"):
            contract_run.ledger.note(point, "the roster's employees exist from an earlier run")
        return
    employee = api.get_json(f"/employees/{roster.ids[min(roster.created)]}")["data"]
    status, signing = employee["subscription"]["status"], employee["plan"]["contractSigningStatus"]
    contract_run.ledger.observe("O-16", "new_employees_start_pending", status == "pending", status)
    contract_run.ledger.observe("O-18", "new_employees_start_pending", signing == "pending", signing)
    assert (status, signing, employee["ticket"]) == ("pending", "pending", None)


_BREAKAGES: dict[str, Callable[[dict[str, Any], dict[str, Any]], None]] = {
    "duplicate-hrId": lambda item, first: item.update(hrId=first["hrId"]),
    "duplicate-email": lambda item, first: item.update(email=first["email"].upper()),
    "missing-email": lambda item, first: item.pop("email"),
    "bad-date": lambda item, first: item.update(dateOfBirth="1990-13-45"),
    "termination-before-start": lambda item, first: item.update(
        startDate="2024-05-01", terminationDate="2024-04-01"
    ),
    "auto-sync-not-boolean": lambda item, first: item.update(autoSyncEmployee="x"),
    "absence-ends-before-start": lambda item, first: item.update(
        absences=[{"startDate": "2024-07-10", "endDate": "2024-07-01"}]
    ),
}
_BREAKAGE_POINTS = {"auto-sync-not-boolean": "O-23", "absence-ends-before-start": "O-22"}


@pytest.mark.open_point("O-21")
@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(
            name, marks=[pytest.mark.open_point(_BREAKAGE_POINTS[name])] if name in _BREAKAGE_POINTS else []
        )
        for name in [*_BREAKAGES, "empty-roster"]
    ],
)
def test_rejected_sync_changes_nothing(api: Api, roster: Roster, breakage: str) -> None:
    """A roster breaking one rule is 422 as a whole: nothing is applied, not even its valid items."""
    newcomer = synthetic_employee(roster.tag, ROSTER_SIZE + 1)
    broken = dict(roster.items[2])
    items: list[dict[str, Any]] = [*roster.items[:2], newcomer, broken]
    if breakage == "empty-roster":
        items = []
    else:
        _BREAKAGES[breakage](broken, roster.items[0])
    before = _snapshot(api, sorted(roster.ids.values()))
    response = _sync(api, roster.integration, roster.body(f"bad-{breakage}", items))
    assert response.status_code == 422, f"{breakage} -> {response.status_code}"
    assert _snapshot(api, sorted(roster.ids.values())) == before
    assert _find(api, newcomer["email"]) == [], "a valid item of a rejected roster was applied"


@pytest.mark.open_point("O-22", "O-23")
def test_absences_and_auto_sync_are_accepted(client: JobTicket, roster: Roster) -> None:
    """Absence items {startDate, endDate|null} and a boolean autoSyncEmployee are accepted."""
    first = dict(
        roster.items[0], absences=[{"startDate": "2024-07-01", "endDate": None}], autoSyncEmployee=True
    )
    second = dict(roster.items[1], absences=[{"startDate": "2024-08-01", "endDate": "2024-08-15"}])
    items = [first, dict(second, autoSyncEmployee=False), *roster.items[2:]]
    assert _guarded_sync(client, roster.integration, roster.body("absences", items)).status_code == 204


@pytest.mark.open_point("O-14")
def test_unparseable_body_is_400(api: Api, roster: Roster) -> None:
    """A body that is not JSON is 400 and changes nothing."""
    before = _snapshot(api, sorted(roster.ids.values()))
    response = api.request(
        "POST",
        f"/hr-integrations/{roster.integration}/sync",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert _snapshot(api, sorted(roster.ids.values())) == before


@pytest.mark.open_point("O-25", "O-27")
def test_resync_matches_by_hr_id(api: Api, client: JobTicket, roster: Roster) -> None:
    """The same hrId with a new email updates the same employee; a repeated syncId is accepted."""
    first = dict(roster.items[0], email=f"contract.{roster.tag}.renamed@example.com")
    items = [first, *roster.items[1:]]
    for _ in range(2):
        assert _guarded_sync(client, roster.integration, roster.body("rename", items)).status_code == 204
    employee = api.get_json(f"/employees/{roster.ids[first['hrId']]}")["data"]
    assert employee["email"] == first["email"]
    assert _guarded_sync(client, roster.integration, roster.body("restore")).status_code == 204


@pytest.mark.open_point("O-26")
def test_omitted_employee_is_offboarded(api: Api, client: JobTicket, roster: Roster) -> None:
    """An employee left out of the roster stays readable with a cancelled subscription."""
    omitted = roster.items[-1]
    # One of ten: within the offboarding guard's 10 %, which nothing in this suite overrides.
    body = roster.body("offboard", roster.items[:-1])
    assert _guarded_sync(client, roster.integration, body).status_code == 204
    employee = api.get_json(f"/employees/{roster.ids[omitted['hrId']]}")["data"]
    assert employee["subscription"]["status"] == "cancelled"
    assert employee["subscription"]["cancelledAt"] is not None
    kept = api.get_json(f"/employees/{roster.ids[roster.items[0]['hrId']]}")["data"]
    assert kept["subscription"]["status"] != "cancelled"


def _pause(employee: dict[str, Any]) -> Pause:
    subscription = employee["subscription"]
    return Pause(subscription["status"], subscription["pausedAt"], subscription["reactivatedAt"])


def _sync_date(employee: dict[str, Any], integration: int) -> datetime.date:
    """The day the target processed the last sync of this employee, as its link says (``lastSynced``)."""
    [link] = [link for link in employee["hrIntergartionLinks"] if link["hrIntegrationId"] == integration]
    return datetime.date.fromisoformat(str(link["lastSynced"])[:10])


def _shown(pause: Pause) -> str:
    return f"{pause.status} (pausedAt {pause.paused_at}, reactivatedAt {pause.reactivated_at})"


@pytest.mark.open_point("O-22")
def test_absences_pause_and_resume_as_assumed(
    api: Api, client: JobTicket, contract_run: ContractRun, roster: Roster
) -> None:
    """What the target does with absences (O-22): whether it accepts them, and the subscription afterwards.

    One synthetic employee gets an open-ended absence that began ten days before the last sync, another a
    bounded one a month later; then both are sent without absences. Each time the subscription is read
    back and compared with what ``jobticket.matching.paused_by`` expects on the day the target says it
    processed the sync (the link's ``lastSynced``). Each observation goes to the ledger as evidence on
    O-22, statuses and dates only. Off the twin the employees are whatever the target made of them
    (likely ``pending``, which only records absences); on the twin they are made ``active`` first, so
    that the pause itself is exercised.
    """
    first, second = roster.items[0], roster.items[1]
    ids = [roster.ids[first["hrId"]], roster.ids[second["hrId"]]]
    if contract_run.is_twin:
        for employee_id in ids:
            response = requests.post(
                f"{contract_run.base_url}/_twin/employees/{employee_id}/subscription",
                json={"status": "active", "startAt": "2024-01-01"},
                timeout=REQUEST_TIMEOUT,
            )
            response.raise_for_status()
    shown = [api.get_json(f"/employees/{employee_id}")["data"] for employee_id in ids]
    day = _sync_date(shown[0], roster.integration)
    absences: list[list[dict[str, Any]]] = [
        [{"startDate": (day - datetime.timedelta(days=10)).isoformat(), "endDate": None}],
        [{"startDate": (day + datetime.timedelta(days=30)).isoformat(),
          "endDate": (day + datetime.timedelta(days=40)).isoformat()}],
    ]  # fmt: skip
    ledger, seen = contract_run.ledger, []
    steps: list[tuple[str, list[list[dict[str, Any]]]]] = [("absence", absences), ("absence-ended", [[], []])]
    for step, sent in steps:
        before = [_pause(employee) for employee in shown]
        items = [dict(first, absences=sent[0]), dict(second, absences=sent[1]), *roster.items[2:]]
        status = _guarded_sync(client, roster.integration, roster.body(step, items)).status_code
        ledger.observe("O-22", f"{step}_accepted", status == 204, f"{step}: {status}")
        assert status == 204, f"{step} -> {status}"
        shown = [api.get_json(f"/employees/{employee_id}")["data"] for employee_id in ids]
        for number, (employee, was, given) in enumerate(zip(shown, before, sent, strict=True), 1):
            expected = paused_by(given, was, _sync_date(employee, roster.integration))
            ok = _pause(employee) == expected
            detail = (
                f"{step} {number}: {_shown(was)} -> {_shown(_pause(employee))}, assumed {_shown(expected)}"
            )
            ledger.observe("O-22", f"{step}_pause_as_assumed", ok, detail)
            seen.append((ok, detail))
    assert all(ok for ok, _ in seen), [detail for ok, detail in seen if not ok]
