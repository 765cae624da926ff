"""The request plan of a contract run: which checks this target gets, in which order, on how much budget.

The plan spends the request budget in order of value: first the checks that cause every documented
status on demand (``statuses``), then the named semantic checks, then fuzzing (``fuzz``) with
whatever is left, shared evenly between its items; checks marked ``reserve(n)`` (the rate-limit
probe, run last) keep their requests back until they run. A check the budget cannot pay for is left
out and said so, never reported as a failure; a check this target must not get (destructive without
the opt-in, a key that is not configured, an operation not selected) is not run at all.

With the evidence of earlier runs against the same real target (a nightly's
:class:`~jobticket_kit.evidence.freshness.Freshness`), each step runs its stalest checks first, an
expensive check (``reserve(n)``: the rate-limit probe) waits while its evidence is fresh, and a
budget left at its default shrinks to :data:`~jobticket_kit.settings.FRESH_NIGHT_BUDGET` plus the
reserve of the expensive checks that are due.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jobticket_kit.contract.budget import BudgetSpent
from jobticket_kit.contract.fuzzing import destructive_labels
from jobticket_kit.contract.items import (
    in_suite,
    is_fuzz,
    missing_key,
    node_id,
    open_points,
    operation_label,
    operation_of,
    reserve,
    runs_last,
    statuses_first,
)
from jobticket_kit.contract.run_state import ContractRun
from jobticket_kit.settings import FRESH_NIGHT_BUDGET

if TYPE_CHECKING:
    from jobticket_kit.evidence.freshness import Freshness

__all__ = ["DESTRUCTIVE_OPT_IN", "RunPlan"]

DESTRUCTIVE_OPT_IN = "needs JOBTICKET_ALLOW_DESTRUCTIVE=1 and JOBTICKET_SANDBOX_INTEGRATION_ID"
_NO_EVIDENCE = datetime.datetime.min.replace(tzinfo=datetime.UTC)


class RunPlan:
    """Plans one session: what runs in which order, and how far each check may spend the budget.

    ``deselected`` says, per node id, why this target must not get a check; ``left_out`` why the
    budget did not pay for one (or cut it short); ``other_items`` counts tests outside the suite.
    """

    def __init__(self, run: ContractRun, suite: Path, operations: Collection[str] = ()) -> None:
        self.run = run
        self.suite = suite
        self.operations = set(operations)
        self.deselected: dict[str, str] = {}
        self.left_out: dict[str, str] = {}
        self.other_items = 0
        self._reserved = 0
        self._fuzz_left = 0
        self._shares: dict[str, int] = {}

    def select(self, items: list[pytest.Item]) -> list[pytest.Item]:
        """Keep in ``items`` what this target may get, in the plan's order; return what was removed."""
        fuzz_blocked = set() if self.run.is_twin else destructive_labels(self.run.spec)
        kept: list[pytest.Item] = []
        removed: list[pytest.Item] = []
        for item in items:
            if not in_suite(item, self.suite):
                self.other_items += 1
                kept.append(item)
                continue
            reason = self._reason_to_leave_out(item, operation_label(item) in fuzz_blocked)
            if reason is None:
                kept.append(item)
            else:
                removed.append(item)
                self.deselected[node_id(item)] = reason
        kept.sort(key=lambda item: (self._step(item), self._staleness(item)))
        planned = [item for item in kept if in_suite(item, self.suite)]
        self._reserved = sum(reserve(item) for item in planned if runs_last(item))
        self._fuzz_left = sum(1 for item in planned if is_fuzz(item) and not runs_last(item))
        freshness = self._freshness()
        budget = self.run.budget
        if (
            freshness is not None
            and freshness.known
            and self.run.budget_is_default
            and budget.limit is not None
        ):
            budget.limit = min(budget.limit, FRESH_NIGHT_BUDGET + self._reserved)
        items[:] = kept
        return removed

    def allot(self, item: pytest.Item) -> None:
        """Tell the budget how far ``item`` may go: its fuzzing share, or all but the reserve."""
        budget = self.run.budget
        if budget.limit is None or runs_last(item):
            budget.set_ceiling(None)
            return
        room = budget.limit - self._reserved
        if is_fuzz(item):
            spent = budget.spent
            share = max(0, room - spent) // max(1, self._fuzz_left)
            self._fuzz_left -= 1
            self._shares[node_id(item)] = share
            budget.set_ceiling(spent + share)
        else:
            budget.set_ceiling(room)

    def nothing_left_for(self, item: pytest.Item) -> bool:
        """Whether the budget has nothing left for ``item`` (it is then left out, not run)."""
        budget = self.run.budget
        allowed = budget.allowed
        if allowed is None or budget.spent < allowed:
            return False
        self.left_out[node_id(item)] = f"budget: {budget.spent} of {allowed} request(s) spent before it ran"
        return True

    def cut_short(self, item: pytest.Item, spent: BudgetSpent | BaseException | None) -> str:
        """Record and return why ``item`` stopped when the budget ran out while it ran."""
        share = self._shares.get(node_id(item))
        reason = (
            f"fuzzed until its share of the budget ({share} requests) was spent"
            if share is not None
            else f"cut short: {spent}"
        )
        self.left_out[node_id(item)] = reason
        return reason

    def _step(self, item: pytest.Item) -> int:
        """The item's place in the plan: statuses, named checks, fuzzing, then what must run last."""
        if not in_suite(item, self.suite):
            return 1
        if runs_last(item):
            return 3
        if is_fuzz(item):
            return 2
        return 0 if statuses_first(item) else 1

    def _freshness(self) -> Freshness | None:
        """The evidence of earlier runs against this real target (never for the twin), or None."""
        return None if self.run.is_twin else self.run.freshness

    def _staleness(self, item: pytest.Item) -> datetime.datetime:
        """When the item's evidence dates from (oldest first); one moment for all without evidence."""
        freshness = self._freshness()
        if freshness is None or not freshness.known:
            return _NO_EVIDENCE
        operation = operation_of(item) or self.run.spec.operation_id_of(operation_label(item))
        return freshness.staleness(open_points(item), operation)

    def _reason_to_leave_out(self, item: pytest.Item, destructive_fuzzing: bool) -> str | None:
        """Why this target must not get the item, or None."""
        if destructive_fuzzing:
            return "destructive operation: fuzzed on the twin only"
        freshness = self._freshness()
        if reserve(item) and freshness is not None and freshness.fresh(open_points(item)):
            return f"expensive check: {freshness.due_after(open_points(item))}"
        label = operation_label(item)
        selected = (
            label is None or not self.operations or self.run.spec.operation_id_of(label) in self.operations
        )
        if not selected:
            return "not among the operations selected with --operation"
        if item.get_closest_marker("destructive") is not None and not self.run.destructive_allowed:
            return f"destructive: {DESTRUCTIVE_OPT_IN}"
        missing = missing_key(item, self.run.keys)
        if missing is not None:
            return f"no key {missing!r} configured (JOBTICKET_LIMITED_KEYS)"
        return None
