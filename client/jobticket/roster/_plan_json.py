"""A sync plan as JSON and back: what HR reads in the saved plan, and what the fingerprint covers.

Counts, the offboarding ratio, the billing effect (with the open points it rests on) and every employee's
change, names and emails included: the plan file is for HR's eyes.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from .._hr_sync import EUR_PER_LINKED_EMPLOYEE, EmployeeChange, FieldChange, SyncPlan

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["BILLING_PERIOD_NOTE", "LINKS_ENDED_NOTE", "plan_from_json", "plan_json"]

BILLING_PERIOD_NOTE = (
    "The billing period is not documented (open point O-37); the working assumption is per month."
)
LINKS_ENDED_NOTE = (
    "Offboarding keeps the employee's link (working assumption O-26), so no link ends; whether an "
    "offboarded employee is still billed is not documented."
)


def _change_json(change: EmployeeChange) -> dict[str, Any]:
    return {
        "action": change.action,
        "hrId": change.hr_id,
        "employeeId": change.employee_id,
        "row": change.row,
        "matchedBy": change.matched_by,
        "changes": [{"field": c.name, "old": c.old, "new": c.new} for c in change.changes],
        "link": change.link,
        "newlyBilled": change.newly_billed,
        "wasActiveLinked": change.was_active_linked,
        "terminated": change.terminated,
        "staysCancelled": change.stays_cancelled,
        "name": change.name,
        "email": change.email,
    }


def plan_json(plan: SyncPlan) -> dict[str, Any]:
    """The plan as JSON: counts, offboarding ratio, billing effect and every employee's change."""
    return {
        "integrationId": plan.integration_id,
        "today": plan.today.isoformat(),
        "counts": {
            "create": len(plan.created),
            "update": len(plan.updated),
            "unchanged": len(plan.unchanged),
            "offboard": len(plan.offboarded),
        },
        "activeLinked": plan.active_linked,
        "offboardedActive": plan.offboarded_active,
        "offboardRatio": round(plan.offboard_ratio, 6),
        "billing": {
            "newLinks": plan.new_links,
            "newlyBilled": plan.newly_billed,
            "eurPerLinkedEmployee": EUR_PER_LINKED_EMPLOYEE,
            "addedEur": plan.newly_billed,
            "linksEnded": 0,
            "period": "not documented (O-37); working assumption: per month",
            "notes": [BILLING_PERIOD_NOTE, LINKS_ENDED_NOTE],
        },
        "employees": [_change_json(change) for change in plan.employees],
    }


def plan_from_json(body: Mapping[str, Any], state: Mapping[str, Any]) -> SyncPlan:
    """Rebuild a :class:`SyncPlan` from :func:`plan_json`."""
    employees = tuple(
        EmployeeChange(
            action=item["action"],
            hr_id=str(item["hrId"]),
            employee_id=None if item["employeeId"] is None else int(item["employeeId"]),
            row=None if item["row"] is None else int(item["row"]),
            matched_by=item["matchedBy"],
            changes=tuple(FieldChange(c["field"], c["old"], c["new"]) for c in item["changes"]),
            link=item["link"],
            newly_billed=bool(item["newlyBilled"]),
            was_active_linked=bool(item["wasActiveLinked"]),
            terminated=bool(item["terminated"]),
            stays_cancelled=bool(item["staysCancelled"]),
            name=str(item["name"]),
            email=str(item["email"]),
        )
        for item in body["employees"]
    )
    return SyncPlan(
        integration_id=int(body["integrationId"]),
        employees=employees,
        active_linked=int(body["activeLinked"]),
        today=datetime.date.fromisoformat(body["today"]),
        state=dict(state),
    )
