"""Roster validation before anything is sent: a bad row must never reach a full-roster replace.

Rules follow the working assumption O-21 (facts 7.9). Every problem names the row and field and the rule
it breaks, never the value, because roster values are personal data.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from ._exceptions import RosterError, RosterProblem
from .matching import email_key

if TYPE_CHECKING:
    from jobticket_api.models import HrSyncEmployee

__all__ = ["RosterEntry", "validate_roster"]

RosterEntry: TypeAlias = "HrSyncEmployee | Mapping[str, Any]"

_REQUIRED = ("firstName", "lastName", "email", "hrId")
_DATES = ("dateOfBirth", "startDate", "terminationDate")
_OPTIONAL_STRINGS = ("profileImage",)
# Deliberately loose: one @, no spaces, a dot in the domain. The server has the final word.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _wire(entry: RosterEntry, index: int) -> dict[str, Any]:
    if type(entry) is dict:
        return entry  # a plain dict is checked as it is; _jsonable copies it only if it must convert
    if isinstance(entry, Mapping):
        return dict(entry)
    from jobticket_api.models import HrSyncEmployee  # noqa: PLC0415 - import jobticket loads no model

    if isinstance(entry, HrSyncEmployee):
        return entry.to_dict()
    raise RosterError([RosterProblem(f"employees[{index}]", "must be an HrSyncEmployee or a mapping")])


def _parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _check_row(row: Mapping[str, Any], at: str) -> Iterable[RosterProblem]:
    for name in _REQUIRED:
        value = row.get(name)
        if value is None:
            yield RosterProblem(f"{at}.{name}", "is required")
        elif not isinstance(value, str) or not value.strip():
            yield RosterProblem(f"{at}.{name}", "must be a non-empty string")
    email = row.get("email")
    if isinstance(email, str) and email.strip() and not _EMAIL.match(email):
        yield RosterProblem(f"{at}.email", "is not a valid email address")
    for name in _OPTIONAL_STRINGS:
        if row.get(name) is not None and not isinstance(row.get(name), str):
            yield RosterProblem(f"{at}.{name}", "must be a string or null")
    dates: dict[str, datetime.date] = {}
    for name in _DATES:
        value = row.get(name)
        if value is None:
            continue
        parsed = _parse_date(value)
        if parsed is None:
            yield RosterProblem(f"{at}.{name}", "must be a date YYYY-MM-DD or null")
        else:
            dates[name] = parsed
    if "startDate" in dates and "terminationDate" in dates and dates["terminationDate"] < dates["startDate"]:
        yield RosterProblem(f"{at}.terminationDate", "must not be before startDate")
    auto = row.get("autoSyncEmployee")
    if auto is not None and not isinstance(auto, bool):
        yield RosterProblem(f"{at}.autoSyncEmployee", "must be true, false or null")
    if "absences" in row:
        yield from _check_absences(row["absences"], at)


def _check_absences(absences: Any, at: str) -> Iterable[RosterProblem]:
    if not isinstance(absences, list):  # the API takes an array, [] for none (O-22), never null
        yield RosterProblem(f"{at}.absences", "must be a list ([] for no absences)")
        return
    for position, absence in enumerate(absences):
        where = f"{at}.absences[{position}]"
        if not isinstance(absence, Mapping):
            yield RosterProblem(where, "must be an object with startDate and endDate")
            continue
        start = _parse_date(absence.get("startDate"))
        if start is None:
            yield RosterProblem(f"{where}.startDate", "is required and must be a date YYYY-MM-DD")
        end_value = absence.get("endDate")
        end = _parse_date(end_value)
        if end_value is not None and end is None:
            yield RosterProblem(f"{where}.endDate", "must be a date YYYY-MM-DD or null")
        elif start is not None and end is not None and end < start:
            yield RosterProblem(f"{where}.endDate", "must not be before startDate")


def _check_duplicates(rows: Sequence[Mapping[str, Any]]) -> Iterable[RosterProblem]:
    for name, fold in (("hrId", False), ("email", True)):
        first_seen: dict[str, int] = {}
        for index, row in enumerate(rows):
            value = row.get(name)
            if not isinstance(value, str) or not value.strip():
                continue
            key = email_key(value) if fold else value
            if key in first_seen:
                note = " (case-insensitive)" if fold else ""
                yield RosterProblem(
                    f"employees[{index}].{name}", f"duplicate of employees[{first_seen[key]}].{name}{note}"
                )
            else:
                first_seen[key] = index


def validate_roster(roster: Iterable[RosterEntry]) -> list[dict[str, Any]]:
    """Return the roster in wire form (JSON-ready dicts), or raise :class:`RosterError` with every problem.

    A row that is already a plain dict of JSON values is returned as it is, not copied, so a roster of
    200,000 rows is held once however many steps validate it.
    """
    if isinstance(roster, Mapping | str | bytes):
        raise RosterError([RosterProblem("employees", "must be a list of employees")])
    rows = [_wire(entry, index) for index, entry in enumerate(roster)]
    if not rows:
        raise RosterError(
            [RosterProblem("employees", "is empty: a sync with no employees would offboard everyone")]
        )
    problems = [
        problem for index, row in enumerate(rows) for problem in _check_row(row, f"employees[{index}]")
    ]
    problems.extend(_check_duplicates(rows))
    if problems:
        raise RosterError(problems)
    return [_jsonable(row) for row in rows]


def _needs_converting(row: Mapping[str, Any]) -> bool:
    absences = row.get("absences")
    return any(isinstance(value, datetime.date) for value in row.values()) or (
        isinstance(absences, list)
        and any(not isinstance(item, dict) or _needs_converting(item) for item in absences)
    )


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """Dates given as ``datetime.date`` objects are sent as ISO strings (a row without any is kept)."""
    if not _needs_converting(row):
        return row
    out = {
        key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in row.items()
    }
    absences = out.get("absences")
    if isinstance(absences, list):
        out["absences"] = [_jsonable(dict(item)) for item in absences]
    return out
