"""What pytest reports of a contract check: its redacted failure text only, one case per operation.

JUnit and the terminal read pytest's report of each test. For a failed check that report is replaced
by the text of its redacted failure entries (no traceback, no captured output, no assertion repr),
and put back after schemathesis rewrites a failed report, which it does after the report was logged:
the terminal's closing summary reads the report again. A check the plan left out is reported as
skipped with the plan's reason, and every schemathesis item carries its operation in its node id.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

import pytest

from jobticket_kit.contract.items import node_id
from jobticket_kit.contract.results import Failure

__all__ = ["ReportTexts", "failure_text", "mark_left_out", "name_case"]


class ReportTexts:
    """The redacted text of every failed report, kept to restore it after other plugins rewrite it."""

    def __init__(self) -> None:
        self._texts: weakref.WeakKeyDictionary[pytest.TestReport, str] = weakref.WeakKeyDictionary()

    def replace(self, report: pytest.TestReport, text: str) -> None:
        """Make ``text`` all that JUnit and the terminal get of a failed test, now and later."""
        self._texts[report] = text
        _set_text(report, text)

    def restore(self, report: pytest.TestReport) -> None:
        """Put our text back if something rewrote the report since."""
        text = self._texts.get(report)
        if text is not None:
            _set_text(report, text)


def name_case(report: pytest.TestReport, item: pytest.Item) -> str:
    """Give the report the check's node id (one JUnit case per operation, not eleven ``test_api``)."""
    report.nodeid = node_id(item)
    return report.nodeid


def mark_left_out(report: pytest.TestReport, item: pytest.Item, reason: str) -> None:
    """Report a check the plan left out as skipped, with why."""
    report.outcome = "skipped"
    report.longrepr = (str(item.path), 0, f"left out: {reason}")


def failure_text(failures: Iterable[Failure]) -> str:
    """The report text of a failed check: each entry's check, title, message and reproduction."""
    return "\n\n".join(_entry_text(failure) for failure in failures)


def _entry_text(failure: Failure) -> str:
    lines = [f"{failure.check}: {failure.title}"]
    if failure.message.strip() != failure.title:
        lines.append(failure.message)
    return "\n".join([*lines, f"Reproduce: {failure.reproduction}"])


def _set_text(report: pytest.TestReport, text: str) -> None:
    """Replace a report's text with ``text`` (no traceback, no captures)."""
    report.longrepr = text
    report.sections = []
