"""The HR sync's reconciliation rules, written once: the client's planner and the twin both call them.

These are working assumptions of the facts file, not documented behaviour, so a correction after the
contract run against staging is a change here and nowhere else:

- O-25, matching: every roster row whose ``hrId`` is linked to the integration claims that employee
  first (all links before any email); each remaining row then takes the company's employee with the
  same email (compared with :func:`email_key`, the lowest id when several share it) unless a row has
  already claimed that employee; a row left without an employee creates one.
- O-26, termination: a row whose ``terminationDate`` is today or earlier is offboarded; a later one is
  only recorded.

Standard library only, so the twin and any caller can use it without the client's dependencies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["Candidate", "Match", "MatchedBy", "email_key", "is_terminated", "match_roster"]

MatchedBy = Literal["link", "email"]


def email_key(email: str) -> str:
    """The form in which two emails count as the same: case-insensitive (``casefold``, so ß = ss)."""
    return email.casefold()


@dataclass(frozen=True)
class Candidate:
    """What matching needs of one company employee: its id, email and hrId under this integration."""

    employee_id: int
    email: str
    linked_hr_id: str | None
    """The ``hrId`` of the employee's link to the integration being synced, None when not linked."""


@dataclass(frozen=True)
class Match:
    """The employee a roster row stands for (None: the sync creates one) and how it was found."""

    employee_id: int | None
    matched_by: MatchedBy | None


def match_roster(rows: Sequence[tuple[str, str]], candidates: Iterable[Candidate]) -> list[Match]:
    """Match roster rows, given as ``(hrId, email)`` pairs, to the company's employees (O-25)."""
    by_link: dict[str, int] = {}
    by_email: dict[str, int] = {}
    for candidate in sorted(candidates, key=lambda c: c.employee_id):
        if candidate.linked_hr_id is not None:
            by_link.setdefault(candidate.linked_hr_id, candidate.employee_id)
        by_email.setdefault(email_key(candidate.email), candidate.employee_id)
    matches = [Match(by_link[hr_id], "link") if hr_id in by_link else Match(None, None) for hr_id, _ in rows]
    claimed = {match.employee_id for match in matches if match.employee_id is not None}
    for index, (_, email) in enumerate(rows):
        if matches[index].employee_id is not None:
            continue
        found = by_email.get(email_key(email))
        if found is not None and found not in claimed:
            matches[index] = Match(found, "email")
            claimed.add(found)
    return matches


def is_terminated(termination_date: object, today: datetime.date) -> bool:
    """Whether a row's ``terminationDate`` (``YYYY-MM-DD`` or None) offboards it on ``today`` (O-26)."""
    if not isinstance(termination_date, str):
        return False
    return datetime.date.fromisoformat(termination_date) <= today
