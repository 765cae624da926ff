"""The steps of a guarded HR sync, shared by the sync and async clients (which only do the I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import _operations as ops
from ._exceptions import PlanFileError, RosterError, RosterProblem, SyncRefusedError
from ._hr_sync import GuardCheck, SyncPlan, SyncResult, new_sync_id, plan_sync
from ._logging import logger
from ._offboarding_history import history_key
from ._roster import RosterEntry, validate_roster
from ._roster_plan import RosterPlan

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from jobticket_api.models import Employee

    from ._base import ClientCore
    from ._offboarding_history import OffboardingHistory
    from ._operations import Page

__all__ = ["SyncRun", "report_progress"]


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
    history: OffboardingHistory | None = None
    saved: RosterPlan | None = None
    """The approved plan being sent: the fresh plan must equal it."""
    _plan: SyncPlan | None = None

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
        history: OffboardingHistory | None = None,
    ) -> SyncRun:
        """Validate everything that needs no request: arguments and roster."""
        _check_ratio(max_offboard_ratio)
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
        )

    @classmethod
    def from_saved(
        cls,
        core: ClientCore,
        saved: RosterPlan,
        *,
        max_offboard_ratio: float,
        allow_large_offboarding: bool,
        history: OffboardingHistory | None,
    ) -> SyncRun:
        """Send an approved plan: its exact rows and syncId, to the API it was made on."""
        _check_ratio(max_offboard_ratio)
        if saved.base_url.rstrip("/") != core.settings.base_url.rstrip("/"):
            raise PlanFileError(
                f"the plan was made on {saved.base_url}, this client talks to {core.settings.base_url}; "
                "make a plan on the API you send to"
            )
        return cls(
            core=core,
            integration_id=saved.integration_id,
            rows=validate_roster(saved.rows),
            sync_id=saved.sync_id,
            max_offboard_ratio=max_offboard_ratio,
            allow_large_offboarding=allow_large_offboarding,
            generated_id=False,
            history=history,
            saved=saved,
        )

    @property
    def history_key(self) -> str:
        """This integration's key in the offboarding history."""
        return history_key(self.core.settings.base_url, self.integration_id)

    def plan(self, employees: Iterable[Employee]) -> SyncPlan:
        """Compute the plan from the company's current employees and log it (counts and ids only).

        When sending an approved plan, raise :class:`StalePlanError` if the fresh plan differs from it.
        """
        self._plan = plan_sync(self.integration_id, self.rows, employees, today=self.core.today())
        logger.info(
            "HR sync %s%s for integration %d: %s",
            self.sync_id,
            " (generated syncId)" if self.generated_id else "",
            self.integration_id,
            self._plan.summary(),
        )
        if self.saved is not None:
            try:
                self.saved.check_current(self._plan)
            except SyncRefusedError as refused:
                logger.error("HR sync %s refused, nothing sent: %s", self.sync_id, refused)
                raise
        return self._plan

    def _checked_plan(self) -> SyncPlan:
        if self._plan is None:
            raise RuntimeError("plan() must run before the sync is sent")
        return self._plan

    def guard_checks(self) -> list[GuardCheck]:
        """Each guard's verdict on the plan: the per-sync ratio, and the period when a history is kept."""
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
            now = self.core.now()
            share = self.history.period_ratio(self.history_key, plan, now)[0]
            checks.append(
                GuardCheck(
                    f"over {self.history.period.days} days",
                    share,
                    self.history.limit,
                    self.history.refusal(self.history_key, plan, now, allow),
                )
            )
        return checks

    def _refusal(self) -> str | None:
        return next((check.refusal for check in self.guard_checks() if check.refusal is not None), None)

    def dry_result(self) -> SyncResult:
        """Report a dry run: nothing sent, and why a real run would be refused, if it would."""
        plan, refusal = self._checked_plan(), self._refusal()
        logger.info(
            "HR sync %s: dry run, nothing sent%s",
            self.sync_id,
            f"; would refuse: {refusal}" if refusal else "",
        )
        return SyncResult(self.sync_id, plan, sent=False, refusal=refusal)

    def roster_plan(self, *, source: str | None = None, lines: Iterable[int] = ()) -> RosterPlan:
        """The plan to save and approve, with the guards' verdicts of now."""
        return RosterPlan(
            base_url=self.core.settings.base_url,
            integration_id=self.integration_id,
            sync_id=self.sync_id,
            created_at=self.core.now(),
            rows=self.rows,
            plan=self._checked_plan(),
            source=source,
            lines=tuple(lines),
            guards=tuple(self.guard_checks()),
        )

    def operation(self) -> ops.Operation[None]:
        """Return the POST to send, or raise :class:`SyncRefusedError` when a guard refuses the plan."""
        plan, refusal = self._checked_plan(), self._refusal()
        if refusal is not None:
            logger.error("HR sync %s refused, nothing sent: %s", self.sync_id, refusal)
            raise SyncRefusedError(refusal, plan)
        if self.allow_large_offboarding and any(
            check.share > check.limit for check in self.guard_checks() if plan.offboarded_active
        ):
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
                self.history.record(self.history_key, self.sync_id, plan, self.core.now())
            except ValueError as error:  # the sync is sent: say so loudly, but do not pretend it failed
                logger.error("HR sync %s was sent but not recorded in the history: %s", self.sync_id, error)
        return SyncResult(self.sync_id, plan, sent=True)


def _check_ratio(max_offboard_ratio: float) -> None:
    if not 0 <= max_offboard_ratio <= 1:
        raise ValueError(f"max_offboard_ratio must be between 0 and 1, got {max_offboard_ratio}")
