"""The pytest plugin of a contract run: it plans, filters and orders the checks and records their outcome.

The plan spends the request budget in order of value: first the checks that cause every documented
status on demand (``statuses``), then the named semantic checks, then fuzzing (``fuzz``) with
whatever is left, shared evenly between its items; checks marked ``reserve(n)`` (the rate-limit
probe, run last) keep their requests back until they run. A check the budget cannot pay for is left
out and reported as such, never as a failure.

Each failed check becomes a :class:`Failure` naming the operation, the check, the status it got, a
one-line message and a reproduction. A named check that fails is run once more before it counts:
if it passes then, it is reported as flaky (fuzzing needs no second run: hypothesis replays every
failing example itself and reports one that does not fail again as flaky). Each check tagged with
``open_point`` feeds the ledger; a 429 (see :mod:`budget`) stops the session at once. Failures are
redacted as they are made (:mod:`redaction`), and pytest's own report of the test is replaced by that
redacted text, so JUnit and the console never see a raw response value or assertion repr.
"""

from __future__ import annotations

import re
import shlex
import weakref
from collections.abc import Collection, Generator, Iterable
from typing import Any

import pytest
from hypothesis.errors import Flaky

from jobticket_kit.checkout import project_root
from jobticket_kit.contract.budget import BudgetSpent, TargetBlocked
from jobticket_kit.contract.evidence import curl_command, one_line, schemathesis_message, with_evidence
from jobticket_kit.contract.fuzzing import destructive_labels
from jobticket_kit.contract.results import Failure
from jobticket_kit.contract.run_state import ContractRun
from jobticket_kit.privacy.redact import Redactor

__all__ = ["ContractPlugin"]

DESTRUCTIVE_OPT_IN = "needs JOBTICKET_ALLOW_DESTRUCTIVE=1 and JOBTICKET_SANDBOX_INTEGRATION_ID"
_SCHEMA_AT = re.compile(r"^Schema at (/components/\S+):", re.MULTILINE)
_OPERATION_LEVEL_CHECKS = (
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
)
_MARKERS = (
    "open_point(id): the test confirms or refutes a working assumption of the spec (x-open-point)",
    "destructive: the test changes the target's data (HR sync); twin or opted-in sandbox only",
    "operation(operation_id): the API operation a named check is about",
    "run_last: the check must run after all others (it may lock its own key)",
    "needs_key(name): the check needs that extra key (twin seed or JOBTICKET_LIMITED_KEYS)",
    "statuses: the check causes documented statuses on demand; the plan runs it first",
    "fuzz: the check fuzzes (schemathesis); the plan gives it what the budget has left",
    "reserve(requests): requests the plan keeps back for this run_last check until it runs",
)


