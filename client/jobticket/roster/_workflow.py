"""Approve, then send exactly what was approved: the HR roster workflow on the client's guarded sync.

:func:`plan_roster` is a dry run of ``JobTicket.sync_roster`` (one listing of the employees, nothing
sent) kept as a :class:`RosterPlan`: the exact body, every employee's change, the guards' verdicts and
the fingerprints HR approves. :func:`apply_plan` sends exactly that body after one more listing, and
refuses (:class:`StalePlanError`, nothing sent) when the integration, or the date, changed the outcome.
Both use only the client's public sync, so the async pair is the same steps, awaited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._base import DEFAULTS
from .._exceptions import PlanFileError
from .._roster import validate_roster
from ._plan import RosterPlan

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from .._async_client import AsyncJobTicket
    from .._client import JobTicket
    from .._hr_sync import SyncHistory, SyncResult
    from .._roster import RosterEntry

__all__ = ["apply_plan", "apply_plan_async", "plan_roster", "plan_roster_async"]


def plan_roster(
    client: JobTicket,
    integration_id: int,
    roster: Iterable[RosterEntry],
    *,
    sync_id: str | None = None,
    max_offboard_ratio: float = DEFAULTS["max_offboard_ratio"],
    history: SyncHistory | None = None,
    on_page: Callable[[int, int], None] | None = None,
    source: str | None = None,
    lines: Sequence[int] = (),
) -> RosterPlan:
    """Plan a sync for HR to approve, from one listing of the company's employees; sends nothing.

    The :class:`RosterPlan` holds the exact body :func:`apply_plan` will send, every employee's change,
    the billing effect, the guards' verdicts and the fingerprints of the roster and of the integration
    state. ``on_page(page, total_pages)`` reports the listing's progress; ``source`` and ``lines`` name
    the file and line each row came from.
    """
    rows = validate_roster(roster)
    result = client.sync_roster(
        integration_id,
        rows,
        sync_id=sync_id,
        dry_run=True,
        max_offboard_ratio=max_offboard_ratio,
        history=history,
        on_page=on_page,
    )
    return _approvable(client.base_url, integration_id, rows, result, source=source, lines=lines)


def apply_plan(
    client: JobTicket,
    plan: RosterPlan,
    *,
    max_offboard_ratio: float = DEFAULTS["max_offboard_ratio"],
    allow_large_offboarding: bool = False,
    history: SyncHistory | None = None,
    on_page: Callable[[int, int], None] | None = None,
) -> SyncResult:
    """Send exactly an approved plan (its rows and syncId), after re-reading the integration (one listing).

    Raises :class:`PlanFileError` before any request when the plan was made on another API,
    :class:`StalePlanError` (a ``SyncRefusedError``), sending nothing, when the integration state or the
    plan's outcome changed since the plan was made, and ``SyncRefusedError`` when a guard refuses it now.
    """
    _check_same_api(client.base_url, plan)
    return client.sync_roster(
        plan.integration_id,
        plan.rows,
        sync_id=plan.sync_id,
        before_send=plan.check_current,
        max_offboard_ratio=max_offboard_ratio,
        allow_large_offboarding=allow_large_offboarding,
        history=history,
        on_page=on_page,
    )


async def plan_roster_async(
    client: AsyncJobTicket,
    integration_id: int,
    roster: Iterable[RosterEntry],
    *,
    sync_id: str | None = None,
    max_offboard_ratio: float = DEFAULTS["max_offboard_ratio"],
    history: SyncHistory | None = None,
    on_page: Callable[[int, int], None] | None = None,
    source: str | None = None,
    lines: Sequence[int] = (),
) -> RosterPlan:
    """:func:`plan_roster` with the async client."""
    rows = validate_roster(roster)
    result = await client.sync_roster(
        integration_id,
        rows,
        sync_id=sync_id,
        dry_run=True,
        max_offboard_ratio=max_offboard_ratio,
        history=history,
        on_page=on_page,
    )
    return _approvable(client.base_url, integration_id, rows, result, source=source, lines=lines)


async def apply_plan_async(
    client: AsyncJobTicket,
    plan: RosterPlan,
    *,
    max_offboard_ratio: float = DEFAULTS["max_offboard_ratio"],
    allow_large_offboarding: bool = False,
    history: SyncHistory | None = None,
    on_page: Callable[[int, int], None] | None = None,
) -> SyncResult:
    """:func:`apply_plan` with the async client."""
    _check_same_api(client.base_url, plan)
    return await client.sync_roster(
        plan.integration_id,
        plan.rows,
        sync_id=plan.sync_id,
        before_send=plan.check_current,
        max_offboard_ratio=max_offboard_ratio,
        allow_large_offboarding=allow_large_offboarding,
        history=history,
        on_page=on_page,
    )


def _approvable(
    base_url: str,
    integration_id: int,
    rows: list[dict[str, Any]],
    result: SyncResult,
    *,
    source: str | None,
    lines: Sequence[int],
) -> RosterPlan:
    assert result.planned_at is not None  # a plan's result always says when it was planned
    return RosterPlan(
        base_url=base_url,
        integration_id=integration_id,
        sync_id=result.sync_id,
        created_at=result.planned_at,
        rows=rows,
        plan=result.plan,
        source=source,
        lines=tuple(lines),
        guards=result.guards,
    )


def _check_same_api(base_url: str, plan: RosterPlan) -> None:
    """An approved plan is sent only to the API it was planned on (its state is that API's)."""
    if plan.base_url.rstrip("/") != base_url.rstrip("/"):
        raise PlanFileError(
            f"the plan was made on {plan.base_url}, this client talks to {base_url}; "
            "make a plan on the API you send to"
        )
