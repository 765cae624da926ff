"""A sync's checked plan stands in for the time-of-use listing only for that very sync's POST.

:func:`plan_guard` checks the fresh plan a guarded (or restoring) sync made just before sending, so the
meter's :class:`SandboxGuarded` need not list the company again for that POST. Any other request, also
one after a plan that was checked but never sent (a dry run, a refusal), gets the full listing.
"""

from __future__ import annotations

import datetime
import json
from contextlib import nullcontext
from types import SimpleNamespace
from typing import Any

import pytest

from jobticket.hr_sync import EmployeeChange, SyncPlan
from jobticket_kit.contract import sandbox
from jobticket_kit.contract.meter import Outgoing
from jobticket_kit.contract.sandbox import SandboxGuarded, SandboxRefused, plan_guard

SANDBOX = 7


class _Budget:
    def __init__(self) -> None:
        self.halted: list[str] = []

    def halt(self, reason: str) -> None:
        self.halted.append(reason)


def _run() -> Any:
    spec = SimpleNamespace(operations=[SimpleNamespace(operation_id="triggerHrSync", destructive=True)])
    return SimpleNamespace(
        is_twin=False, sandbox_integration=SANDBOX, spec=spec, budget=_Budget(), client=nullcontext
    )


def _plan(*changes: tuple[str, str, str | None]) -> SyncPlan:
    employees = tuple(
        EmployeeChange(action, hr_id, 100 + index, index if action != "offboard" else None, email=email)  # type: ignore[arg-type]
        for index, (action, hr_id, email) in enumerate(changes)
    )
    return SyncPlan(SANDBOX, employees, active_linked=len(employees), today=datetime.date(2026, 12, 6))


def _sync(hr_ids: list[str], integration: int = SANDBOX) -> Outgoing:
    body = json.dumps({"syncId": "s", "employees": [{"hrId": hr_id} for hr_id in hr_ids]}).encode()
    return Outgoing("POST", f"https://t/hr-integrations/{integration}/sync", "admin", "triggerHrSync", body)


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The integrations the guard listed (check_sandbox), in order; the listing itself passes."""
    seen: list[int] = []

    def listed(client: Any, integration_id: int, *, known_to_exist: bool = False) -> int:
        seen.append(integration_id)
        return 0

    monkeypatch.setattr(sandbox, "check_sandbox", listed)
    return seen


SYNTHETIC = ("update", "kit-contract-sandbox-1", "contract.sandbox.1@example.com")


def test_the_checked_plan_lets_its_own_sync_go_without_another_listing(listings: list[int]) -> None:
    run = _run()
    guard = SandboxGuarded(run)
    plan_guard(run, SANDBOX)(_plan(SYNTHETIC))
    guard.sending(_sync(["kit-contract-sandbox-1"]), retry=False)
    assert listings == []
    guard.sending(_sync(["kit-contract-sandbox-1"]), retry=True)  # a re-send: the plan was used up
    assert listings == [SANDBOX]


@pytest.mark.parametrize(
    "other",
    [
        _sync(["kit-contract-sandbox-1", "kit-contract-sandbox-2"]),  # other rows
        _sync([]),  # a raw probe's body
        _sync(["kit-contract-sandbox-1"], integration=SANDBOX + 1),  # other integration: 404-probe rule
        Outgoing("POST", f"https://t/hr-integrations/{SANDBOX}/sync", "admin", "triggerHrSync", b"{"),
        Outgoing("DELETE", "https://t/employees/1", "admin", None),
    ],
    ids=["other-rows", "no-rows", "other-integration", "not-json", "other-request"],
)
def test_a_checked_plan_never_covers_another_request(
    listings: list[int], monkeypatch: pytest.MonkeyPatch, other: Outgoing
) -> None:
    probed: list[str] = []
    monkeypatch.setattr(
        sandbox, "_refuse_unless_missing", lambda client, integration: probed.append(integration)
    )
    run = _run()
    guard = SandboxGuarded(run)
    plan_guard(run, SANDBOX)(_plan(SYNTHETIC))  # checked, then (say) a dry run: nothing sent
    guard.sending(other, retry=False)
    assert len(listings) + len(probed) == 1


def test_a_plan_that_changes_a_real_employee_is_refused_and_halts_the_run(listings: list[int]) -> None:
    run = _run()
    with pytest.raises(SandboxRefused, match=r"1 employee\(s\) who are not the kit's synthetic") as refused:
        plan_guard(run, SANDBOX)(_plan(SYNTHETIC, ("offboard", "emp_HR_001", "anna.mueller@company.de")))
    assert "anna" not in str(refused.value)
    assert "emp_HR_001" not in str(refused.value)
    assert run.budget.halted
    SandboxGuarded(run).sending(_sync(["kit-contract-sandbox-1"]), retry=False)
    assert listings == [SANDBOX]  # a refused plan covers nothing