class ContractPlugin:
    """Collects failures and ledger evidence of one pytest session."""

    def __init__(
        self,
        run: ContractRun,
        rerun_command: str = "scripts/contract",
        operations: Collection[str] = (),
        redactor: Redactor | None = None,
    ) -> None:
        self.run = run
        self.redactor = redactor or Redactor()
        self.rerun_command = rerun_command
        self.operations = set(operations)
        self.failures: list[Failure] = []
        self.passed = 0
        self.failed = 0
        self.deselected: dict[str, str] = {}
        self.left_out: dict[str, str] = {}
        self.flaky: list[Failure] = []
        self.other_items = 0
        self.scope = project_root() / "contract_tests"
        self._reserved = 0
        self._fuzz_left = 0
        self._shares: dict[str, int] = {}
        # The redacted text of every failed report, to restore it after other plugins rewrite it.
        self._report_texts: weakref.WeakKeyDictionary[pytest.TestReport, str] = weakref.WeakKeyDictionary()

    def pytest_configure(self, config: pytest.Config) -> None:
        """Register the suite's markers: declared here only, for every way the suite runs."""
        for line in _MARKERS:
            config.addinivalue_line("markers", line)

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """Tag schemathesis items, drop what this target must not get, run probes last."""
        fuzz_blocked = set() if self.run.is_twin else destructive_labels(self.run.spec)
        kept: list[pytest.Item] = []
        removed: list[pytest.Item] = []
        for item in items:
            if not self._in_scope(item):
                self.other_items += 1
                kept.append(item)
                continue
            label = getattr(item, "operation_label", None)
            if label is not None:
                self._tag_open_point(item, label)
            reason = self._reason_to_leave_out(item, label in fuzz_blocked)
            if reason is None:
                kept.append(item)
                continue
            removed.append(item)
            self.deselected[_node_id(item)] = reason
            for point in _open_points(item):
                self.run.ledger.note(point, f"{_check_name(item)}: {reason}")
        if removed:
            config.hook.pytest_deselected(items=removed)
        kept.sort(key=self._step)
        scoped = [item for item in kept if self._in_scope(item)]
        self._reserved = sum(_reserve(item) for item in scoped if _runs_last(item))
        self._fuzz_left = sum(1 for item in scoped if _is_fuzz(item) and not _runs_last(item))
        items[:] = kept

    def _step(self, item: pytest.Item) -> int:
        """The item's place in the plan: statuses, named checks, fuzzing, then what must run last."""
        if not self._in_scope(item):
            return 1
        if _runs_last(item):
            return 3
        if _is_fuzz(item):
            return 2
        return 0 if item.get_closest_marker("statuses") is not None else 1

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Open the check's page of evidence and tell the budget how far this check may go."""
        if not self._in_scope(item):
            return
        self.run.journal.start()
        budget = self.run.budget
        if budget.limit is None or _runs_last(item):
            budget.set_ceiling(None)
            return
        room = budget.limit - self._reserved
        if _is_fuzz(item):
            spent = budget.spent
            share = max(0, room - spent) // max(1, self._fuzz_left)
            self._fuzz_left -= 1
            self._shares[_node_id(item)] = share
            budget.set_ceiling(spent + share)
        else:
            budget.set_ceiling(room)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        """Leave a check out when the budget has nothing left for it."""
        if not self._in_scope(pyfuncitem):
            return None
        budget = self.run.budget
        allowed = budget.allowed
        if allowed is not None and budget.spent >= allowed:
            self.left_out[_node_id(pyfuncitem)] = (
                f"budget: {budget.spent} of {allowed} request(s) spent before it ran"
            )
            return True
        return None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None]:
        """Run a failing named check once more: drift must reproduce, else it is flaky."""
        try:
            return (yield)
        except (Exception, pytest.fail.Exception) as first:  # pytest.fail is no Exception subclass
            if not self._worth_confirming(item, first):
                raise
            self.run.journal.start()
            item.runtest()  # a second failure propagates: confirmed
            self.flaky.extend(map(self.redactor.redacted, self._failures_from(item, first, "call", "")))
            return None

    def _worth_confirming(self, item: pytest.Item, error: BaseException) -> bool:
        if not self._in_scope(item) or _is_fuzz(item) or _runs_last(item):
            return False
        if _caused_by(error, (TargetBlocked, BudgetSpent)):
            return False
        last = self.run.journal.last
        return last is None or not last.is_outage

    def _in_scope(self, item: pytest.Item) -> bool:
        """Only contract checks count; other tests in the same session (plain ``pytest``) do not."""
        return item.path.is_relative_to(self.scope)

    def _reason_to_leave_out(self, item: pytest.Item, destructive_fuzzing: bool) -> str | None:
        """Why this target must not get the item, or None."""
        if destructive_fuzzing:
            return "destructive operation: fuzzed on the twin only"
        label = getattr(item, "operation_label", None)
        if self.operations and label is not None and self._operation_id(label) not in self.operations:
            return "not among the operations selected with --operation"
        if item.get_closest_marker("destructive") is not None and not self.run.destructive_allowed:
            return f"destructive: {DESTRUCTIVE_OPT_IN}"
        missing = _missing_key(item, self.run)
        if missing is not None:
            return f"no key {missing!r} configured (JOBTICKET_LIMITED_KEYS)"
        return None

    def _tag_open_point(self, item: pytest.Item, label: str) -> None:
        """Tag a schemathesis item with its operation's open point."""
        point = next((op.open_point for op in self.run.spec.operations if op.label == label), None)
        if point:
            item.add_marker(pytest.mark.open_point(point))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
        """Turn each test outcome into failures and ledger evidence."""
        outcome: Any = yield
        if not self._in_scope(item):
            return
        report: pytest.TestReport = outcome.get_result()
        report.nodeid = node = _node_id(item)  # one JUnit case per operation, not eleven named "test_api"
        if node in self.left_out and report.when == "call":
            report.outcome = "skipped"
            report.longrepr = (str(item.path), 0, f"left out: {self.left_out[node]}")
            return
        if report.when == "call" and report.passed:
            self.passed += 1
            for point in _open_points(item):
                self.run.ledger.confirm(point, _check_name(item), "passed")
            return
        if not report.failed:
            return
        if self.run.budget.block is not None or _is(call, TargetBlocked):
            item.session.shouldstop = "blocked: " + (
                self.run.budget.block.describe() if self.run.budget.block else "429"
            )
            self._replace_report_text(report, self.redactor.text(str(item.session.shouldstop)))
            return
        if _is(call, BudgetSpent):
            share = self._shares.get(node)
            self.left_out[node] = (
                f"fuzzed until its share of the budget ({share} requests) was spent"
                if share is not None
                else f"cut short: {_found(call, BudgetSpent)}"
            )
            report.outcome = "skipped"
            report.longrepr = (str(item.path), 0, f"left out: {self.left_out[node]}")
            return
        error = call.excinfo.value if call.excinfo is not None else None
        failures = [
            self.redactor.redacted(failure)
            for failure in self._failures_from(item, error, report.when, report.longreprtext)
        ]
        self._replace_report_text(report, "\n\n".join(_report_text(failure) for failure in failures))
        if _is(call, Flaky):
            self.flaky.extend(failures)
            return
        self.failed += 1
        self.failures.extend(failures)
        for failure in failures:
            for point in failure.open_points:
                self.run.ledger.refute(point, failure.check, f"{failure.operation or '-'}: {failure.title}")

    @pytest.hookimpl(trylast=True)
    def pytest_exception_interact(self, node: pytest.Item, call: Any, report: pytest.TestReport) -> None:
        """Keep our redacted text: schemathesis rewrites a failed report here, after it was logged.

        The terminal's closing summary reads the report again, so without this a schemathesis failure
        would print the raw response (names, emails) there.
        """
        text = self._report_texts.get(report)
        if text is not None:
            _set_report_text(report, text)

    def _replace_report_text(self, report: pytest.TestReport, text: str) -> None:
        """Make ``text`` all that JUnit and the terminal get of a failed test, now and later."""
        self._report_texts[report] = text
        _set_report_text(report, text)

    def _failures_from(
        self, item: pytest.Item, error: BaseException | None, when: str, longrepr: str
    ) -> Iterable[Failure]:
        rerun = self._rerun(item)
        points = tuple(_open_points(item))
        evidence = self.run.journal.last
        status = evidence.status if evidence is not None else None
        curl = None if self.run.is_twin else curl_command(evidence)
        reproduction = curl or rerun
        found = getattr(error, "exceptions", None)
        if found and all(hasattr(failure, "checks") for failure in found):
            seen: set[tuple[str, str]] = set()
            for failure in found:
                check = failure.checks[0] if failure.checks else type(failure).__name__
                if (check, failure.title) in seen:
                    continue
                seen.add((check, failure.title))
                yield Failure(
                    test=_node_id(item),
                    operation=self._operation_id(failure.operation),
                    check=check,
                    title=failure.title,
                    message=with_evidence(schemathesis_message(failure), evidence),
                    reproduction=reproduction,
                    open_points=self._refuted_by(failure, check, points),
                    status=getattr(failure, "status_code", None) or status,
                    rerun=rerun,
                )
            return
        text = _exception_text(error) if error is not None else longrepr
        title = one_line(text, limit=200) or "failed"
        yield Failure(
            test=_node_id(item),
            operation=_operation_of(item) or self._operation_id(getattr(item, "operation_label", None)),
            check=_check_name(item) if when == "call" else f"{_check_name(item)} ({when})",
            title=title,
            message=with_evidence(one_line(text), evidence),
            reproduction=reproduction,
            open_points=points,
            status=status,
            rerun=rerun,
        )

    def _refuted_by(self, failure: Any, check: str, operation_points: tuple[str, ...]) -> tuple[str, ...]:
        """The open points one schemathesis failure contradicts.

        A schema violation contradicts the open point of the schema node it names (if any); a wrong
        status, content type or header contradicts the operation's own open point (its path or
        response). Other failures say nothing about an assumption.
        """
        schema_point = self.run.spec.open_point_at(_schema_location(failure.message))
        if schema_point is not None:
            return (schema_point,)
        return operation_points if check in _OPERATION_LEVEL_CHECKS else ()

    def _rerun(self, item: pytest.Item) -> str:
        """The command that runs this one check again."""
        label = getattr(item, "operation_label", None)
        if label is None:
            return f"{self.rerun_command} {shlex.quote(item.nodeid)}"
        return f"{self.rerun_command} --operation {self._operation_id(label)} {shlex.quote(item.nodeid)}"

    def _operation_id(self, label: str | None) -> str | None:
        if not label:
            return None
        for operation in self.run.spec.operations:
            if operation.label == label:
                return operation.operation_id
        return label


