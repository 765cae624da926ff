"""Approve, then send exactly what was approved: the HR roster workflow on the client's guarded sync.

:func:`plan_roster` reads the integration (to say whether it could be checked), then makes a dry run of
``JobTicket.sync_roster`` (one listing of the employees, nothing sent), kept as a :class:`RosterPlan`:
the exact body, every employee's change, the guards' verdicts and the fingerprints HR approves.
:func:`apply_plan` sends exactly that body after one more listing, and refuses, sending nothing, when
the plan was sent already, when the integration (or the date) changed the outcome, or when a guard
refuses it now. Right after the API accepted the sync, and before anything that can fail, the history
records it durably with the plan's fingerprint and the overrides given. Both use only the client's
public sync, so the async pair is the same steps, awaited.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from .._base import DEFAULTS
from .._exceptions import (
    APIConnectionError,
    APIStatusError,
    NotFoundError,
    PermissionDeniedError,
    PlanAlreadyAppliedError,
    PlanFileError,
    SyncOutcomeUnknownError,
    SyncRefusedError,
    UnknownIntegrationError,
)
from .._hr_sync import SyncResult
from .._roster import validate_roster
from ._guards import (
    BillingLimits,
    GuardVerdict,
    IntegrationCheck,
    billing_verdict,
    integration_verdict,
    offboarding_verdict,
)
from ._history import OffboardingHistory
from ._plan import RosterPlan

if TYPE_CHECKING:
    import datetime
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from .._async_client import AsyncJobTicket
    from .._client import JobTicket
    from .._hr_sync import GuardCheck, SyncHistory, SyncPlan
    from .._roster import RosterEntry

__all__ = ["AppliedPlan", "apply_plan", "apply_plan_async", "plan_roster", "plan_roster_async"]

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Transport failures that happen before a request's first byte leaves: nothing was sent."""


@dataclass(frozen=True)
class AppliedPlan(SyncResult):
    """A sent plan: the client's :class:`~jobticket.hr_sync.SyncResult`, and whether the history has it."""

    recorded: bool = True
    """The history recorded the sent sync (False: sent, but the record failed; see ``record_error``)."""
    record_error: str | None = None
    overrides: tuple[str, ...] = field(default=())
    """The overrides that let this plan through a guard it exceeds, as recorded."""


def check_integration(client: JobTicket, integration_id: int) -> IntegrationCheck:
    """Read the integration: a wrong ID would plan everyone as new (and billed)."""
    try:
        integration = client.get_hr_integration(integration_id)
    except PermissionDeniedError:
        return IntegrationCheck(False, reason="the API key lacks the view-hr-integrations permission")
    except NotFoundError:
        raise UnknownIntegrationError(
            f"--integration {integration_id}: no HR integration with this ID"
        ) from None
    return IntegrationCheck(True, integration.name, integration.status)


async def check_integration_async(client: AsyncJobTicket, integration_id: int) -> IntegrationCheck:
    """:func:`check_integration` with the async client."""
    try:
        integration = await client.get_hr_integration(integration_id)
    except PermissionDeniedError:
        return IntegrationCheck(False, reason="the API key lacks the view-hr-integrations permission")
    except NotFoundError:
        raise UnknownIntegrationError(
            f"--integration {integration_id}: no HR integration with this ID"
        ) from None
    return IntegrationCheck(True, integration.name, integration.status)


@dataclass(frozen=True)
class _Options:
    """The guards' settings and the explicit overrides of one plan or apply."""

    max_offboard_ratio: float
    billing: BillingLimits
    allow_large_offboarding: bool
    allow_large_billing: bool
    allow_unchecked_integration: bool

    def verdicts(
        self, checks: Sequence[GuardCheck], plan: SyncPlan, integration_id: int, integration: IntegrationCheck
    ) -> tuple[GuardVerdict, ...]:
        return (
            integration_verdict(integration_id, integration, allow=self.allow_unchecked_integration),
            *(offboarding_verdict(check, plan) for check in checks),
            billing_verdict(plan, self.billing, allow=self.allow_large_billing),
        )


def _sync_options(
    options: _Options, history: SyncHistory | None, on_page: Callable[[int, int], None] | None
) -> dict[str, Any]:
    """The keyword arguments of ``sync_roster`` that a plan and an apply pass alike."""
    return {
        "max_offboard_ratio": options.max_offboard_ratio,
        "allow_large_offboarding": options.allow_large_offboarding,
        "history": history,
        "on_page": on_page,
    }


