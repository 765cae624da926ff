"""Trigger HR Sync: whole-body validation (O-21), then an all-or-nothing reconciliation (section 8).

Absences pause and resume subscriptions as working assumption O-22 says (:func:`jobticket.matching.paused_by`,
the rule the client's planner applies too).

``validate_roster`` checks everything first and raises one 422 naming every bad field. ``reconcile``
then computes the new employee and integration collections from the current data set without
touching it; the caller publishes them in one swap, so a rejected or failing sync changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, TypeGuard
from urllib.parse import urlsplit

from jobticket.matching import Candidate, Pause, email_key, is_terminated, match_roster, paused_by
from jobticket_twin.clock import iso_date, iso_datetime
from jobticket_twin.errors import INVALID_DATA, ApiError, FieldErrors
from jobticket_twin.models import Employee, HrLink, Plan, Subscription

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jobticket_twin.seed import SeedData

__all__ = ["RosterItem", "SyncOutcome", "SyncRequest", "reconcile", "validate_roster"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_REQUIRED_TEXT = ("firstName", "lastName", "hrId")
_OPTIONAL_DATES = ("dateOfBirth", "startDate", "terminationDate")


@dataclass(frozen=True)
class RosterItem:
    """One validated roster entry; ``fields`` is the item as sent (optional fields included)."""

    first_name: str
    last_name: str
    email: str
    hr_id: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def sent(self, name: str) -> bool:
        """Whether the item carried ``name`` (null included)."""
        return name in self.fields


@dataclass(frozen=True)
class SyncRequest:
    """A validated sync body."""

    sync_id: str
    items: tuple[RosterItem, ...]


def validate_roster(body: object) -> SyncRequest:
    """Check the whole body and raise one 422 listing every problem, or return the parsed roster."""
    if not isinstance(body, dict):
        raise ApiError(422, INVALID_DATA, errors={"body": ["The request body must be a JSON object."]})
    errors = FieldErrors()
    sync_id = body.get("syncId")
    if "syncId" not in body:
        errors.add("syncId", "The syncId field is required.")
    elif not isinstance(sync_id, str) or not sync_id:
        errors.add("syncId", "The syncId must be a non-empty string.")
    roster = body.get("employees")
    items: list[RosterItem] = []
    if "employees" not in body:
        errors.add("employees", "The employees field is required.")
    elif not isinstance(roster, list):
        errors.add("employees", "The employees must be an array.")
    elif not roster:
        errors.add("employees", "The employees must not be empty: a sync replaces the whole roster.")
    else:
        items = _validate_items(roster, errors)
    errors.raise_if_any()
    assert isinstance(sync_id, str)
    return SyncRequest(sync_id, tuple(items))


def _validate_items(roster: list[Any], errors: FieldErrors) -> list[RosterItem]:
    items: list[RosterItem] = []
    seen_hr_ids: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for index, raw in enumerate(roster):
        path = f"employees.{index}"
        if not isinstance(raw, dict):
            errors.add(path, "Each employee must be a JSON object.")
            continue
        item = _validate_item(raw, path, errors)
        if item is None:
            continue
        for value, seen, name in (
            (item.hr_id, seen_hr_ids, "hrId"),
            (email_key(item.email), seen_emails, "email"),
        ):
            if value in seen:
                errors.add(f"{path}.{name}", f"The {name} is already used by employees.{seen[value]}.")
            else:
                seen[value] = index
        items.append(item)
    return items


def _validate_item(raw: dict[str, Any], path: str, errors: FieldErrors) -> RosterItem | None:
    count = len(errors)
    for name in _REQUIRED_TEXT:
        value = raw.get(name)
        if name not in raw:
            errors.add(f"{path}.{name}", f"The {name} field is required.")
        elif not isinstance(value, str) or not value:
            errors.add(f"{path}.{name}", f"The {name} must be a non-empty string.")
    email = raw.get("email")
    if "email" not in raw:
        errors.add(f"{path}.email", "The email field is required.")
    elif not isinstance(email, str) or not _EMAIL.fullmatch(email):
        errors.add(f"{path}.email", "The email must be a valid email address.")
    for name in _OPTIONAL_DATES:
        if raw.get(name) is not None and not _is_date(raw[name]):
            errors.add(f"{path}.{name}", f"The {name} must be a date in YYYY-MM-DD format or null.")
    start, end = raw.get("startDate"), raw.get("terminationDate")
    if _is_date(start) and _is_date(end) and end < start:
        errors.add(f"{path}.terminationDate", "The terminationDate must not be before the startDate.")
    image = raw.get("profileImage")
    if image is not None and not _is_uri(image):
        errors.add(f"{path}.profileImage", "The profileImage must be an absolute URI or null.")
    auto = raw.get("autoSyncEmployee")
    if auto is not None and not isinstance(auto, bool):
        errors.add(f"{path}.autoSyncEmployee", "The autoSyncEmployee must be true, false or null.")
    _validate_absences(raw, path, errors)
    if len(errors) > count:
        return None
    return RosterItem(raw["firstName"], raw["lastName"], raw["email"], raw["hrId"], raw)


def _validate_absences(raw: dict[str, Any], path: str, errors: FieldErrors) -> None:
    if "absences" not in raw:
        return
    absences = raw["absences"]
    if not isinstance(absences, list):
        errors.add(f"{path}.absences", "The absences must be an array.")
        return
    for index, absence in enumerate(absences):
        where = f"{path}.absences.{index}"
        if not isinstance(absence, dict):
            errors.add(where, "Each absence must be a JSON object.")
            continue
        start, end = absence.get("startDate"), absence.get("endDate")
        if not _is_date(start):
            errors.add(
                f"{where}.startDate", "The startDate is required and must be a date in YYYY-MM-DD format."
            )
        if end is not None and not _is_date(end):
            errors.add(f"{where}.endDate", "The endDate must be a date in YYYY-MM-DD format or null.")
        elif _is_date(start) and _is_date(end) and end < start:
            errors.add(f"{where}.endDate", "The endDate must not be before the startDate.")


def _is_date(value: object) -> TypeGuard[str]:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_uri(value: object) -> bool:
    if not isinstance(value, str) or any(char.isspace() for char in value):
        return False
    parts = urlsplit(value)
    return bool(_SCHEME.fullmatch(parts.scheme)) and bool(parts.netloc or parts.path)


@dataclass(frozen=True)
class SyncOutcome:
    """The reconciled data set and what changed, for the webhook events and the caller's report."""

    data: SeedData
    created: tuple[int, ...]
    updated: tuple[int, ...]
    offboarded: tuple[int, ...]
    subscription_changed: tuple[Employee, ...]


