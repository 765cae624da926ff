"""The pytest plugin of a contract run: it filters and orders the checks and records their outcome.

Each failed check becomes a :class:`Failure` naming the operation and the check; each check tagged
with ``open_point`` feeds the ledger; a 429 (see :mod:`budget`) stops the session at once. Failures are
redacted as they are made (:mod:`redaction`), and pytest's own report of the test is replaced by that
redacted text, so JUnit and the console never see a raw response value or assertion repr.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Generator, Iterable
from typing import Any

import pytest

from jobticket_kit.checkout import project_root
from jobticket_kit.contract.budget import TargetBlocked
from jobticket_kit.contract.fuzzing import destructive_labels
from jobticket_kit.contract.redaction import Redactor, check_failure_message
from jobticket_kit.contract.results import Failure
from jobticket_kit.contract.run_state import ContractRun

__all__ = ["ContractPlugin"]

DESTRUCTIVE_OPT_IN = "needs JOBTICKET_ALLOW_DESTRUCTIVE=1 and JOBTICKET_SANDBOX_INTEGRATION_ID"
_SCHEMA_AT = re.compile(r"^Schema at (/components/\S+):", re.MULTILINE)
_OPERATION_LEVEL_CHECKS = (
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
)
_CURL = re.compile(r"Reproduce with:\s*\n\s*(curl [^\n]+)")
_MARKERS = (
    "open_point(id): the test confirms or refutes a working assumption of the spec (x-open-point)",
    "destructive: the test changes the target's data (HR sync); twin or opted-in sandbox only",
    "operation(operation_id): the API operation a named check is about",
    "run_last: the check must run after all others (it may lock its own key)",
    "needs_key(name): the check needs that extra key (twin seed or JOBTICKET_LIMITED_KEYS)",
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
        self.other_items = 0
        self.scope = project_root() / "contract_tests"

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
        kept.sort(key=lambda item: item.get_closest_marker("run_last") is not None)
        items[:] = kept

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
        report.nodeid = _node_id(item)  # one JUnit case per operation, not eleven named "test_api"
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
            _replace_report_text(report, self.redactor.text(str(item.session.shouldstop)))
            return
        self.failed += 1
        failures = [self.redactor.redacted(failure) for failure in self._failures(item, call, report)]
        _replace_report_text(report, "\n\n".join(_report_text(failure) for failure in failures))
        self.failures.extend(failures)
        for failure in failures:
            for point in failure.open_points:
                self.run.ledger.refute(point, failure.check, f"{failure.operation or '-'}: {failure.title}")

    def _failures(
        self, item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport
    ) -> Iterable[Failure]:
        rerun = self._rerun(item)
        points = tuple(_open_points(item))
        error = call.excinfo.value if call.excinfo is not None else None
        found = getattr(error, "exceptions", None)
        if found and all(hasattr(failure, "checks") for failure in found):
            curl = _CURL.search(str(getattr(error, "message", "")) or str(error))
            reproduction = f"{curl.group(1)}  |  {rerun}" if curl else rerun
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
                    message=check_failure_message(failure),
                    reproduction=reproduction,
                    open_points=self._refuted_by(failure, check, points),
                )
            return
        message = call.excinfo.exconly() if call.excinfo is not None else report.longreprtext
        title = message.strip().splitlines()[0] if message.strip() else "failed"
        yield Failure(
            test=_node_id(item),
            operation=_operation_of(item) or self._operation_id(getattr(item, "operation_label", None)),
            check=_check_name(item) if report.when == "call" else f"{_check_name(item)} ({report.when})",
            title=title[:200],
            message=message[:4000],
            reproduction=rerun,
            open_points=points,
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
            return f"{self.rerun_command} '{item.nodeid}'"
        return f"{self.rerun_command} --operation {self._operation_id(label)} '{item.nodeid}'"

    def _operation_id(self, label: str | None) -> str | None:
        if not label:
            return None
        for operation in self.run.spec.operations:
            if operation.label == label:
                return operation.operation_id
        return label


def _replace_report_text(report: pytest.TestReport, text: str) -> None:
    """Make ``text`` all that JUnit and the terminal get of a failed test (no traceback, no captures)."""
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
    if call.excinfo is None:
        return False
    error: BaseException | None = call.excinfo.value
    while error is not None:
        if isinstance(error, kind):
            return True
        nested = getattr(error, "exceptions", ())
        if any(isinstance(inner, kind) for inner in nested):
            return True
        error = error.__cause__ or error.__context__
    return False


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