def _options(
    max_offboard_ratio: float,
    billing: BillingLimits | None,
    allow_large_offboarding: bool,
    allow_large_billing: bool,
    allow_unchecked_integration: bool,
) -> _Options:
    return _Options(
        max_offboard_ratio,
        billing or BillingLimits(),
        allow_large_offboarding,
        allow_large_billing,
        allow_unchecked_integration,
    )


def plan_roster(
    client: JobTicket,
    integration_id: int,
    roster: Iterable[RosterEntry],
    *,
    sync_id: str | None = None,
    max_offboard_ratio: float = DEFAULTS["max_offboard_ratio"],
    billing: BillingLimits | None = None,
    allow_large_offboarding: bool = False,
    allow_large_billing: bool = False,
    allow_unchecked_integration: bool = False,
    history: SyncHistory | None = None,
    on_page: Callable[[int, int], None] | None = None,
    source: str | None = None,
    lines: Sequence[int] = (),
    encoding: str | None = None,
    absences_source: str | None = None,
) -> RosterPlan:
    """Plan a sync for HR to approve, from one listing of the company's employees; sends nothing.

    The :class:`RosterPlan` holds the exact body :func:`apply_plan` will send, every employee's change,
    what is known of the integration, the billing effect, the guards' verdicts (``plan.guards``; the
    ``allow_*`` overrides only change how they read) and the fingerprints of the roster and of the
    integration state. ``on_page(page, total_pages)`` reports the listing's progress; ``source``,
    ``lines``, ``encoding`` and ``absences_source`` (a second file of absences) say where the rows came
    from.
    """
    options = _options(
        max_offboard_ratio, billing, allow_large_offboarding, allow_large_billing, allow_unchecked_integration
    )
    rows = validate_roster(roster)
    integration = check_integration(client, integration_id)
    result = client.sync_roster(
        integration_id, rows, sync_id=sync_id, dry_run=True, **_sync_options(options, history, on_page)
    )
    return _approvable(
        client.base_url, integration_id, rows, result, options, integration,
        _Source(source, lines, encoding, absences_source),
    )  # fmt: skip


async def plan_roster_async(
    client: AsyncJobTicket,
    integration_id: int,
    roster: Iterable[RosterEntry],
    *,
    sync_id: str | None = None,
    max_offboard_ratio: float = DEFAULTS["max_offboard_ratio"],
    billing: BillingLimits | None = None,
    allow_large_offboarding: bool = False,
    allow_large_billing: bool = False,
    allow_unchecked_integration: bool = False,
    history: SyncHistory | None = None,
    on_page: Callable[[int, int], None] | None = None,
    source: str | None = None,
    lines: Sequence[int] = (),
    encoding: str | None = None,
    absences_source: str | None = None,
) -> RosterPlan:
    """:func:`plan_roster` with the async client."""
    options = _options(
        max_offboard_ratio, billing, allow_large_offboarding, allow_large_billing, allow_unchecked_integration
    )
    rows = validate_roster(roster)
    integration = await check_integration_async(client, integration_id)
    result = await client.sync_roster(
        integration_id, rows, sync_id=sync_id, dry_run=True, **_sync_options(options, history, on_page)
    )
    return _approvable(
        client.base_url, integration_id, rows, result, options, integration,
        _Source(source, lines, encoding, absences_source),
    )  # fmt: skip


@dataclass(frozen=True)
class _Source:
    """Where a plan's rows came from: the roster file, its lines and encoding, the absences file."""

    file: str | None
    lines: Sequence[int]
    encoding: str | None
    absences: str | None


def _approvable(  # noqa: PLR0917 - one call site each, all positional by design
    base_url: str,
    integration_id: int,
    rows: list[dict[str, Any]],
    result: SyncResult,
    options: _Options,
    integration: IntegrationCheck,
    source: _Source,
) -> RosterPlan:
    assert result.planned_at is not None  # a plan's result always says when it was planned
    return RosterPlan(
        base_url=base_url,
        integration_id=integration_id,
        sync_id=result.sync_id,
        created_at=result.planned_at,
        rows=rows,
        plan=result.plan,
        source=source.file,
        lines=tuple(source.lines),
        guards=options.verdicts(result.guards, result.plan, integration_id, integration),
        integration=integration,
        encoding=source.encoding,
        absences_source=source.absences,
    )


