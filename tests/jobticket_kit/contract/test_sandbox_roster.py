"""Tools that change the sandbox integration leave it holding the kit's synthetic roster again.

Issue 20: a cassette recording linked its recorder employee to the sandbox, and from then on every
destructive nightly failed ("offboarding 1 of 3 is over the 10 % guard"), night after night.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobticket import JobTicket, Pacer, SyncRefusedError
from jobticket_kit.contract.sandbox_roster import SandboxNotRestored, restore, restoring
from jobticket_kit.contract.synthetic import synthetic_employee, synthetic_roster
from jobticket_twin.seed import EXAMPLE_INTEGRATION_ID, PENDING_INTEGRATION_ID
from tests.helpers.twins import Twin

from .conftest import contract_env, run_contract

pytestmark = pytest.mark.twin(rate_limit=0)  # a twin in this process, unless a test says otherwise

ROSTER = synthetic_roster()
LEFTOVER = synthetic_employee("recording", 1)


@pytest.fixture
def client(twin: Twin) -> Iterator[JobTicket]:
    username, password = twin.credentials()
    with JobTicket(twin.base_url, username=username, password=password, pacer=Pacer(100_000)) as client:
        yield client


def active(client: JobTicket, integration: int) -> set[str]:
    """hrIds of the employees linked to ``integration`` whose subscription is not cancelled."""
    return {
        link.hr_id
        for employee in client.list_employees()
        if employee.subscription.status != "cancelled"
        for link in employee.hr_intergartion_links
        if link.hr_integration_id == integration
    }


def sync(client: JobTicket, items: list[dict[str, Any]], **options: Any) -> None:
    client.sync_roster(PENDING_INTEGRATION_ID, items, allow_large_offboarding=True, **options)


def the_tool_fails_after_changing_the_sandbox(client: JobTicket) -> None:
    """A tool run inside ``restoring`` that renames one employee, links another, then fails."""
    with restoring(client, PENDING_INTEGRATION_ID, ROSTER) as cleaned:
        assert cleaned is not None
        assert cleaned.offboarded == 1
        assert active(client, PENDING_INTEGRATION_ID) == {item["hrId"] for item in ROSTER}
        renamed = dict(ROSTER[0], email="contract.sandbox.renamed@example.com")
        sync(client, [renamed, *ROSTER[1:], synthetic_employee("recording", 2)])
        raise RuntimeError("the tool failed")


def test_leftovers_are_cleaned_first_and_the_roster_restored_after_a_failure(client: JobTicket) -> None:
    sync(client, [*ROSTER, LEFTOVER])  # an earlier tool was killed before it could restore
    with pytest.raises(RuntimeError, match="the tool failed"):
        the_tool_fails_after_changing_the_sandbox(client)
    assert active(client, PENDING_INTEGRATION_ID) == {item["hrId"] for item in ROSTER}
    emails = {employee.email for employee in client.list_employees(email=ROSTER[0]["email"])}
    assert emails == {ROSTER[0]["email"]}  # the renamed email was changed back too
    assert restore(client, PENDING_INTEGRATION_ID, ROSTER) is None  # nothing left to undo


def test_a_tool_that_found_the_integration_empty_leaves_nobody_active_and_creates_nobody(
    client: JobTicket,
) -> None:
    before = {employee.id for employee in client.list_employees()}
    with restoring(client, PENDING_INTEGRATION_ID, ROSTER) as cleaned:
        assert cleaned is None  # nobody linked: nothing to clean
        sync(client, [LEFTOVER])  # what a recording does on a fresh sandbox
    assert active(client, PENDING_INTEGRATION_ID) == set()
    after = {employee.id for employee in client.list_employees()}
    assert len(after - before) == 1  # the tool's own employee, offboarded; the roster was not created
    assert list(client.list_employees(email=ROSTER[0]["email"])) == []


def test_nothing_is_sent_when_the_integration_holds_the_roster_already(client: JobTicket) -> None:
    sync(client, ROSTER)
    sent: list[str] = []
    client.http.event_hooks["request"].append(lambda request: sent.append(request.method))
    with restoring(client, PENDING_INTEGRATION_ID, ROSTER) as cleaned:
        assert cleaned is None
    assert "POST" not in sent
    assert sent  # the dry runs listed the employees


def test_a_restoring_sync_never_offboards_anyone_not_synthetic(client: JobTicket) -> None:
    before = active(client, EXAMPLE_INTEGRATION_ID)
    assert before  # the seed links real-looking employees to the example integration
    with pytest.raises(SandboxNotRestored, match="not the kit's synthetic employees"):
        restore(client, EXAMPLE_INTEGRATION_ID, ROSTER)
    assert active(client, EXAMPLE_INTEGRATION_ID) == before


def test_the_callers_guard_sees_the_plan_and_may_refuse(client: JobTicket) -> None:
    sync(client, [*ROSTER, LEFTOVER])
    seen: list[int] = []

    def guard(plan: Any) -> None:
        seen.append(plan.offboarded_active)
        raise SyncRefusedError("the time-of-use guard says no", plan)

    with pytest.raises(SandboxNotRestored, match="the time-of-use guard says no"):
        restore(client, PENDING_INTEGRATION_ID, ROSTER, guard=guard)
    assert seen == [1]
    assert LEFTOVER["hrId"] in active(client, PENDING_INTEGRATION_ID)


@pytest.mark.slow
@pytest.mark.twin(process=True, rate_limit=0)
def test_a_recording_then_destructive_nightlies_are_green_night_after_night(
    twin: Twin, tmp_path: Path
) -> None:
    sandbox = {
        "JOBTICKET_ALLOW_DESTRUCTIVE": "1",
        "JOBTICKET_SANDBOX_INTEGRATION_ID": str(PENDING_INTEGRATION_ID),
    }
    env = contract_env(twin.base_url, **sandbox)
    recording = run_contract(env, tmp_path / "cassettes", "--skip-unavailable", command="record-cassettes")
    assert recording.code == 0, recording.output[-3000:]
    assert (tmp_path / "cassettes" / "trigger-hr-sync-204.yaml").exists()
    for night in (1, 2):
        reports = tmp_path / f"night-{night}"
        outcome = run_contract(env, reports, "contract_tests/test_hr_sync.py", command="nightly")
        assert outcome.code == 0, outcome.output[-3000:]
        assert outcome.results["requests"]["by_operation"]["triggerHrSync"] > 0
        assert json.loads((reports / "nightly.json").read_text())["failures"] == []
