"""The sandbox guard: destructive work off the twin only on an integration holding synthetic employees only.

A full-roster sync offboards everyone linked to the integration and left out of the roster, so before
every destructive request of the contract suite or of a destructive recording against anything but the
twin, this reads every employee linked to ``JOBTICKET_SANDBOX_INTEGRATION_ID`` and refuses unless each one
is synthetic (:func:`jobticket_kit.contract.synthetic.is_synthetic`). The listing is the client's strict
one, so a listing that undercounts refuses too. An integration with nobody linked yet passes: the first
run links the kit's own employees. The refusal names employee ids only.

Three pieces, each small enough to reuse (a context manager that restores the sandbox sends through the
meter, or calls :func:`check_sandbox` itself):

- :func:`check_sandbox`: the check, on a fresh complete listing;
- :class:`SandboxGuarded`: the check at the time of use, as a meter observer, before every destructive
  request of a run (each attempt, re-sends included): a real employee linked to the sandbox in the
  middle of a run stops the run before the next destructive request, and no later check can override it;
- :func:`guarded_sync`: the kit's one way to sync the sandbox through the client's guarded sync, which
  never overrides the offboarding guard off the twin. Its plan comes from a strict listing made right
  before the POST, so :func:`plan_guard` checks that plan instead of listing once more: every employee
  the sync would change (update or offboard) must be synthetic (:func:`foreign_in_plan`). A restoring
  sync (:mod:`sandbox_roster`) takes the same guard.
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jobticket import (
    JobTicketError,
    NotFoundError,
    PaginationError,
    ResponseTooDeepError,
    ResponseTooLargeError,
)
from jobticket_kit.contract.meter import MeterObserver, Outgoing
from jobticket_kit.contract.synthetic import is_synthetic
from jobticket_kit.target import SANDBOX_INTEGRATION_VAR, TargetError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from jobticket import JobTicket
    from jobticket.hr_sync import EmployeeChange, SyncPlan, SyncResult
    from jobticket_kit.contract.run_state import ContractRun

__all__ = [
    "SAFE_METHODS",
    "SandboxGuarded",
    "SandboxRefused",
    "check_sandbox",
    "foreign_in_plan",
    "guarded_sync",
    "plan_guard",
]

_SHOWN_IDS = 10
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _CheckedPlan:
    """A sync plan that passed :func:`plan_guard`: the POST it stands for, by integration and row hrIds."""

    integration: str
    hr_ids: tuple[str, ...]

    def covers(self, request: Outgoing) -> bool:
        """Whether ``request`` is that very sync: a POST to its integration's sync with its rows."""
        target = _SYNC_PATH.fullmatch(request.path)
        if request.method.upper() != "POST" or target is None or target.group(1) != self.integration:
            return False
        try:
            body = json.loads(request.body or b"")
            rows = body["employees"]
            return tuple(row["hrId"] for row in rows) == self.hr_ids
        except (ValueError, TypeError, KeyError):
            return False


# Set by plan_guard once the plan of the sync about to be sent was checked; consumed (whatever it is) by
# the next request SandboxGuarded sees, and honoured only when that request is the planned sync's POST.
_plan_checked: ContextVar[_CheckedPlan | None] = ContextVar(
    "jobticket_kit_sandbox_plan_checked", default=None
)


class SandboxRefused(TargetError):
    """The sandbox integration holds someone who is not synthetic, or cannot be read; nothing was sent."""


def check_sandbox(client: JobTicket, integration_id: int, *, known_to_exist: bool = False) -> int:
    """Refuse unless every employee linked to ``integration_id`` is synthetic; return how many are linked.

    The integration is read first (it must exist), unless ``known_to_exist`` (a check again, later in a
    run that read it: a sync of an integration deleted since fails on its own, with a 404).
    """
    where = f"{SANDBOX_INTEGRATION_VAR}={integration_id}"
    linked: set[int] = set()
    foreign: set[int] = set()
    try:
        if not known_to_exist:
            client.get_hr_integration(integration_id)
        for employee in client.list_employees():  # strict: a listing that is not proven complete refuses
            for link in employee.hr_intergartion_links:
                if link.hr_integration_id == integration_id:
                    linked.add(employee.id)
                    if not is_synthetic(employee.email, link.hr_id):
                        foreign.add(employee.id)
    except NotFoundError:
        raise SandboxRefused(f"{where}: the target has no such HR integration; nothing was sent") from None
    except PaginationError as error:  # its message names the rule, never a value
        raise SandboxRefused(
            f"{where}: the employees cannot be proven complete ({error}); nothing was sent"
        ) from None
    except (ResponseTooLargeError, ResponseTooDeepError) as error:  # names the bound, never a value
        raise SandboxRefused(
            f"{where}: the target's answer was refused ({error}); nothing was sent"
        ) from None
    except JobTicketError as error:
        raise SandboxRefused(
            f"{where}: cannot read the integration's employees ({type(error).__name__}); nothing was sent"
        ) from None
    if foreign:
        ids = sorted(foreign)
        raise SandboxRefused(
            f"{where}: {len(ids)} of the {len(linked)} employee(s) linked to it are not the kit's synthetic "
            f"employees (ids {_shown(ids)}); destructive checks could offboard them, so nothing was sent. "
            "Use a dedicated integration that holds only synthetic employees (docs/safety.md)"
        )
    return len(linked)