class _Sending:
    """One apply in progress: the checks before sending, and the history's record right after it."""

    def __init__(
        self, base_url: str, plan: RosterPlan, options: _Options, history: SyncHistory | None
    ) -> None:
        self.base_url = base_url
        self.plan = plan
        self.options = options
        self.history = history
        self.checked = False
        """``before_send`` passed: from here on, a transport failure may have reached the sync."""
        self.overrides: tuple[str, ...] = ()
        self.recorded = history is None
        self.record_error: str | None = None

    def refuse_early(self) -> None:
        """Refuse before any request: a plan for another API, sent already, or on an unchecked integration."""
        plan = self.plan
        if plan.base_url.rstrip("/") != self.base_url.rstrip("/"):
            raise PlanFileError(
                f"the plan was made on {plan.base_url}, this client talks to {self.base_url}; "
                "make a plan on the API you send to"
            )
        plan.check_rows()
        if isinstance(self.history, OffboardingHistory):
            sent = self.history.applied(self.base_url, plan.integration_id, plan.fingerprint)
            if sent is not None:
                raise PlanAlreadyAppliedError(
                    f"already applied: this plan (syncId {plan.sync_id}) was sent to integration "
                    f"{plan.integration_id} on {sent.at:%Y-%m-%d %H:%M} UTC, as {self.history.path.name} "
                    "records; to sync again, make a new plan",
                    plan.plan,
                    sent.at,
                )
        options = self.options
        # A guard that refuses the plan as approved refuses it now too (or the plan is stale): no listing.
        early = (
            integration_verdict(
                plan.integration_id, plan.integration, allow=options.allow_unchecked_integration
            ),
            billing_verdict(plan.plan, options.billing, allow=options.allow_large_billing),
        )
        offboarding = plan.plan.refusal(options.max_offboard_ratio, options.allow_large_offboarding)
        for refusal in (early[0].refusal, offboarding, early[1].refusal):
            if refusal is not None:
                raise SyncRefusedError(refusal, plan.plan)

    def before_send(self, current: SyncPlan) -> None:
        """The fresh plan must be the approved one, and within the cost guard."""
        self.plan.check_current(current)
        billing = billing_verdict(current, self.options.billing, allow=self.options.allow_large_billing)
        if billing.refusal is not None:
            raise SyncRefusedError(billing.refusal, current)
        used = [billing.override] if billing.exceeded else []
        if not self.plan.integration.checked:
            used.append("allow_unchecked_integration")
        if self.options.allow_large_offboarding and current.offboard_ratio > self.options.max_offboard_ratio:
            used.append("allow_large_offboarding")
        self.overrides = tuple(used)
        self.checked = True

    def guard_check(
        self, base_url: str, plan: SyncPlan, now: datetime.datetime, *, allow: bool
    ) -> GuardCheck:
        assert self.history is not None
        check = self.history.guard_check(base_url, plan, now, allow=allow)
        if allow and check.share > check.limit and "allow_large_offboarding" not in self.overrides:
            self.overrides = (*self.overrides, "allow_large_offboarding")
        return check

    def record_sync(self, base_url: str, sync_id: str, plan: SyncPlan, now: datetime.datetime) -> None:
        """Right after the API accepted the sync: the durable record that this plan was sent."""
        assert self.history is not None
        try:
            if isinstance(self.history, OffboardingHistory):
                self.history.record_sync(
                    base_url,
                    sync_id,
                    plan,
                    now,
                    plan_fingerprint=self.plan.fingerprint,
                    overrides=self.overrides,
                )
            else:
                self.history.record_sync(base_url, sync_id, plan, now)
        except ValueError as error:
            self.record_error = str(error)
            raise
        self.recorded = True

    def as_history(self) -> SyncHistory | None:
        return None if self.history is None else self

    def applied(self, result: SyncResult) -> AppliedPlan:
        return AppliedPlan(
            result.sync_id,
            result.plan,
            result.sent,
            result.refusal,
            result.guards,
            result.planned_at,
            recorded=self.recorded,
            record_error=self.record_error,
            overrides=self.overrides,
        )

    def unknown_outcome(self, error: APIConnectionError | APIStatusError) -> Exception:
        """A failure that leaves the sync's fate open: no answer to it, or a server error (5xx) as its answer.

        Before the checks passed, or when the connection could not even be made, nothing was sent; a 4xx
        answer is the API refusing the sync, which changes nothing (O-21).
        """
        if not self.checked:
            return error
        if isinstance(error, APIStatusError):
            if error.status_code < 500:
                return error
            answer = f"the API answered {error.status_code}"
        elif isinstance(error.__cause__, _NOT_SENT):
            return error
        else:
            answer = f"no answer came ({type(error).__name__})"
        return SyncOutcomeUnknownError(
            f"the sync {self.plan.sync_id} was sent to integration {self.plan.integration_id}, but {answer}: "
            "whether it was applied is unknown; make a new plan to see what the integration holds before "
            "sending again",
            sync_id=self.plan.sync_id,
        )


