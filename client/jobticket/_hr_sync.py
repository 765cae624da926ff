"""What an HR sync would do, per employee, and the guard that refuses a sync that offboards too many.

Trigger HR Sync is a full-roster replace: everyone linked to the integration and missing from the roster
is offboarded (facts 8). The plan applies the shared rules of :mod:`jobticket.matching` (the twin runs
the same code) and records, per employee, the action, the fields that change, the link effect that is
billed and what the row's absences do to the subscription (working assumption O-22). Names and field
values are kept out of every ``repr`` and of :meth:`SyncPlan.summary`, so a plan can be logged; only the
renderings the user asks for (:func:`jobticket.roster.render_plan`) show them.

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

from ._exceptions import LinkedTwiceError
from .matching import MatchedBy, Pause, email_key, is_terminated, paused_by, resolve_claims

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from jobticket_api.models import Employee

__all__ = [
    "EmployeeChange",
    "FieldChange",
    "GuardCheck",
    "PlannedChange",
    "SubscriptionChange",
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


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """One person in the plan: the roster's hrId and the API's employee id (None when still to create)."""

    hr_id: str
    employee_id: int | None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field the sync overwrites: its wire name, the current value and the roster's value."""

    name: str
    old: Any = field(repr=False)
    new: Any = field(repr=False)


@dataclass(frozen=True, slots=True)
class SubscriptionChange:
    """What a row's absences change of the subscription, as the API shows it before and after the sync.

    Working assumption O-22 (:func:`jobticket.matching.paused_by`): the API does not show absences back,
    so this is the plan's expectation, not something the API confirmed.
    """

    before: Pause
    after: Pause


@dataclass(frozen=True, slots=True)
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
    subscription: SubscriptionChange | None = None
    """The pause the row's absences start, schedule or end (O-22); None when they change nothing."""
    name: str = field(default="", repr=False, compare=False)
    """An omitted employee's name, as the API shows it (a roster row's name is the row's own)."""
    email: str = field(default="", repr=False, compare=False)
    """The employee's email: the row's, or for an omitted employee the API's."""

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
    state: Mapping[int, str] = field(default_factory=dict, repr=False, compare=False)
    """What the plan depends on, per employee id: a :func:`state_code` (digests and status, no personal
    data) of every employee linked to the integration or sharing an email with a row."""
    state_digest: str = field(default="", repr=False, compare=False)
    """Full-strength digest of those employees' facts (see :attr:`state_fingerprint`)."""
    billed_before: int = 0
    """Employees of the company linked to any integration before the sync: billed already (facts 10)."""

    def _of(self, action: Action) -> tuple[PlannedChange, ...]:
        return tuple(change.planned for change in self.employees if change.action == action)

    @property
    def created(self) -> tuple[PlannedChange, ...]:
        """Rows that create an employee (a terminated one is created cancelled)."""
        return self._of("create")

    @property
    def updated(self) -> tuple[PlannedChange, ...]:
        """Rows whose employee gets new field values, a new link or a pause change from absences (O-22)."""
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
        return self.state_digest or fingerprint(
            {"integrationId": self.integration_id, "employees": self.state}
        )

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


def _link_hr_id(employee: Employee, integration_id: int) -> str | None:
    for link in employee.hr_intergartion_links:
        if link.hr_integration_id == integration_id:
            return link.hr_id
    return None


def _wire_value(employee: Employee, attribute: str) -> Any:
    value = getattr(employee, attribute)
    return value.isoformat() if isinstance(value, datetime.date) else value


def _changes(row: Mapping[str, Any], values: tuple[Any, ...]) -> tuple[FieldChange, ...]:
    """The fields the twin overwrites (facts 8, step 3): the optional two only when the row sends them."""
    return tuple(
        FieldChange(wire, old, row[wire])
        for (wire, _), old in zip(COMPARED_FIELDS, values, strict=True)
        if wire in row and row[wire] != old
    )


def _short(value: Any) -> str:
    """Three hex digits of a value: enough to say which fact of an employee changed, nothing to read."""
    canonical = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=2).hexdigest()[:3]


def state_code(hr_id: str | None, other_links: bool, status: str, email: str, values: tuple[Any, ...]) -> str:
    """One employee's state as a plan keeps it: short digests of its link, email and fields, then status.

    Ten characters and the status, with no name, email or date in clear: :func:`describe_state_change`
    reads which fact changed; the plan's ``state_digest`` proves (at full strength) that none did.
    """
    digests = _short(hr_id) + _short(email_key(email)) + _short(list(values))
    return f"{digests}{int(other_links)}{status}"


