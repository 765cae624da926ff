"""The pytest plugin of a contract run: pytest's hooks, handed to the parts of the run that act on them.

Each part has one job: :mod:`planning` decides what runs, in which order and on how much budget;
:mod:`reruns` runs a failed named check once more (a failure that does not reproduce is flaky);
:mod:`failures` turns a failed check into redacted failure entries (a failed shared setup into one
entry, however many checks used it); :mod:`reporting` makes those the only text pytest reports;
:mod:`assumptions` feeds the ledger. The plugin keeps the tally the verdict is made of
(:func:`~jobticket_kit.contract.lifecycle.conclude`). A 429, a halted run (an answer the meter
refused, a sandbox guard that refused) or an incident (a sync whose read-back differs from its plan)
stops the session at once.
"""

from __future__ import annotations

from collections.abc import Collection, Generator
from typing import Any

import pytest
from hypothesis.errors import Flaky

from jobticket import SyncIncidentError
from jobticket_kit.contract.assumptions import LedgerKeeper
from jobticket_kit.contract.budget import BudgetSpent, RunHalted, TargetBlocked
from jobticket_kit.contract.causes import cause_of_call
from jobticket_kit.contract.failures import FailureEntries, SharedSetups
from jobticket_kit.contract.items import MARKERS, in_suite, node_id, suite_dir
from jobticket_kit.contract.planning import RunPlan
from jobticket_kit.contract.reporting import ReportTexts, failure_text, mark_left_out, name_case
from jobticket_kit.contract.reruns import Reruns
from jobticket_kit.contract.results import Failure
from jobticket_kit.contract.run_state import ContractRun
from jobticket_kit.privacy.redact import Redactor

__all__ = ["ContractPlugin"]


class ContractPlugin:
    """Dispatches one pytest session's hooks; keeps the tally: passed, failed, failures, flaky."""

    def __init__(
        self,
        run: ContractRun,
        rerun_command: str = "scripts/contract",
        operations: Collection[str] = (),
        redactor: Redactor | None = None,
    ) -> None:
        self.run = run
        self.redactor = redactor or Redactor()
        self.suite = suite_dir()
        self.plan = RunPlan(run, self.suite, operations)
        self.ledger = LedgerKeeper(run)
        self.entries = FailureEntries(run, self.ledger, self.redactor, rerun_command)
        self.setups = SharedSetups()
        self.reruns = Reruns(run, self.suite)
        self.reports = ReportTexts()
        self.passed = 0
        self.failed = 0
        self.failures: list[Failure] = []
        self.flaky: list[Failure] = []

    def pytest_configure(self, config: pytest.Config) -> None:
        """Register the suite's markers: declared here only, for every way the suite runs."""
        for line in MARKERS:
            config.addinivalue_line("markers", line)

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """Tag the checks with their open points, then let the plan select and order them."""
        for item in items:
            if in_suite(item, self.suite):
                self.ledger.tag(item)
        removed = self.plan.select(items)
        for item in removed:
            self.ledger.not_exercised(item, self.plan.deselected[node_id(item)])
        if removed:
            config.hook.pytest_deselected(items=removed)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Open the check's page of evidence and tell the budget how far this check may go."""
        if in_suite(item, self.suite):
            self.run.journal.start()
            self.plan.allot(item)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        """Leave a check out when the budget has nothing left for it."""
        if in_suite(pyfuncitem, self.suite) and self.plan.nothing_left_for(pyfuncitem):
            return True
        return None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None]:
        """Run a failing named check once more: drift must reproduce, else it is flaky."""
        try:
            return (yield)
        except (Exception, pytest.fail.Exception) as first:  # pytest.fail is no Exception subclass
            if not self.reruns.worth_confirming(item, first):
                raise
            self.reruns.run_again(item)
            self.flaky.extend(self.entries.of(item, first, "call", ""))
            return None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
        """Turn each test outcome into the tally, failure entries, report text and ledger evidence."""
        outcome: Any = yield
        if not in_suite(item, self.suite):
            return
        report: pytest.TestReport = outcome.get_result()
        node = name_case(report, item)
        if report.when == "call" and node in self.plan.left_out:
            mark_left_out(report, item, self.plan.left_out[node])
        elif report.when == "call" and report.passed:
            self.passed += 1
            self.ledger.passed(item)
        elif not report.failed:
            return
        elif (incident := cause_of_call(call, SyncIncidentError)) is not None:
            self.run.incidents.append(str(incident))  # "incident: HR sync ... was sent ...", ids only
            self.run.budget.halt(str(incident))
            self._stop(item, report, str(incident))
        elif self.run.budget.block is not None or cause_of_call(call, TargetBlocked) is not None:
            block = self.run.budget.block
            self._stop(item, report, "blocked: " + (block.describe() if block else "429"))
        elif (halted := self.run.budget.halted) is not None or cause_of_call(call, RunHalted) is not None:
            self._stop(item, report, halted or "the run was halted")
        elif (spent := cause_of_call(call, BudgetSpent)) is not None:
            mark_left_out(report, item, self.plan.cut_short(item, spent))
        else:
            error = call.excinfo.value if call.excinfo is not None else None
            if report.when == "setup" and (shared := self.setups.known(error)) is not None:
                self._fail_again(report, error, shared, node)
                return
            failures = self.entries.of(item, error, report.when, report.longreprtext)
            for failure in failures:
                self.setups.remember(error, failure)
            self._fail(report, failures, flaky=cause_of_call(call, Flaky) is not None)

    @pytest.hookimpl(trylast=True)
    def pytest_exception_interact(self, node: pytest.Item, call: Any, report: pytest.TestReport) -> None:
        """Keep our redacted text: schemathesis rewrites a failed report here, after it was logged."""
        self.reports.restore(report)

    def _stop(self, item: pytest.Item, report: pytest.TestReport, reason: str) -> None:
        """Stop the session (a 429, a halted run, an incident), and say why instead of the check's failure."""
        item.session.shouldstop = reason
        self.reports.replace(report, self.redactor.text(reason))

    def _fail_again(
        self, report: pytest.TestReport, error: BaseException | None, shared: Failure, node: str
    ) -> None:
        """A check failed in a shared setup that already failed: one more check it affects, no new entry."""
        assert error is not None
        updated = self.setups.affecting(error, shared, node)
        self.failures[self.failures.index(shared)] = updated
        self.failed += 1
        self.reports.replace(
            report, f"failed in the shared setup {shared.fixture}, reported once: {shared.title}"
        )

    def _fail(self, report: pytest.TestReport, failures: list[Failure], *, flaky: bool) -> None:
        """Count a failed check (flaky ones apart) and report its entries."""
        self.reports.replace(report, failure_text(failures))
        if flaky:
            self.flaky.extend(failures)
            return
        self.failed += 1
        self.failures.extend(failures)
        self.ledger.failed(failures)
