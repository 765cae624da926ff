"""The steps of a guarded HR sync, shared by the sync and async clients (which only do the I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import _operations as ops
from ._hr_sync import SyncPlan, SyncRefused, SyncResult, new_sync_id, plan_sync
from ._logging import logger
from ._roster import RosterEntry, RosterError, RosterProblem, validate_roster

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jobticket_api.models import Employee

    from ._base import ClientCore

__all__ = ["SyncRun"]


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
        )

    def plan(self, employees: Iterable[Employee]) -> SyncPlan:
        """Compute the plan from the company's current employees and log it (counts and ids only)."""
        self._plan = plan_sync(self.integration_id, self.rows, employees, today=self.core.today())
        logger.info(
            "HR sync %s%s for integration %d: %s",
            self.sync_id,
            " (generated syncId)" if self.generated_id else "",
            self.integration_id,
            self._plan.summary(),
        )
        return self._plan

    def _checked_plan(self) -> tuple[SyncPlan, str | None]:
        if self._plan is None:
            raise RuntimeError("plan() must run before the sync is sent")
        return self._plan, self._plan.refusal(self.max_offboard_ratio, self.allow_large_offboarding)

    def dry_result(self) -> SyncResult:
        """Report a dry run: nothing sent, and why a real run would be refused, if it would."""
        plan, refusal = self._checked_plan()
        logger.info(
            "HR sync %s: dry run, nothing sent%s",
            self.sync_id,
            f"; would refuse: {refusal}" if refusal else "",
        )
        return SyncResult(self.sync_id, plan, sent=False, refusal=refusal)

    def operation(self) -> ops.Operation[None]:
        """Return the POST to send, or raise :class:`SyncRefused` when the guard refuses the plan."""
        plan, refusal = self._checked_plan()
        if refusal is not None:
            logger.error("HR sync %s refused, nothing sent: %s", self.sync_id, refusal)
            raise SyncRefused(refusal, plan)
        if self.allow_large_offboarding and plan.offboard_ratio > self.max_offboard_ratio:
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
        """Report the sync the API accepted."""
        plan, _ = self._checked_plan()
        logger.info("HR sync %s accepted by the API", self.sync_id)
        return SyncResult(self.sync_id, plan, sent=True)