def describe_state_change(old: str, new: str) -> list[str]:
    """What differs between two :func:`state_code` values (statuses in clear, the rest by name only)."""
    what = []
    if old[:3] != new[:3]:
        what.append("its link to the integration changed")
    if old[10:] != new[10:]:
        what.append(f"subscription {old[10:]} -> {new[10:]}")
    if old[3:6] != new[3:6]:
        what.append("email changed")
    elif old[6:9] != new[6:9]:
        what.append("name, email or date of birth changed")
    if old[9:10] != new[9:10]:
        what.append("links to other integrations changed")
    return what or ["changed"]


@dataclass(slots=True)
class _Known:
    """What the planner keeps of one employee the plan depends on: what it compares, not the model."""

    employee_id: int
    linked_hr_id: str | None
    cancelled: bool
    any_links: bool
    by_link: tuple[FieldChange, ...]
    """Its changes if the row with its link's hrId claims it."""
    by_email: tuple[FieldChange, ...]
    """Its changes if the row with its email claims it."""
    pause_by_link: SubscriptionChange | None
    """What that row's absences change of its subscription (O-22; None, as for most, when nothing)."""
    pause_by_email: SubscriptionChange | None
    """What the absences of the row with its email change of its subscription."""
    name: str
    """Name and email are kept only for an active linked employee whose hrId is in no row: the sync
    offboards it unless a row claims it by email."""
    email: str


class _Company:
    """The company's employees reduced, while the listing streams by, to what the plan depends on.

    An employee neither linked to the integration nor sharing an email with a row cannot be touched by
    the sync: it is counted (billing) and forgotten. For the others, the field changes against the one
    or two rows that may claim it are computed at once, so no employee model outlives its page.
    """

    def __init__(self, integration_id: int, rows: list[dict[str, Any]], today: datetime.date) -> None:
        self.integration_id = integration_id
        self.rows = rows
        self.today = today
        self.row_of_hr_id = {row["hrId"]: index for index, row in enumerate(rows)}
        self.row_of_email = {email_key(row["email"]): index for index, row in enumerate(rows)}
        self.link_claims: list[int | None] = [None] * len(rows)
        """Per row: the lowest id linked to the integration with the row's hrId (O-25)."""
        self.email_claims: list[int | None] = [None] * len(rows)
        """Per row: the lowest id with the row's email."""
        self.known: dict[int, _Known] = {}
        self.state: dict[int, str] = {}
        self.billed = 0
        self._sum = 0

    def add(self, employee: Employee) -> None:
        links = employee.hr_intergartion_links
        self.billed += bool(links)
        hr_id = _link_hr_id(employee, self.integration_id)
        email_row = self.row_of_email.get(email_key(employee.email))
        if hr_id is None and email_row is None:
            return
        values = tuple(_wire_value(employee, attribute) for _, attribute in COMPARED_FIELDS)
        link_row = None if hr_id is None else self.row_of_hr_id.get(hr_id)
        by_link = () if link_row is None else _changes(self.rows[link_row], values)
        if email_row is None:
            by_email: tuple[FieldChange, ...] = ()
        else:
            by_email = by_link if email_row == link_row else _changes(self.rows[email_row], values)
        subscription = employee.subscription
        status = subscription.status
        cancelled = status == _CANCELLED
        pause = Pause(status, _date_text(subscription.paused_at), _date_text(subscription.reactivated_at))
        pause_by_link = (
            None if link_row is None else _subscription_change(self.rows[link_row], pause, self.today)
        )
        if email_row is None:
            pause_by_email = None
        elif email_row == link_row:
            pause_by_email = pause_by_link
        else:
            pause_by_email = _subscription_change(self.rows[email_row], pause, self.today)
        other_links = any(link.hr_integration_id != self.integration_id for link in links)
        if link_row is not None and self.link_claims[link_row] is not None:
            raise LinkedTwiceError(self.integration_id, (self.link_claims[link_row], employee.id))  # type: ignore[arg-type]
        shown = hr_id is not None and not cancelled and link_row is None
        self.known[employee.id] = _Known(
            employee.id,
            hr_id,
            cancelled,
            bool(links),
            by_link,
            by_email,
            pause_by_link,
            pause_by_email,
            _name(employee.first_name, employee.last_name) if shown else "",
            employee.email if shown else "",
        )
        _claim(self.link_claims, link_row, employee.id)
        _claim(self.email_claims, email_row, employee.id)
        self.state[employee.id] = state_code(hr_id, other_links, status, employee.email, values)
        facts = [employee.id, hr_id, other_links, status, email_key(employee.email), list(values)]
        facts += [pause.paused_at, pause.reactivated_at]
        canonical = json.dumps(facts, ensure_ascii=False, separators=(",", ":"))
        self._sum += int.from_bytes(hashlib.sha256(canonical.encode("utf-8")).digest(), "big")

    def state_digest(self) -> str:
        """Full-strength digest of every kept employee's facts, whatever order the listing had."""
        total = self._sum % (1 << 256)
        return fingerprint({"integrationId": self.integration_id, "employees": f"{total:064x}"})


