"""The assumption ledger: per open point of the spec, did this run confirm it, refute it, or not test it.

A check tagged ``@pytest.mark.open_point("O-12")`` confirms O-12 when it passes and refutes it when it
fails; checks can also record finer evidence themselves (an unknown vocabulary value refutes its open
point while the test goes on). Refuted wins over confirmed: one counter-example is enough.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["AssumptionLedger", "Evidence", "LedgerRow", "Status"]


class Status(StrEnum):
    """What the run found out about one working assumption."""

    CONFIRMED = "confirmed"
    REFUTED = "refuted"
    NOT_EXERCISED = "not exercised"


@dataclass(frozen=True)
class Evidence:
    """One observation: which check, what it showed, and a short detail (no personal data)."""

    open_point: str
    check: str
    confirmed: bool
    detail: str = ""


@dataclass(frozen=True)
class LedgerRow:
    """The verdict on one open point with the evidence behind it."""

    open_point: str
    assumption: str
    status: Status
    evidence: tuple[Evidence, ...]
    note: str = ""


class AssumptionLedger:
    """Collects evidence during the run; thread-safe."""

    def __init__(self, open_points: dict[str, str]) -> None:
        self._assumptions = dict(open_points)
        self._evidence: list[Evidence] = []
        self._notes: dict[str, str] = {}
        self._lock = threading.Lock()

    def confirm(self, open_point: str, check: str, detail: str = "") -> None:
        """Record that ``check`` saw the target behave as assumed."""
        self._add(Evidence(open_point, check, confirmed=True, detail=detail))

    def refute(self, open_point: str, check: str, detail: str = "") -> None:
        """Record that ``check`` saw the target contradict the assumption."""
        self._add(Evidence(open_point, check, confirmed=False, detail=detail))

    def observe(self, open_point: str, check: str, ok: bool, detail: str = "") -> None:
        """Confirm or refute in one call."""
        self._add(Evidence(open_point, check, confirmed=ok, detail=detail))

    def note(self, open_point: str, text: str) -> None:
        """Say why an open point is not exercised (e.g. no key without a permission was configured)."""
        with self._lock:
            self._notes.setdefault(open_point, text)
            self._assumptions.setdefault(open_point, "")

    def status(self, open_point: str) -> Status:
        """Refuted if any evidence refutes it, confirmed if some confirms it, else not exercised."""
        with self._lock:
            evidence = [item for item in self._evidence if item.open_point == open_point]
        if any(not item.confirmed for item in evidence):
            return Status.REFUTED
        return Status.CONFIRMED if evidence else Status.NOT_EXERCISED

    def rows(self) -> list[LedgerRow]:
        """Every open point of the spec (and any a check named), in numeric order."""
        with self._lock:
            evidence = list(self._evidence)
            points = sorted(self._assumptions, key=_order)
            notes = dict(self._notes)
        rows = []
        for point in points:
            mine = tuple(item for item in evidence if item.open_point == point)
            rows.append(
                LedgerRow(
                    open_point=point,
                    assumption=self._assumptions[point],
                    status=self.status(point),
                    evidence=mine,
                    note="" if mine else notes.get(point, ""),
                )
            )
        return rows

    def _add(self, evidence: Evidence) -> None:
        with self._lock:
            self._evidence.append(evidence)
            self._assumptions.setdefault(evidence.open_point, "")


def _order(point: str) -> tuple[int, str]:
    number = point.removeprefix("O-")
    return (int(number), point) if number.isdigit() else (10_000, point)
