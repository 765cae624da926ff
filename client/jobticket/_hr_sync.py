"""What an HR sync would do, per employee, and the guard that refuses a sync that offboards too many.

Trigger HR Sync is a full-roster replace: everyone linked to the integration and missing from the roster
is offboarded (facts 8). The plan applies the shared rules of :mod:`jobticket.matching` (the twin runs
the same code) and records, per employee, the action, the fields that change and the link effect that
is billed. Names and field values are kept out of every ``repr`` and of :meth:`SyncPlan.summary`, so a
plan can be logged; only the renderings the user asks for (:func:`jobticket.roster.render_plan`) show them.

These are the guarded sync's own types, public through :mod:`jobticket.hr_sync`; the HR roster
application (:mod:`jobticket.roster`) builds on them, and on :class:`SyncHistory` to add its guard over
time, without the client ever importing it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .matching import Candidate, MatchedBy, email_key, is_terminated, match_roster

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from jobticket_api.models import Employee

__all__ = [
    "EmployeeChange",
    "FieldChange",
    "GuardCheck",
    "PlannedChange",
    "SyncHistory",
    "SyncPlan",
    "SyncResult",
    "new_sync_id",
    "plan_sync",
]

EUR_PER_LINKED_EMPLOYEE = 1
_CANCELLED = "cancelled"
# Fields a sync overwrites and the API shows again (facts 8, step 3): wire name -> Employee attribute.
COMPARED_FIELDS = (
    ("firstName", "first_name"),
    ("lastName", "last_name"),
    ("email", "email"),
    ("dateOfBirth", "date_of_birth"),
    ("profileImage", "profile_image"),
)

Action = Literal["create", "update", "unchanged", "offboard"]
LinkEffect = Literal["new", "kept", "re-keyed"]


@dataclass(frozen=True)
class PlannedChange:
    """One person in the plan: the roster's hrId and the API's employee id (None when still to create)."""

    hr_id: str
    employee_id: int | None


@dataclass(frozen=True)
class FieldChange:
    """One field the sync overwrites: its wire name, the current value and the roster's value."""

    name: str
    old: Any = field(repr=False)
    new: Any = field(repr=False)


@dataclass(frozen=True)
class EmployeeChange:
    """What the sync does to one employee: a roster row (``row`` is its index) or an omitted employee."""

    action: Action
    hr_id: str
    employee_id: int | None
    row: int | None
    matched_by: MatchedBy | None = None
    changes: tuple[FieldChange, ...] = ()
    link: LinkEffect = "kept"
    newly_billed: bool = False
    """The employee had no link to any integration before: this sync adds 1 EUR (facts 10)."""
    was_active_linked: bool = False
    """Linked to the integration with a subscription that is not cancelled, before the sync."""
    terminated: bool = False
    """The row's terminationDate is today or earlier: the employee is (or is created) cancelled."""
    stays_cancelled: bool = False
    """Matched to an offboarded employee: updated, but not reactivated (O-26)."""
    name: str = field(default="", repr=False, compare=False)
    email: str = field(default="", repr=False, compare=False)

    @property
    def planned(self) -> PlannedChange:
        """The id-only view of earlier versions."""
        return PlannedChange(self.hr_id, self.employee_id)