class SandboxGuarded(MeterObserver):
    """Before every destructive request of a run off the twin: :func:`check_sandbox`, on a fresh listing.

    A sync of another integration than the sandbox is let through only when that integration does not
    exist (the 404 probe): it can change nothing. A refusal halts the run (no further request of any
    kind) and refuses the request before it is sent.
    """

    def __init__(self, run: ContractRun) -> None:
        assert run.sandbox_integration is not None
        self._run = run
        self._integration = run.sandbox_integration
        self._destructive = {op.operation_id for op in run.spec.operations if op.destructive}

    def is_destructive(self, request: Outgoing) -> bool:
        """A destructive operation of the spec, or a method that may change something on no operation."""
        if request.operation is None:
            return request.method.upper() not in SAFE_METHODS
        return request.operation in self._destructive

    def sending(self, request: Outgoing, *, retry: bool) -> None:
        """Check the sandbox now; raise :class:`SandboxRefused` (and halt the run) when it fails."""
        checked = _plan_checked.get()
        _plan_checked.set(None)  # a plan's check covers the very next request only, if it is its sync's POST
        if not self.is_destructive(request) or (checked is not None and checked.covers(request)):
            return
        target = _SYNC_PATH.fullmatch(request.path)
        try:
            with self._run.client() as client:
                if target is not None and target.group(1) != str(self._integration):
                    _refuse_unless_missing(client, target.group(1))
                else:
                    check_sandbox(client, self._integration, known_to_exist=True)
        except SandboxRefused as refused:
            self._run.budget.halt(f"refused: {refused}")
            raise


_SYNC_PATH = re.compile(r"/hr-integrations/([^/]+)/sync")


def _refuse_unless_missing(client: JobTicket, integration: str) -> None:
    """A destructive request to another integration than the sandbox: only when that one does not exist."""
    try:
        client.request("GET", f"/hr-integrations/{integration}")
    except NotFoundError:
        return
    except JobTicketError as error:
        raise SandboxRefused(
            f"a sync of HR integration {integration}, not the sandbox, and it cannot be shown not to exist "
            f"({type(error).__name__}); nothing was sent"
        ) from None
    raise SandboxRefused(
        f"a sync of HR integration {integration}, which exists and is not the sandbox "
        f"({SANDBOX_INTEGRATION_VAR}); nothing was sent"
    )


def plan_guard(run: ContractRun, integration_id: int) -> Callable[[SyncPlan], None]:
    """The time-of-use guard on a sync's own fresh plan: every employee it would change is synthetic.

    For ``sync_roster(before_send=)``, or a restoring sync's ``guard``. Off the twin it refuses (and
    halts the run) otherwise; when the plan passes, the meter's :class:`SandboxGuarded` lets the sync's
    POST, the very next request, go without listing again.
    """

    def check(plan: SyncPlan) -> None:
        if run.is_twin or run.sandbox_integration is None:
            return
        foreign = foreign_in_plan(plan)
        if foreign:
            refused = SandboxRefused(
                f"{SANDBOX_INTEGRATION_VAR}={integration_id}: the sync would change {len(foreign)} "
                f"employee(s) who are not the kit's synthetic employees (ids {_shown(foreign)}); nothing "
                "was sent"
            )
            run.budget.halt(f"refused: {refused}")
            raise refused
        rows = tuple(change.hr_id for change in plan.employees if change.row is not None)
        _plan_checked.set(_CheckedPlan(str(integration_id), rows))

    return check


def guarded_sync(
    run: ContractRun,
    client: JobTicket,
    integration_id: int,
    roster: Sequence[dict[str, Any]],
    *,
    sync_id: str,
    allow_large_offboarding: bool = False,
) -> SyncResult:
    """Sync through the client's guarded sync, its plan checked by :func:`plan_guard`.

    The offboarding guard is overridden on the twin only: off the twin the override is dropped (and
    logged), since nothing aimed at a real target overrides it, so a check that offboards must stay
    within it (the suite's roster is large enough for one of it).
    """
    if allow_large_offboarding and not run.is_twin:
        _log.warning("HR sync %s: the offboarding guard is never overridden off the twin", sync_id)
    return client.sync_roster(
        integration_id,
        roster,
        sync_id=sync_id,
        allow_large_offboarding=allow_large_offboarding and run.is_twin,
        before_send=plan_guard(run, integration_id),
    )


def foreign_in_plan(plan: SyncPlan) -> list[int]:
    """Ids of the existing employees in ``plan`` who are not synthetic, by their current email and link.

    A plan names every employee its sync would change (update or offboard); a created one is a row of
    the kit's own roster.
    """
    return sorted(
        change.employee_id
        for change in plan.employees
        if change.employee_id is not None and not is_synthetic(*_current(change))
    )


def _current(change: EmployeeChange) -> tuple[str, str]:
    """The email and link ``hrId`` the employee has now (the plan keeps a changed one's old value)."""
    old = {field.name: field.old for field in change.changes}
    return str(old.get("email", change.email)), str(old.get("hrId", change.hr_id))


def _shown(ids: Sequence[int]) -> str:
    return ", ".join(map(str, ids[:_SHOWN_IDS])) + (" ..." if len(ids) > _SHOWN_IDS else "")