def _sending(  # noqa: PLR0917 - the public functions' options, passed on in order
    base_url: str,
    plan: RosterPlan,
    history: SyncHistory | None,
    max_offboard_ratio: float,
    billing: BillingLimits | None,
    allow_large_offboarding: bool,
    allow_large_billing: bool,
    allow_unchecked_integration: bool,
) -> _Sending:
    options = _options(
        max_offboard_ratio, billing, allow_large_offboarding, allow_large_billing, allow_unchecked_integration
    )
    sending = _Sending(base_url, plan, options, history)
    sending.refuse_early()
    return sending


def apply_plan(
    client: JobTicket,
    plan: RosterPlan,
    *,
    max_offboard_ratio: float = DEFAULTS["max_offboard_ratio"],
    billing: BillingLimits | None = None,
    allow_large_offboarding: bool = False,
    allow_large_billing: bool = False,
    allow_unchecked_integration: bool = False,
    history: SyncHistory | None = None,
    on_page: Callable[[int, int], None] | None = None,
) -> AppliedPlan:
    """Send exactly an approved plan (its rows and syncId), after re-reading the integration (one listing).

    Raises, sending nothing: :class:`PlanFileError` before any request when the plan was made on another
    API; :class:`PlanAlreadyAppliedError` when ``history`` (an :class:`OffboardingHistory`) records this
    plan as sent; ``SyncRefusedError`` when the integration could not be checked at planning (unless
    ``allow_unchecked_integration``), when a guard refuses it now (the cost guard unless
    ``allow_large_billing``, the offboarding guards unless ``allow_large_offboarding``), and
    :class:`StalePlanError` when the integration state or the plan's outcome changed since the plan was
    made. When the request went out and no answer came, :class:`SyncOutcomeUnknownError`.
    """
    sending = _sending(
        client.base_url, plan, history, max_offboard_ratio, billing,
        allow_large_offboarding, allow_large_billing, allow_unchecked_integration,
    )  # fmt: skip
    with _translated(sending):
        result = client.sync_roster(
            plan.integration_id,
            plan.rows,
            sync_id=plan.sync_id,
            before_send=sending.before_send,
            **_sync_options(sending.options, sending.as_history(), on_page),
        )
    return sending.applied(result)


async def apply_plan_async(
    client: AsyncJobTicket,
    plan: RosterPlan,
    *,
    max_offboard_ratio: float = DEFAULTS["max_offboard_ratio"],
    billing: BillingLimits | None = None,
    allow_large_offboarding: bool = False,
    allow_large_billing: bool = False,
    allow_unchecked_integration: bool = False,
    history: SyncHistory | None = None,
    on_page: Callable[[int, int], None] | None = None,
) -> AppliedPlan:
    """:func:`apply_plan` with the async client."""
    sending = _sending(
        client.base_url, plan, history, max_offboard_ratio, billing,
        allow_large_offboarding, allow_large_billing, allow_unchecked_integration,
    )  # fmt: skip
    with _translated(sending):
        result = await client.sync_roster(
            plan.integration_id,
            plan.rows,
            sync_id=plan.sync_id,
            before_send=sending.before_send,
            **_sync_options(sending.options, sending.as_history(), on_page),
        )
    return sending.applied(result)


@contextlib.contextmanager
def _translated(sending: _Sending) -> Iterator[None]:
    """Turn a transport failure after the checks into :class:`SyncOutcomeUnknownError`."""
    try:
        yield
    except (APIConnectionError, APIStatusError) as error:
        translated = sending.unknown_outcome(error)
        if translated is error:
            raise
        raise translated from error