def reconcile(data: SeedData, integration_id: int, request: SyncRequest, now: float) -> SyncOutcome:
    """Apply the working-assumption algorithm of facts section 8 to a copy of ``data``."""
    employees = dict(data.employees)
    stamp, today = iso_datetime(now), iso_date(now)
    sync_day = date.fromisoformat(today)
    matches = _match(employees, integration_id, request.items)
    created: list[int] = []
    updated: list[int] = []
    changed: list[Employee] = []
    next_id = max(employees, default=0) + 1
    roster_ids: set[int] = set()
    for item, employee_id in zip(request.items, matches, strict=True):
        link = HrLink(integration_id, item.hr_id, request.sync_id, stamp, _hr_record(item))
        if employee_id is None:
            employee = _new_employee(next_id, item, link)
            created.append(next_id)
            next_id += 1
        else:
            employee = _updated_employee(employees[employee_id], item, link)
            updated.append(employee_id)
        if is_terminated(item.fields.get("terminationDate"), sync_day):
            employee = _offboarded(employee, today, changed)
        elif item.sent("absences"):
            employee = _paused(employee, item.fields["absences"], sync_day, changed)
        employees[employee.id] = employee
        roster_ids.add(employee.id)
    offboarded = [
        employee.id
        for employee in list(employees.values())
        if employee.id not in roster_ids
        and employee.link_for(integration_id) is not None
        and employee.subscription.status != "cancelled"
    ]
    for employee_id in offboarded:
        employees[employee_id] = _offboarded(employees[employee_id], today, changed)
    integrations = dict(data.integrations)
    integrations[integration_id] = replace(
        integrations[integration_id],
        status="active",
        last_sync_id=request.sync_id,
        last_synced=stamp,
        updated_at=stamp,
    )
    terminated = [employee.id for employee in changed if employee.id in roster_ids]
    return SyncOutcome(
        data=replace(data, employees=employees, integrations=integrations),
        created=tuple(created),
        updated=tuple(updated),
        offboarded=tuple(offboarded + terminated),
        subscription_changed=tuple(changed),
    )


def _match(
    employees: dict[int, Employee], integration_id: int, items: tuple[RosterItem, ...]
) -> list[int | None]:
    """The client's matching rules (O-25), shared so that a plan and the sync cannot disagree."""
    candidates = (
        Candidate(
            employee.id, employee.email, link.hr_id if (link := employee.link_for(integration_id)) else None
        )
        for employee in employees.values()
    )
    matches = match_roster([(item.hr_id, item.email) for item in items], candidates)
    return [match.employee_id for match in matches]


def _hr_record(item: RosterItem) -> dict[str, Any]:
    kept = ("startDate", "terminationDate", "autoSyncEmployee", "absences")
    return {name: item.fields[name] for name in kept if item.sent(name)}


def _new_employee(employee_id: int, item: RosterItem, link: HrLink) -> Employee:
    return Employee(
        id=employee_id,
        first_name=item.first_name,
        last_name=item.last_name,
        email=item.email,
        date_of_birth=item.fields.get("dateOfBirth"),
        profile_image=item.fields.get("profileImage"),
        subscription=Subscription("pending"),
        plan=Plan("fully-subsidized-plan", "pending"),
        ticket=None,
        links=(link,),
    )


def _updated_employee(employee: Employee, item: RosterItem, link: HrLink) -> Employee:
    if employee.link_for(link.integration_id) is None:
        links = (*employee.links, link)
    else:
        links = tuple(link if old.integration_id == link.integration_id else old for old in employee.links)
    return replace(
        employee,
        first_name=item.first_name,
        last_name=item.last_name,
        email=item.email,
        date_of_birth=item.fields["dateOfBirth"] if item.sent("dateOfBirth") else employee.date_of_birth,
        profile_image=item.fields["profileImage"] if item.sent("profileImage") else employee.profile_image,
        links=links,
    )


def _offboarded(employee: Employee, today: str, changed: list[Employee]) -> Employee:
    if employee.subscription.status == "cancelled":
        return employee
    subscription = replace(employee.subscription, status="cancelled", cancelled_at=today, next_ticket_at=None)
    result = replace(employee, subscription=subscription)
    changed.append(result)
    return result


def _paused(employee: Employee, absences: list[Any], today: date, changed: list[Employee]) -> Employee:
    """The subscription as the item's absences leave it (O-22); a change emits the subscription webhook."""
    subscription = employee.subscription
    before = Pause(subscription.status, subscription.paused_at, subscription.reactivated_at)
    after = paused_by(absences, before, today)
    if after == before:
        return employee
    subscription = replace(
        subscription, status=after.status, paused_at=after.paused_at, reactivated_at=after.reactivated_at
    )
    result = replace(employee, subscription=subscription)
    changed.append(result)
    return result
