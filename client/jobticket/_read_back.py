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

    from ._hr_sync import SyncPlan

__all__ = ["Discrepancy", "compare_with_plan"]

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


def compare_with_plan(
    plan: SyncPlan,
    rows: Sequence[Mapping[str, Any]],
    before: Mapping[int, str],
    after: Iterable[Employee],
) -> list[Discrepancy]:
    """Differences between the plan and the employees listed after the sync (empty when it went as planned).

    ``before`` is each employee's subscription status in the listing the plan was made from.
    """
    company = {employee.id: employee for employee in after}
    linked: dict[str, list[int]] = defaultdict(list)
    for employee in company.values():
        for link in employee.hr_intergartion_links:
            if link.hr_integration_id == plan.integration_id:
                linked[link.hr_id].append(employee.id)
    found: list[Discrepancy] = []
    offboarded: set[int] = set()
    for change in plan.employees:
        if change.row is None:  # an omitted employee: offboarded
            assert change.employee_id is not None
            offboarded.add(change.employee_id)
            omitted = company.get(change.employee_id)
            if omitted is not None and omitted.subscription.status != _CANCELLED:
                found.append(Discrepancy("not offboarded", change.employee_id))
            continue
        ids = linked.get(change.hr_id, [])
        if len(ids) != 1:
            kind = "roster row not linked" if not ids else "roster row linked more than once"
            found.append(Discrepancy(kind, row=change.row))
            continue
        employee = company[ids[0]]
        if change.employee_id is not None and employee.id != change.employee_id:
            found.append(Discrepancy("roster row linked to another employee", employee.id, change.row))
            continue
        if not _applied(rows[change.row], employee):
            found.append(Discrepancy("values not applied", employee.id, change.row))
        if change.action == "offboard":
            offboarded.add(employee.id)
            if employee.subscription.status != _CANCELLED:
                found.append(Discrepancy("not offboarded", employee.id, change.row))
        elif change.terminated and change.employee_id is None:
            offboarded.add(employee.id)  # created already cancelled
    rows_hr_ids = {change.hr_id for change in plan.employees if change.row is not None}
    for hr_id, ids in linked.items():
        if hr_id in rows_hr_ids:
            continue
        found.extend(
            Discrepancy("linked without a roster row", employee_id)
            for employee_id in ids
            if company[employee_id].subscription.status != _CANCELLED and employee_id not in offboarded
        )
    for employee_id, status in before.items():
        now = company.get(employee_id)
        if now is None:
            found.append(Discrepancy("employee no longer listed", employee_id))
        elif status != _CANCELLED and now.subscription.status == _CANCELLED and employee_id not in offboarded:
            found.append(Discrepancy("offboarded without a plan", employee_id))
    return found
