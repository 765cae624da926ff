"""What a pytest item of the contract suite says about itself: its markers, its operation, its name.

Schemathesis items carry an ``operation_label`` (``GET /employees``) and all share the node id
``test_api``; named checks say what they are about with markers (:data:`MARKERS`).
"""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path

import pytest

from jobticket_kit.checkout import project_root

__all__ = [
    "MARKERS",
    "check_name",
    "in_suite",
    "is_fuzz",
    "missing_key",
    "node_id",
    "open_points",
    "operation_label",
    "operation_of",
    "reserve",
    "runs_last",
    "statuses_first",
    "suite_dir",
]

MARKERS = (
    "open_point(id): the test confirms or refutes a working assumption of the spec (x-open-point)",
    "destructive: the test changes the target's data (HR sync); twin or opted-in sandbox only",
    "operation(operation_id): the API operation a named check is about",
    "run_last: the check must run after all others (it may lock its own key)",
    "needs_key(name): the check needs that extra key (twin seed or JOBTICKET_LIMITED_KEYS)",
    "statuses: the check causes documented statuses on demand; the plan runs it first",
    "fuzz: the check fuzzes (schemathesis); the plan gives it what the budget has left",
    "reserve(requests): requests the plan keeps back for this run_last check until it runs",
)
"""The suite's markers, as ``pytest --markers`` describes them."""


def suite_dir() -> Path:
    """Where the contract checks live: only those count in a run."""
    return project_root() / "contract_tests"


def in_suite(item: pytest.Item, suite: Path) -> bool:
    """Whether ``item`` is a contract check (other tests may share a plain ``pytest`` session)."""
    return item.path.is_relative_to(suite)


def operation_label(item: pytest.Item) -> str | None:
    """A schemathesis item's operation (``GET /employees``); None for named checks."""
    label = getattr(item, "operation_label", None)
    return None if label is None else str(label)


def node_id(item: pytest.Item) -> str:
    """The node id, with the operation for schemathesis items (whose ids all read ``test_api``)."""
    label = operation_label(item)
    return f"{item.nodeid}[{label}]" if label is not None and "[" not in item.nodeid else item.nodeid


def runs_last(item: pytest.Item) -> bool:
    """Whether the check must run after all others."""
    return item.get_closest_marker("run_last") is not None


def is_fuzz(item: pytest.Item) -> bool:
    """Whether the check fuzzes (schemathesis items and checks marked ``fuzz``)."""
    return operation_label(item) is not None or item.get_closest_marker("fuzz") is not None


def statuses_first(item: pytest.Item) -> bool:
    """Whether the check causes documented statuses on demand (the plan runs those first)."""
    return item.get_closest_marker("statuses") is not None


def reserve(item: pytest.Item) -> int:
    """The requests kept back for this check until it runs (``reserve(n)``)."""
    marker = item.get_closest_marker("reserve")
    return int(marker.args[0]) if marker is not None and marker.args else 0


def open_points(item: pytest.Item) -> list[str]:
    """The open points the check speaks to, from markers and parameters, in numeric order."""
    points: list[str] = []
    for marker in item.iter_markers("open_point"):
        points.extend(str(arg) for arg in marker.args)
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "open_point" in callspec.params:
        points.append(str(callspec.params["open_point"]))
    return sorted(set(points), key=lambda point: int(point[2:]) if point[2:].isdigit() else 0)


def missing_key(item: pytest.Item, keys: Container[str]) -> str | None:
    """The first extra key the check needs (``needs_key``) that is not among ``keys``, if any."""
    for marker in item.iter_markers("needs_key"):
        name = str(marker.args[0])
        if name not in keys:
            return name
    return None


def operation_of(item: pytest.Item) -> str | None:
    """The operation id a named check is about (parameter or ``operation`` marker)."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "operation_id" in callspec.params:
        return str(callspec.params["operation_id"])
    marker = item.get_closest_marker("operation")
    return str(marker.args[0]) if marker is not None and marker.args else None


def check_name(item: pytest.Item) -> str:
    """The check's name in reports: ``schemathesis``, or the test's name without ``test_``."""
    if operation_label(item) is not None:
        return "schemathesis"
    name = getattr(item, "originalname", None) or item.name.split("[")[0]
    return str(name).removeprefix("test_")
