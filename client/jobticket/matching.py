"""The HR sync's reconciliation rules, written once: the client's planner and the twin both call them.

These are working assumptions of the facts file, not documented behaviour, so a correction after the
contract run against staging is a change here and nowhere else:

- O-25, matching: every roster row whose ``hrId`` is linked to the integration claims that employee
  first (all links before any email); each remaining row then takes the company's employee with the
  same email (compared with :func:`email_key`, the lowest id when several share it) unless a row has
  already claimed that employee; a row left without an employee creates one.
- O-26, termination: a row whose ``terminationDate`` is today or earlier is offboarded; a later one is
  only recorded.
- O-22, absences: a row that sends ``absences`` sets the pause of its employee's subscription as of the
  sync date (:func:`paused_by`); a row that sends none leaves it as it is.

Standard library only, so the twin and any caller can use it without the client's dependencies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "PAUSABLE",
    "Candidate",
    "Match",
    "MatchedBy",
    "Pause",
    "email_key",
    "is_terminated",
    "match_roster",
    "paused_by",
    "resolve_claims",
]

MatchedBy = Literal["link", "email"]


def email_key(email: str) -> str:
    """The form in which two emails count as the same: case-insensitive (``casefold``, so ß = ss)."""
    return email.casefold()


@dataclass(frozen=True, slots=True)
class Candidate:
    """What matching needs of one company employee: its id, email and hrId under this integration."""

    employee_id: int
    email: str
    linked_hr_id: str | None
    """The ``hrId`` of the employee's link to the integration being synced, None when not linked."""


@dataclass(frozen=True, slots=True)
class Match:
    """The employee a roster row stands for (None: the sync creates one) and how it was found."""

    employee_id: int | None
    matched_by: MatchedBy | None


def _keep_lowest(index: dict[str, int], key: str, employee_id: int) -> None:
    known = index.get(key)
    if known is None or employee_id < known:
        index[key] = employee_id


def match_roster(rows: Sequence[tuple[str, str]], candidates: Iterable[Candidate]) -> list[Match]:
    """Match roster rows, given as ``(hrId, email)`` pairs, to the company's employees (O-25).

    ``candidates`` is read once, in any order (the lowest id wins a shared key), so it may stream.
    """
    by_link: dict[str, int] = {}
    by_email: dict[str, int] = {}
    for candidate in candidates:
        if candidate.linked_hr_id is not None:
            _keep_lowest(by_link, candidate.linked_hr_id, candidate.employee_id)
        _keep_lowest(by_email, email_key(candidate.email), candidate.employee_id)
    return resolve_claims(
        [by_link.get(hr_id) for hr_id, _ in rows], [by_email.get(email_key(email)) for _, email in rows]
    )


def resolve_claims(by_link: Sequence[int | None], by_email: Sequence[int | None]) -> list[Match]:
    """The rule itself: each row's claim by its link first, then by its email if still unclaimed.

    Row ``i`` takes ``by_link[i]`` (the lowest id linked with its hrId), else ``by_email[i]`` (the
    lowest id with its email) unless another row has claimed that employee. A planner that indexes
    the company while it streams passes these two per-row claims directly.
    """
    matches = [Match(linked, "link") if linked is not None else Match(None, None) for linked in by_link]
    claimed = {match.employee_id for match in matches if match.employee_id is not None}
    for index, found in enumerate(by_email):
        if matches[index].employee_id is None and found is not None and found not in claimed:
            matches[index] = Match(found, "email")
            claimed.add(found)
    return matches


def is_terminated(termination_date: object, today: datetime.date) -> bool:
    """Whether a row's ``terminationDate`` (``YYYY-MM-DD`` or None) offboards it on ``today`` (O-26)."""
    if not isinstance(termination_date, str):
        return False
    return datetime.date.fromisoformat(termination_date) <= today


PAUSABLE = ("active", "scheduled-pause", "paused")
"""Subscription statuses an absence acts on (O-22); a ``pending`` or ``cancelled`` one only records it."""


@dataclass(frozen=True, slots=True)
class Pause:
    """What absences change of a subscription (O-22): its status, ``pausedAt`` and ``reactivatedAt``."""

    status: str
    paused_at: str | None = None
    reactivated_at: str | None = None


def paused_by(absences: Sequence[Mapping[str, Any]], current: Pause, today: datetime.date) -> Pause:
    """The subscription after a sync on ``today`` sends ``absences``, the employee's complete list (O-22).

    The working assumption, evaluated on the sync date as ``terminationDate`` is (O-26), for a
    subscription whose status is one of :data:`PAUSABLE` (any other is returned as it is):

    - an absence covers today (``startDate`` today or earlier, ``endDate`` null or today or later):
      ``paused``, ``pausedAt`` the earliest ``startDate`` of those covering today;
    - else an absence starts later: ``scheduled-pause``, ``pausedAt`` the earliest such ``startDate``;
    - else (none, or all ended): ``active``; a ``scheduled-pause`` drops its ``pausedAt`` (the pause
      will not happen); an ``active`` subscription stays as it is.

    Leaving ``paused`` sets ``reactivatedAt`` to the sync date, and ``pausedAt`` then keeps the day the
    pause began (the date it "was paused", facts 7.2). Whether the API also moves a subscription by
    itself on an absence's dates, between syncs, is part of O-22; here only a sync does.
    """
    if current.status not in PAUSABLE:
        return current
    day = today.isoformat()
    covering = [
        str(absence["startDate"])
        for absence in absences
        if absence["startDate"] <= day and (absence.get("endDate") is None or absence["endDate"] >= day)
    ]
    upcoming = [str(absence["startDate"]) for absence in absences if absence["startDate"] > day]
    reactivated = day if current.status == "paused" else current.reactivated_at
    if covering:
        return Pause("paused", min(covering), current.reactivated_at)
    if upcoming:
        return Pause("scheduled-pause", min(upcoming), reactivated)
    if current.status == "paused":
        return Pause("active", current.paused_at, reactivated)
    if current.status == "scheduled-pause":
        return Pause("active", None, current.reactivated_at)
    return current
