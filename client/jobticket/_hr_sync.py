"""What an HR sync would do, and the guard that refuses a sync that would offboard too many people.

Trigger HR Sync is a full-roster replace: everyone linked to the integration and missing from the roster
is offboarded (facts 8). The plan mirrors the working-assumption matching (O-25: the integration's hrId
link first, then email case-insensitively, else create) and offboarding (O-26). People are identified by
hrId and employee id only, never by name or email, so plans can be logged and printed.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import JobTicketError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from jobticket_api.models import Employee

__all__ = ["PlannedChange", "SyncPlan", "SyncRefused", "SyncResult", "new_sync_id", "plan_sync"]

DEFAULT_MAX_OFFBOARD_RATIO = 0.10
_CANCELLED = "cancelled"
_COMPARED = (
    ("firstName", "first_name"),
    ("lastName", "last_name"),
    ("email", "email"),
    ("dateOfBirth", "date_of_birth"),
    ("profileImage", "profile_image"),
)


@dataclass(frozen=True)
class PlannedChange:
    """One person in the plan: the roster's hrId and the API's employee id (None when still to create)."""

    hr_id: str
    employee_id: int | None


@dataclass(frozen=True)
class SyncPlan:
    """Who a sync would create, update, leave unchanged and offboard."""

    integration_id: int
    created: tuple[PlannedChange, ...]
    updated: tuple[PlannedChange, ...]
    unchanged: tuple[PlannedChange, ...]
    offboarded: tuple[PlannedChange, ...]
    active_linked: int
    """Employees linked to the integration whose subscription is not cancelled, before the sync."""
    offboarded_active: int
    """How many of ``active_linked`` the sync would offboard."""

    @property
    def offboard_ratio(self) -> float:
        """Share of the currently active linked employees the sync would offboard."""
        return self.offboarded_active / self.active_linked if self.active_linked else 0.0

    def summary(self) -> str:
        """One log-safe line of counts."""
        return (
            f"create {len(self.created)}, update {len(self.updated)}, unchanged {len(self.unchanged)}, "
            f"offboard {len(self.offboarded)} ({self.offboarded_active} of {self.active_linked} active "
            f"linked, {self.offboard_ratio:.1%})"
        )

    def refusal(self, max_offboard_ratio: float, allow_large_offboarding: bool) -> str | None:
        """Why the guard refuses this plan, or None when it may be sent."""
        if allow_large_offboarding or self.offboard_ratio <= max_offboard_ratio:
            return None
        return (
            f"the sync would offboard {self.offboarded_active} of {self.active_linked} active employees "
            f"linked to integration {self.integration_id} ({self.offboard_ratio:.1%}), above the "
            f"{max_offboard_ratio:.1%} threshold; check that the roster is complete, or pass "
            "allow_large_offboarding=True if this is intended"
        )


@dataclass(frozen=True)
class SyncResult:
    """The outcome of ``sync_roster``: the plan, the syncId used and whether the roster was sent."""

    sync_id: str
    plan: SyncPlan
    sent: bool
    refusal: str | None = None
    """Set on a dry run whose real run the guard would refuse."""


class SyncRefused(JobTicketError):
    """The guard refused to send the roster; nothing was sent. ``plan`` says what would have happened."""

    def __init__(self, reason: str, plan: SyncPlan) -> None:
        super().__init__(reason)
        self.plan = plan


def new_sync_id(now: datetime.datetime) -> str:
    """Make a unique, sortable syncId for a run whose caller gave none."""
    return f"sync-{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def _link_hr_id(employee: Employee, integration_id: int) -> str | None:
    for link in employee.hr_intergartion_links:
        if link.hr_integration_id == integration_id:
            return link.hr_id
    return None


def _differs(row: Mapping[str, Any], employee: Employee) -> bool:
    for wire, attribute in _COMPARED:
        if wire not in row:
            continue
        current = getattr(employee, attribute)
        if isinstance(current, datetime.date):
            current = current.isoformat()
        if row[wire] != current:
            return True
    return False


def _terminated(row: Mapping[str, Any], today: datetime.date) -> bool:
    value = row.get("terminationDate")
    return isinstance(value, str) and datetime.date.fromisoformat(value) <= today


def plan_sync(
    integration_id: int,
    rows: list[dict[str, Any]],
    employees: Iterable[Employee],
    *,
    today: datetime.date,
) -> SyncPlan:
    """Compute the plan of syncing the validated ``rows`` against the company's current ``employees``."""
    by_link: dict[str, Employee] = {}
    by_email: dict[str, Employee] = {}
    for current in employees:
        linked_as = _link_hr_id(current, integration_id)
        if linked_as is not None:
            by_link[linked_as] = current
        by_email.setdefault(current.email.casefold(), current)
    active = {e.id: hr for hr, e in by_link.items() if e.subscription.status != _CANCELLED}

    created: list[PlannedChange] = []
    updated: list[PlannedChange] = []
    unchanged: list[PlannedChange] = []
    offboarded: list[PlannedChange] = []
    matched: set[int] = set()
    for row in rows:
        hr_id = row["hrId"]
        employee: Employee | None = by_link.get(hr_id) or by_email.get(row["email"].casefold())
        if employee is not None and employee.id in matched:
            employee = None  # one employee cannot stand for two rows: the server would create one
        change = PlannedChange(hr_id, employee.id if employee is not None else None)
        if employee is not None:
            matched.add(employee.id)
        if _terminated(row, today):
            if employee is None or employee.subscription.status != _CANCELLED:
                offboarded.append(change)
        elif employee is None:
            created.append(change)
        elif by_link.get(hr_id) is not employee or _differs(row, employee):
            updated.append(change)
        else:
            unchanged.append(change)
    offboarded.extend(
        PlannedChange(hr_id, employee_id)
        for employee_id, hr_id in active.items()
        if employee_id not in matched
    )
    return SyncPlan(
        integration_id=integration_id,
        created=tuple(created),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        offboarded=tuple(offboarded),
        active_linked=len(active),
        offboarded_active=sum(1 for change in offboarded if change.employee_id in active),
    )
