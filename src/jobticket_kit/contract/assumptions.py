"""Keeping the assumption ledger: what each check's outcome says about the spec's open points.

A check tagged ``open_point`` confirms its points when it passes and refutes them when it fails; a
schemathesis item is tagged with its operation's point. A schema violation refutes the point of the
schema node it names instead, and a wrong status, content type or header its operation's; other
schemathesis failures say nothing about an assumption. A check the target did not get leaves a note
why its points were not exercised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pytest

from jobticket_kit.contract.items import check_name, open_points, operation_label
from jobticket_kit.contract.results import Failure
from jobticket_kit.contract.run_state import ContractRun

__all__ = ["LedgerKeeper"]

_SCHEMA_AT = re.compile(r"^Schema at (/components/\S+):", re.MULTILINE)
_OPERATION_LEVEL_CHECKS = (
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
)


class LedgerKeeper:
    """Turns the outcomes of one session's checks into evidence in the run's ledger."""

    def __init__(self, run: ContractRun) -> None:
        self.spec = run.spec
        self.ledger = run.ledger

    def tag(self, item: pytest.Item) -> None:
        """Tag a schemathesis item with its operation's open point (named checks carry their own)."""
        operation = self.spec.labelled(operation_label(item))
        if operation is not None and operation.open_point:
            item.add_marker(pytest.mark.open_point(operation.open_point))

    def not_exercised(self, item: pytest.Item, reason: str) -> None:
        """Note why the points of a check the target did not get were not exercised."""
        for point in open_points(item):
            self.ledger.note(point, f"{check_name(item)}: {reason}")

    def passed(self, item: pytest.Item) -> None:
        """A passing check confirms its points."""
        for point in open_points(item):
            self.ledger.confirm(point, check_name(item), "passed")

    def failed(self, failures: Iterable[Failure]) -> None:
        """Each failure refutes the points it names."""
        for failure in failures:
            for point in failure.open_points:
                self.ledger.refute(point, failure.check, f"{failure.operation or '-'}: {failure.title}")

    def refuted_by(self, failure: Any, check: str, operation_points: tuple[str, ...]) -> tuple[str, ...]:
        """The open points one schemathesis failure contradicts."""
        match = _SCHEMA_AT.search(failure.message)
        schema_point = self.spec.open_point_at(match.group(1) if match else None)
        if schema_point is not None:
            return (schema_point,)
        return operation_points if check in _OPERATION_LEVEL_CHECKS else ()