def _set_report_text(report: pytest.TestReport, text: str) -> None:
    """Replace a report's text with ``text`` (no traceback, no captures)."""
    report.longrepr = text
    report.sections = []


def _report_text(failure: Failure) -> str:
    lines = [f"{failure.check}: {failure.title}"]
    if failure.message.strip() != failure.title:
        lines.append(failure.message)
    return "\n".join([*lines, f"Reproduce: {failure.reproduction}"])


def _schema_location(message: str) -> str | None:
    match = _SCHEMA_AT.search(message)
    return match.group(1) if match else None


def _node_id(item: pytest.Item) -> str:
    """The node id, with the operation for schemathesis items (whose ids all read ``test_api``)."""
    label = getattr(item, "operation_label", None)
    return f"{item.nodeid}[{label}]" if label is not None and "[" not in item.nodeid else item.nodeid


def _is(call: pytest.CallInfo[None], kind: type[BaseException]) -> bool:
    return call.excinfo is not None and _caused_by(call.excinfo.value, (kind,))


def _found(call: pytest.CallInfo[None], kind: type[BaseException]) -> BaseException | None:
    return _cause(call.excinfo.value, (kind,)) if call.excinfo is not None else None


def _caused_by(error: BaseException, kinds: tuple[type[BaseException], ...]) -> bool:
    return _cause(error, kinds) is not None


