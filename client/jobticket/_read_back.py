"""After a sync: read the company back and compare the outcome with the plan, so an incident is noticed.

The API answered 204, but 37 points of the spec are assumptions (matching by hrId or email, O-25; who is
offboarded, O-26; synchronous processing, O-28). So the guarded sync lists the employees once more
(strictly, so the listing is proven complete) and checks what the plan promised:

- every roster row is linked to the integration exactly once, to the employee the plan matched, and
  shows the row's values;
- every employee the plan offboards is cancelled;
- nobody else who was not cancelled before the sync is cancelled now, and nobody listed before is gone;
- nobody active is linked to the integration without a roster row (someone else synced it meanwhile, or
  the API matched otherwise than planned).

A difference is a :class:`Discrepancy`, named by employee id or roster row, never by a name or a value.
The listing streams through :class:`ReadBack`, which keeps ids, statuses and one verdict per roster row,
so reading back a company of 200,000 costs a few MB, not its models.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._hr_sync import COMPARED_FIELDS, _wire_value
from .matching import email_key

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from jobticket_api.models import Employee

    from ._hr_sync import EmployeeChange, SyncPlan

__all__ = ["Before", "Discrepancy", "ReadBack", "compare_with_plan"]

_CANCELLED = "cancelled"


@dataclass(frozen=True)
class Discrepancy:
    """One way the integration read back differs from the plan: what, and which employee or roster row."""

    kind: str
    employee_id: int | None = None
    row: int | None = None

    @property
    def where(self) -> str:
        """``employee 42``, ``row 3`` or both: ids and positions only."""
        parts = [f"employee {self.employee_id}"] if self.employee_id is not None else []
        parts += [f"row {self.row + 1}"] if self.row is not None else []
        return " ".join(parts) or "-"


def _applied(row: Mapping[str, Any], employee: Employee) -> bool:
    """Whether the employee shows the row's values (an email in any case: the API may store it lowered)."""
    for wire, attribute in COMPARED_FIELDS:
        if wire not in row:
            continue
        shown, sent = _wire_value(employee, attribute), row[wire]
        if wire == "email" and isinstance(shown, str):
            shown, sent = email_key(shown), email_key(sent)
        if shown != sent:
            return False
    return True


@dataclass(frozen=True)
class Before:
    """What the read-back needs of the listing a plan was made from: who was listed, who was active."""

    listed: frozenset[int]
    active: frozenset[int]
    """Listed with a subscription that is not cancelled."""


class ReadBack:
    """The listing after a sync, fed one employee at a time (:meth:`add`), compared with the plan."""

    def __init__(self, plan: SyncPlan, rows: Sequence[Mapping[str, Any]], before: Before) -> None:
        self._plan = plan
        self._rows = rows
        self._before = before
        self._row_of_hr_id = {change.hr_id: change.row for change in plan.employees if change.row is not None}
        self._seen: set[int] = set()
        self._cancelled: set[int] = set()
        self._linked: dict[str, list[int]] = defaultdict(list)
        self._applied: dict[int, bool] = {}

    def add(self, employee: Employee) -> None:
        """Keep what the comparison needs of one employee listed after the sync."""
        integration = self._plan.integration_id
        links = employee.hr_intergartion_links
        hr_id = next((link.hr_id for link in links if link.hr_integration_id == integration), None)
        if employee.id in self._before.listed:
            self._seen.add(employee.id)
        if hr_id is None and employee.id not in self._before.active:
            return  # neither linked nor active before: nothing of the sync's to compare
        if employee.subscription.status == _CANCELLED:
            self._cancelled.add(employee.id)
        if hr_id is not None:
            self._linked[hr_id].append(employee.id)
            row = self._row_of_hr_id.get(hr_id)
            if row is not None:
                self._applied[employee.id] = _applied(self._rows[row], employee)

    def discrepancies(self) -> list[Discrepancy]:
        """Differences between the plan and what was listed (empty when the sync went as planned)."""
        found: list[Discrepancy] = []
        offboarded: set[int] = set()
        for change in self._plan.employees:
            found.extend(self._of(change, offboarded))
        rows_hr_ids = set(self._row_of_hr_id)
        for hr_id, ids in self._linked.items():
            if hr_id not in rows_hr_ids:
                found.extend(
                    Discrepancy("linked without a roster row", employee_id)
                    for employee_id in ids
                    if employee_id not in self._cancelled and employee_id not in offboarded
                )
        found.extend(
            Discrepancy("employee no longer listed", employee_id)
            for employee_id in sorted(self._before.listed - self._seen)
        )
        found.extend(
            Discrepancy("offboarded without a plan", employee_id)
            for employee_id in sorted((self._before.active & self._cancelled) - offboarded)
        )
        return found

    def _of(self, change: EmployeeChange, offboarded: set[int]) -> list[Discrepancy]:
        """How one change of the plan shows in the listing; adds whom it offboards to ``offboarded``."""
        if change.row is None:  # an omitted employee: offboarded
            assert change.employee_id is not None
            offboarded.add(change.employee_id)
            kept = change.employee_id in self._seen and change.employee_id not in self._cancelled
            return [Discrepancy("not offboarded", change.employee_id)] if kept else []
        ids = self._linked.get(change.hr_id, [])
        if len(ids) != 1:
            kind = "roster row not linked" if not ids else "roster row linked more than once"
            return [Discrepancy(kind, row=change.row)]
        employee_id = ids[0]
        if change.employee_id is not None and employee_id != change.employee_id:
            return [Discrepancy("roster row linked to another employee", employee_id, change.row)]
        found = []
        if not self._applied[employee_id]:
            found.append(Discrepancy("values not applied", employee_id, change.row))
        if change.action == "offboard":
            offboarded.add(employee_id)
            if employee_id not in self._cancelled:
                found.append(Discrepancy("not offboarded", employee_id, change.row))
        elif change.terminated and change.employee_id is None:
            offboarded.add(employee_id)  # created already cancelled
        return found


def compare_with_plan(
    plan: SyncPlan,
    rows: Sequence[Mapping[str, Any]],
    before: Before,
    after: Iterable[Employee],
) -> list[Discrepancy]:
    """Differences between the plan and the employees listed after the sync (empty when it went as planned).

    ``after`` is consumed once, as it streams.
    """
    read_back = ReadBack(plan, rows, before)
    for employee in after:
        read_back.add(employee)
    return read_back.discrepancies()