def _claim(claims: list[int | None], row: int | None, employee_id: int) -> None:
    if row is not None:
        known = claims[row]
        if known is None or employee_id < known:
            claims[row] = employee_id


def _date_text(value: Any) -> str | None:
    """A subscription date as the wire shows it (the model parses it; ``UNSET`` and None are no date)."""
    return value.isoformat() if isinstance(value, datetime.date) else None


def _name(first: Any, last: Any) -> str:
    return f"{first} {last}".strip()


def plan_sync(
    integration_id: int,
    rows: list[dict[str, Any]],
    employees: Iterable[Employee],
    *,
    today: datetime.date,
) -> SyncPlan:
    """Compute the plan of syncing the validated ``rows`` against the company's current ``employees``.

    ``employees`` is consumed once, as it streams (a listing's pages): only what the plan compares is
    kept of each employee, so planning a large company costs memory per employee, not per model.
    """
    company = _Company(integration_id, rows, today)
    for employee in employees:
        company.add(employee)
    known = company.known
    company.row_of_hr_id.clear()
    company.row_of_email.clear()
    matches = resolve_claims(company.link_claims, company.email_claims)
    changes: list[EmployeeChange] = []
    for index, (row, match) in enumerate(zip(rows, matches, strict=True)):
        claimed = None if match.employee_id is None else known[match.employee_id]
        changes.append(_row_change(index, row, claimed, match.matched_by, today=today))
    matched = {match.employee_id for match in matches if match.employee_id is not None}
    active = [k for k in known.values() if k.linked_hr_id is not None and not k.cancelled]
    changes.extend(
        EmployeeChange(
            "offboard",
            k.linked_hr_id,  # type: ignore[arg-type]
            k.employee_id,
            None,
            was_active_linked=True,
            name=k.name,
            email=k.email,
        )
        for k in sorted(active, key=lambda k: k.employee_id)
        if k.employee_id not in matched
    )
    return SyncPlan(
        integration_id=integration_id,
        employees=tuple(changes),
        active_linked=len(active),
        today=today,
        state=company.state,
        state_digest=company.state_digest(),
        billed_before=company.billed,
    )


def _row_change(
    index: int,
    row: Mapping[str, Any],
    employee: _Known | None,
    matched_by: MatchedBy | None,
    *,
    today: datetime.date,
) -> EmployeeChange:
    terminated = is_terminated(row.get("terminationDate"), today)
    if employee is None:
        return EmployeeChange(
            "create", row["hrId"], None, index, link="new", newly_billed=True, terminated=terminated,
            email=row["email"],
        )  # fmt: skip
    changes = employee.by_link if matched_by == "link" else employee.by_email
    old_hr_id = employee.linked_hr_id
    if old_hr_id is None:
        link: LinkEffect = "new"
    elif old_hr_id != row["hrId"]:
        link = "re-keyed"
        changes = (FieldChange("hrId", old_hr_id, row["hrId"]), *changes)
    else:
        link = "kept"
    cancelled = employee.cancelled
    pause = employee.pause_by_link if matched_by == "link" else employee.pause_by_email
    subscription = None if terminated else pause
    if terminated and not cancelled:
        action: Action = "offboard"
    elif changes or link == "new" or subscription is not None:
        action = "update"
    else:
        action = "unchanged"
    return EmployeeChange(
        action,
        row["hrId"],
        employee.employee_id,
        index,
        matched_by=matched_by,
        changes=changes,
        link=link,
        newly_billed=link == "new" and not employee.any_links,
        was_active_linked=old_hr_id is not None and not cancelled,
        terminated=terminated,
        stays_cancelled=cancelled,
        subscription=subscription,
        email=row["email"],
    )


def _subscription_change(
    row: Mapping[str, Any], before: Pause, today: datetime.date
) -> SubscriptionChange | None:
    """What the row's absences change of the subscription (O-22); a row sending none changes nothing."""
    absences = row.get("absences")
    if not isinstance(absences, list):
        return None
    after = paused_by(absences, before, today)
    return None if after == before else SubscriptionChange(before, after)
