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

__all__ = ["Candidate", "Match", "MatchedBy", "email_key", "is_terminated", "match_roster", "resolve_claims"]

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