def _cause(error: BaseException | None, kinds: tuple[type[BaseException], ...]) -> BaseException | None:
    """``error`` or the first exception of a kind in its chain or (nested) groups."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kinds):
            return current
        pending.extend(getattr(current, "exceptions", ()) or ())
        pending.extend((current.__cause__, current.__context__))
    return None


def _exception_text(error: BaseException) -> str:
    """``Type: message``; for an assertion, its own message (the part pytest's rewrite puts first)."""
    text = str(error).strip()
    if isinstance(error, AssertionError):
        # pytest's rewrite appends "assert ..." and "+ where ..." lines that quote the values compared
        # (names, dates of birth): keep the check's own message, or the bare assertion's first line.
        own = text.split("\nassert ", 1)[0] if "\nassert " in text else text.split("\n", 1)[0]
        return own.strip() or "assertion failed"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _runs_last(item: pytest.Item) -> bool:
    return item.get_closest_marker("run_last") is not None


def _is_fuzz(item: pytest.Item) -> bool:
    return getattr(item, "operation_label", None) is not None or item.get_closest_marker("fuzz") is not None


def _reserve(item: pytest.Item) -> int:
    marker = item.get_closest_marker("reserve")
    return int(marker.args[0]) if marker is not None and marker.args else 0


def _open_points(item: pytest.Item) -> list[str]:
    points: list[str] = []
    for marker in item.iter_markers("open_point"):
        points.extend(str(arg) for arg in marker.args)
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "open_point" in callspec.params:
        points.append(str(callspec.params["open_point"]))
    return sorted(set(points), key=lambda point: int(point[2:]) if point[2:].isdigit() else 0)


def _missing_key(item: pytest.Item, run: ContractRun) -> str | None:
    for marker in item.iter_markers("needs_key"):
        name = str(marker.args[0])
        if name not in run.keys:
            return name
    return None


def _operation_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "operation_id" in callspec.params:
        return str(callspec.params["operation_id"])
    marker = item.get_closest_marker("operation")
    return str(marker.args[0]) if marker is not None and marker.args else None


def _check_name(item: pytest.Item) -> str:
    if getattr(item, "operation_label", None) is not None:
        return "schemathesis"
    name = getattr(item, "originalname", None) or item.name.split("[")[0]
    return str(name).removeprefix("test_")
