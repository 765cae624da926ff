"""Re-running a failed named check once: contract drift must reproduce, else the check is flaky.

Fuzzing needs no second run (hypothesis replays every failing example itself and reports one that
does not fail again as flaky), and neither does a check that must run last. A check stopped by a
429, by the budget or by a halted run, one that ended in an incident, or one that saw an outage (a
5xx, a lost connection or an unreadable body after the meter's retries), is not run again: a second
run would only spend requests on what is already known.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jobticket import SyncIncidentError
from jobticket_kit.contract.budget import BudgetSpent, RunHalted, TargetBlocked
from jobticket_kit.contract.causes import cause
from jobticket_kit.contract.items import in_suite, is_fuzz, runs_last
from jobticket_kit.contract.run_state import ContractRun

__all__ = ["Reruns"]


class Reruns:
    """Decides whether a failed check runs once more, and runs it."""

    def __init__(self, run: ContractRun, suite: Path) -> None:
        self.run = run
        self.suite = suite

    def worth_confirming(self, item: pytest.Item, error: BaseException) -> bool:
        """Whether the failure of ``item`` should be confirmed by a second run."""
        if not in_suite(item, self.suite) or is_fuzz(item) or runs_last(item):
            return False
        if self.run.budget.halted is not None:
            return False
        if cause(error, (TargetBlocked, BudgetSpent, RunHalted, SyncIncidentError)) is not None:
            return False
        return self.run.journal.outage is None

    def run_again(self, item: pytest.Item) -> None:
        """Run ``item`` once more on a fresh page of evidence; a second failure propagates (confirmed)."""
        self.run.journal.start()
        item.runtest()
