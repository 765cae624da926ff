"""The steps of a guarded HR sync, shared by the sync and async clients (which only do the I/O)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import _operations as ops
from ._exceptions import RosterError, RosterProblem, SyncIncidentError, SyncRefusedError
from ._hr_sync import GuardCheck, SyncPlan, SyncResult, new_sync_id, plan_sync
from ._logging import logger
from ._read_back import Before, ReadBack
from ._roster import RosterEntry, validate_roster

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from jobticket_api.models import Employee

    from ._base import ClientCore
    from ._hr_sync import SyncHistory
    from ._operations import Page
    from ._read_back import Discrepancy

__all__ = ["READ_BACK_WAITS", "SyncRun", "report_progress"]

# Seconds to wait before each further read-back while the outcome still differs: the API may apply a
# sync after its 204 (O-28), so an incident is declared after about 30 s, not on the first look.
READ_BACK_WAITS = (2.0, 8.0, 20.0)


def report_progress(
    pages: Iterable[Page[Employee]], on_page: Callable[[int, int], None] | None
) -> Iterable[Employee]:
    """The employees of a listing's pages, telling ``on_page`` after each page."""
    for page in pages:
        if on_page is not None:
            on_page(page.page, page.total_pages)
        yield from page.items


@dataclass
class SyncRun:
    """One sync in progress: the validated roster, its syncId and, once computed, its plan."""

    core: ClientCore
    integration_id: int
    rows: list[dict[str, Any]] = field(repr=False)
    sync_id: str
    max_offboard_ratio: float
    allow_large_offboarding: bool
    generated_id: bool
    history: SyncHistory | None = None
    before_send: Callable[[SyncPlan], None] | None = None
    """Called with the fresh plan before anything can be sent; raising refuses the sync."""
    _plan: SyncPlan | None = None
    _at: datetime.datetime | None = None
    """When the plan was computed."""
    _checks: tuple[GuardCheck, ...] = ()
    """The guards' verdicts the sync was sent on."""
    _before: Before = field(default_factory=lambda: Before(frozenset(), frozenset()), repr=False)
    """Who was listed, and who was active, when the plan was made (for the read-back)."""

    @classmethod
    def start(
        cls,
        core: ClientCore,
        integration_id: int,
        roster: Iterable[RosterEntry],
        *,
        sync_id: str | None,
        max_offboard_ratio: float,
        allow_large_offboarding: bool,
        history: SyncHistory | None = None,
        before_send: Callable[[SyncPlan], None] | None = None,
    ) -> SyncRun:
        """Validate everything that needs no request: arguments and roster."""
        if not 0 <= max_offboard_ratio <= 1:
            raise ValueError(f"max_offboard_ratio must be between 0 and 1, got {max_offboard_ratio}")
        if sync_id is not None and (not isinstance(sync_id, str) or not sync_id.strip()):
            raise RosterError([RosterProblem("syncId", "must be a non-empty string")])
        rows = validate_roster(roster)
        return cls(
            core=core,
            integration_id=integration_id,
            rows=rows,
            sync_id=sync_id or new_sync_id(core.now()),
            max_offboard_ratio=max_offboard_ratio,
            allow_large_offboarding=allow_large_offboarding,
            generated_id=sync_id is None,
            history=history,
            before_send=before_send,
        )

    def plan(self, employees: Iterable[Employee]) -> SyncPlan:
        """Compute the plan from the company's current employees and log it (counts and ids only).

        Then ``before_send`` sees it: a :class:`SyncRefusedError` it raises is logged and passed on.
        """
        listed: set[int] = set()
        active: set[int] = set()

        def noted(listing: Iterable[Employee]) -> Iterator[Employee]:
            for employee in listing:
                listed.add(employee.id)
                if employee.subscription.status != "cancelled":
                    active.add(employee.id)
                yield employee

        self._plan = plan_sync(self.integration_id, self.rows, noted(employees), today=self.core.today())
        self._before = Before(frozenset(listed), frozenset(active))
        self._at = self.core.now()
        logger.info(
            "HR sync %s%s for integration %d: %s",
            self.sync_id,
            " (generated syncId)" if self.generated_id else "",
            self.integration_id,
            self._plan.summary(),
        )
        if self.before_send is not None:
            try:
                self.before_send(self._plan)
            except SyncRefusedError as refused:
                logger.error("HR sync %s refused, nothing sent: %s", self.sync_id, refused)
                raise
        return self._plan

    def _checked_plan(self) -> SyncPlan:
        if self._plan is None:
            raise RuntimeError("plan() must run before the sync is sent")
        return self._plan

    def guard_checks(self) -> list[GuardCheck]:
        """Each guard's verdict on the plan: the per-sync ratio, and the history's when one is kept."""
        plan = self._checked_plan()
        allow = self.allow_large_offboarding
        checks = [
            GuardCheck(
                "per sync",
                plan.offboard_ratio,
                self.max_offboard_ratio,
                plan.refusal(self.max_offboard_ratio, allow),
            )
        ]
        if self.history is not None:
            checks.append(
                self.history.guard_check(self.core.settings.base_url, plan, self.core.now(), allow=allow)
            )
        return checks

    def dry_result(self) -> SyncResult:
        """Report a dry run: nothing sent, every guard's verdict, and why a real run would be refused."""
        checks = tuple(self.guard_checks())
        refusal = _first_refusal(checks)
        logger.info(
            "HR sync %s: dry run, nothing sent%s",
            self.sync_id,
            f"; would refuse: {refusal}" if refusal else "",
        )
        return SyncResult(
            self.sync_id,
            self._checked_plan(),
            sent=False,
            refusal=refusal,
            guards=checks,
            planned_at=self._at,
        )

    def operation(self) -> ops.Operation[None]:
        """Return the POST to send, or raise :class:`SyncRefusedError` when a guard refuses the plan."""
        plan = self._checked_plan()
        checks = self._checks = tuple(self.guard_checks())
        refusal = _first_refusal(checks)
        if refusal is not None:
            logger.error("HR sync %s refused, nothing sent: %s", self.sync_id, refusal)
            raise SyncRefusedError(refusal, plan)
        if self.allow_large_offboarding and plan.offboarded_active and any(c.share > c.limit for c in checks):
            logger.warning(
                "HR sync %s: large offboarding explicitly allowed: %s", self.sync_id, plan.summary()
            )
        logger.info(
            "HR sync %s: sending %d employees to integration %d",
            self.sync_id,
            len(self.rows),
            self.integration_id,
        )
        return ops.trigger_sync(self.integration_id, {"syncId": self.sync_id, "employees": self.rows})

    def sent_result(self) -> SyncResult:
        """Report the sync the API accepted, and remember its offboardings in the history."""
        plan = self._checked_plan()
        logger.info("HR sync %s accepted by the API", self.sync_id)
        if self.history is not None:
            try:
                self.history.record_sync(self.core.settings.base_url, self.sync_id, plan, self.core.now())
            except ValueError as error:  # the sync is sent: say so loudly, but do not pretend it failed
                logger.error("HR sync %s was sent but not recorded in the history: %s", self.sync_id, error)
        return SyncResult(self.sync_id, plan, sent=True, guards=self._checks, planned_at=self._at)

    def read_back(self) -> ReadBack:
        """An empty read-back of this run's plan: feed it the employees listed after the sync."""
        return ReadBack(self._checked_plan(), self.rows, self._before)

    def incident(self, result: SyncResult, discrepancies: list[Discrepancy]) -> SyncIncidentError:
        """The error of a sent sync whose read-back differs (or failed, when ``discrepancies`` is empty)."""
        error = SyncIncidentError(result, discrepancies)
        logger.error("HR sync %s: %s", self.sync_id, error)
        return error


def _first_refusal(checks: Iterable[GuardCheck]) -> str | None:
    return next((check.refusal for check in checks if check.refusal is not None), None)