@dataclass(frozen=True)
class SyncPlan:
    """Who a sync would create, update, leave unchanged and offboard, and the link effect billed."""

    integration_id: int
    employees: tuple[EmployeeChange, ...]
    """Roster rows in roster order, then the omitted employees it offboards, by employee id."""
    active_linked: int
    """Employees linked to the integration whose subscription is not cancelled, before the sync."""
    today: datetime.date
    state: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What the plan depends on, per employee id (digests, no personal data): see :func:`plan_state`."""

    def _of(self, action: Action) -> tuple[PlannedChange, ...]:
        return tuple(change.planned for change in self.employees if change.action == action)

    @property
    def created(self) -> tuple[PlannedChange, ...]:
        """Rows that create an employee (a terminated one is created cancelled)."""
        return self._of("create")

    @property
    def updated(self) -> tuple[PlannedChange, ...]:
        """Rows whose employee gets new field values or a new link."""
        return self._of("update")

    @property
    def unchanged(self) -> tuple[PlannedChange, ...]:
        """Rows whose employee stays as it is."""
        return self._of("unchanged")

    @property
    def offboarded(self) -> tuple[PlannedChange, ...]:
        """Existing employees whose subscription the sync cancels (omitted, or terminated rows)."""
        return self._of("offboard")

    @property
    def offboarded_active(self) -> int:
        """How many of ``active_linked`` the sync would offboard."""
        return sum(1 for c in self.employees if c.action == "offboard" and c.was_active_linked)

    @property
    def offboard_ratio(self) -> float:
        """Share of the currently active linked employees the sync would offboard."""
        return self.offboarded_active / self.active_linked if self.active_linked else 0.0

    @property
    def new_links(self) -> int:
        """Employees the sync links to the integration (created, or matched by email without a link)."""
        return sum(1 for change in self.employees if change.link == "new")

    @property
    def newly_billed(self) -> int:
        """New links of employees linked to no integration before: each adds 1 EUR (facts 10)."""
        return sum(1 for change in self.employees if change.newly_billed)

    @property
    def state_fingerprint(self) -> str:
        """Digest of the integration state the plan was computed on."""
        return fingerprint({"integrationId": self.integration_id, "employees": self.state})

    def summary(self) -> str:
        """One log-safe line of counts."""
        return (
            f"create {len(self.created)}, update {len(self.updated)}, unchanged {len(self.unchanged)}, "
            f"offboard {len(self.offboarded)} ({self.offboarded_active} of {self.active_linked} active "
            f"linked, {self.offboard_ratio:.1%}), new links {self.new_links}"
        )

    def refusal(self, max_offboard_ratio: float, allow_large_offboarding: bool) -> str | None:
        """Why the per-sync guard refuses this plan, or None when it may be sent."""
        if allow_large_offboarding or self.offboard_ratio <= max_offboard_ratio:
            return None
        return (
            f"the sync would offboard {self.offboarded_active} of {self.active_linked} active employees "
            f"linked to integration {self.integration_id} ({self.offboard_ratio:.1%}), above the "
            f"{max_offboard_ratio:.1%} threshold; check that the roster is complete, or pass "
            "allow_large_offboarding=True if this is intended"
        )


@dataclass(frozen=True)
class GuardCheck:
    """One guard's verdict on a plan: the share it measures, its limit and why it refuses (or None)."""

    name: str
    share: float
    limit: float
    refusal: str | None


@dataclass(frozen=True)
class SyncResult:
    """The outcome of ``sync_roster``: the plan, the syncId used and whether the roster was sent."""

    sync_id: str
    plan: SyncPlan
    sent: bool
    refusal: str | None = None
    """Set on a dry run whose real run the guard would refuse."""
    guards: tuple[GuardCheck, ...] = field(default=(), compare=False)
    """Every guard's verdict on the plan (per sync, and over the history's period when one is kept)."""
    planned_at: datetime.datetime | None = field(default=None, compare=False)
    """When the plan was computed, by the client's clock (UTC)."""


class SyncHistory(Protocol):
    """What ``sync_roster(history=...)`` asks of a record of earlier syncs: the guard over time.

    :class:`jobticket.roster.OffboardingHistory` keeps one in a local file; another store (a database
    shared by several hosts) only needs these two methods.
    """

    def guard_check(
        self, base_url: str, plan: SyncPlan, now: datetime.datetime, *, allow: bool
    ) -> GuardCheck:
        """This guard's verdict on sending ``plan`` to ``base_url`` now (``allow``: the explicit override)."""
        ...

    def record_sync(self, base_url: str, sync_id: str, plan: SyncPlan, now: datetime.datetime) -> None:
        """Remember a sync the API accepted; a ``ValueError`` is logged, never raised past the sent sync."""
        ...


def new_sync_id(now: datetime.datetime) -> str:
    """Make a unique, sortable syncId for a run whose caller gave none."""
    return f"sync-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"  # 8 random hex digits, without importing uuid


def fingerprint(value: Any) -> str:
    """``sha256:`` digest of the canonical JSON of ``value`` (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _digest(*parts: Any) -> str:
    return fingerprint(list(parts))[7:23]


def _link_hr_id(employee: Employee, integration_id: int) -> str | None:
    for link in employee.hr_intergartion_links:
        if link.hr_integration_id == integration_id:
            return link.hr_id
    return None


def _wire_value(employee: Employee, attribute: str) -> Any:
    value = getattr(employee, attribute)
    return value.isoformat() if isinstance(value, datetime.date) else value


def _changes(row: Mapping[str, Any], employee: Employee) -> tuple[FieldChange, ...]:
    """The fields the twin overwrites (facts 8, step 3): the optional two only when the row sends them."""
    return tuple(
        FieldChange(wire, _wire_value(employee, attribute), row[wire])
        for wire, attribute in COMPARED_FIELDS
        if wire in row and row[wire] != _wire_value(employee, attribute)
    )


def plan_state(employee: Employee, integration_id: int) -> dict[str, Any]:
    """The facts about one employee a plan depends on, as digests: no name, email or date in clear."""
    return {
        "hrId": _link_hr_id(employee, integration_id),
        "otherLinks": any(
            link.hr_integration_id != integration_id for link in employee.hr_intergartion_links
        ),
        "status": employee.subscription.status,
        "emailKey": _digest(email_key(employee.email)),
        "fields": _digest(*(_wire_value(employee, attribute) for _, attribute in COMPARED_FIELDS)),
    }


def _name(first: Any, last: Any) -> str:
    return f"{first} {last}".strip()


def plan_sync(
    integration_id: int,
    rows: list[dict[str, Any]],
    employees: Iterable[Employee],
    *,
    today: datetime.date,
) -> SyncPlan:
    """Compute the plan of syncing the validated ``rows`` against the company's current ``employees``."""
    company = {employee.id: employee for employee in employees}
    linked = {e.id: hr for e in company.values() if (hr := _link_hr_id(e, integration_id)) is not None}
    active = {employee_id for employee_id in linked if company[employee_id].subscription.status != _CANCELLED}
    matches = match_roster(
        [(row["hrId"], row["email"]) for row in rows],
        (Candidate(e.id, e.email, linked.get(e.id)) for e in company.values()),
    )
    changes: list[EmployeeChange] = []
    for index, (row, match) in enumerate(zip(rows, matches, strict=True)):
        changes.append(
            _row_change(
                index,
                row,
                employee_id=match.employee_id,
                matched_by=match.matched_by,
                company=company,
                linked=linked,
                today=today,
            )
        )
    matched = {match.employee_id for match in matches if match.employee_id is not None}
    changes.extend(
        EmployeeChange(
            "offboard",
            linked[employee_id],
            employee_id,
            None,
            was_active_linked=True,
            name=_name(company[employee_id].first_name, company[employee_id].last_name),
            email=company[employee_id].email,
        )
        for employee_id in sorted(active - matched)
    )
    roster_keys = {email_key(row["email"]) for row in rows}
    depends_on = sorted(e.id for e in company.values() if e.id in linked or email_key(e.email) in roster_keys)
    return SyncPlan(
        integration_id=integration_id,
        employees=tuple(changes),
        active_linked=len(active),
        today=today,
        state={
            str(employee_id): plan_state(company[employee_id], integration_id) for employee_id in depends_on
        },
    )


def _row_change(
    index: int,
    row: Mapping[str, Any],
    *,
    employee_id: int | None,
    matched_by: MatchedBy | None,
    company: Mapping[int, Employee],
    linked: Mapping[int, str],
    today: datetime.date,
) -> EmployeeChange:
    terminated = is_terminated(row.get("terminationDate"), today)
    name = _name(row["firstName"], row["lastName"])
    if employee_id is None:
        return EmployeeChange(
            "create", row["hrId"], None, index, link="new", newly_billed=True, terminated=terminated,
            name=name, email=row["email"],
        )  # fmt: skip
    employee = company[employee_id]
    changes = _changes(row, employee)
    old_hr_id = linked.get(employee_id)
    if old_hr_id is None:
        link: LinkEffect = "new"
    elif old_hr_id != row["hrId"]:
        link = "re-keyed"
        changes = (FieldChange("hrId", old_hr_id, row["hrId"]), *changes)
    else:
        link = "kept"
    cancelled = employee.subscription.status == _CANCELLED
    if terminated and not cancelled:
        action: Action = "offboard"
    elif changes or link == "new":
        action = "update"
    else:
        action = "unchanged"
    return EmployeeChange(
        action,
        row["hrId"],
        employee_id,
        index,
        matched_by=matched_by,
        changes=changes,
        link=link,
        newly_billed=link == "new" and not employee.hr_intergartion_links,
        was_active_linked=old_hr_id is not None and not cancelled,
        terminated=terminated,
        stays_cancelled=cancelled,
        name=name,
        email=row["email"],
    )
