"""Absences from an HR export: as two columns of the roster, or one per row of a second file.

An HR system exports absences either beside each employee (a first and a last day on the roster's own
row: one absence per employee) or as a list of its own (one row per absence, keyed by ``hrId``, as many
per employee as there are). Both become the ``absences`` each roster row sends, ``{startDate, endDate}``
with ``endDate`` null for an open-ended absence (working assumption O-22), sorted by their first day.
When absences are given at all, every row sends its complete list, ``[]`` included: an employee whose
absence was taken out of the export is resumed, as the plan shows. Only the dates are sent; a reason
column (sickness, parental leave) is health or family data the API has no field for, and is never read.

What a file breaks of these rules is named by file, line and column, never by value: a last day before
the first, two absences of one employee on the same day, an ``hrId`` no roster row has.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._exceptions import CsvProblem

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = ["ABSENCE_COLUMNS", "AbsenceRow", "absence", "absences_by_hr_id"]

START, END = "absenceStart", "absenceEnd"
ABSENCE_COLUMNS = (START, END)
"""The absence's first and last day as columns, of the roster or of the absences file (``--map``)."""


@dataclass(frozen=True)
class AbsenceRow:
    """One absence read from a file (dates already ISO, or None when empty or unreadable)."""

    hr_id: str | None
    start: str | None
    end: str | None
    line: int
    unreadable: tuple[str, ...] = ()
    """Columns whose cell is not a date (reported where the file was read; not again here)."""


def absence(start: str | None, end: str | None) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """The wire item of a first and last day, or the rule they break and the column that breaks it.

    ``(item, None, None)``, or ``(None, rule, column)``; ``(None, None, None)`` when both are empty (no
    absence on this row).
    """
    if start is None:
        if end is None:
            return None, None, None
        return None, f"needs the absence's first day in the {START} column of the same row", END
    if end is not None and end < start:
        return None, f"must not be before {START}, the absence's first day", END
    return {"startDate": start, "endDate": end}, None, None


def absences_by_hr_id(
    rows: Sequence[AbsenceRow],
    hr_ids: Iterable[str],
    *,
    source: str,
    roster_source: str,
    columns: Mapping[str, int],
    headers: Mapping[str, str],
) -> tuple[dict[str, list[dict[str, Any]]], list[CsvProblem]]:
    """Each roster hrId's absences, sorted by their first day, and every problem of the absences file.

    ``columns`` and ``headers`` say where ``hrId``, ``absenceStart`` and ``absenceEnd`` are in the file.
    """
    known = set(hr_ids)
    problems: list[CsvProblem] = []

    def problem(line: int, name: str, rule: str) -> None:
        problems.append(CsvProblem(source, line, rule, columns.get(name), headers.get(name, name)))

    found: dict[str, list[tuple[dict[str, Any], int]]] = defaultdict(list)
    for row in rows:
        if row.hr_id is None:
            problem(row.line, "hrId", "is required: the hrId of the absent employee")
        elif row.hr_id not in known:
            problem(row.line, "hrId", f"no employee of {roster_source} has this hrId")
        if row.unreadable:
            continue
        item, rule, column = absence(row.start, row.end)
        if rule is not None and column is not None:
            problem(row.line, column, rule)
        elif item is None:
            problem(row.line, START, "is required: the absence's first day")
        elif row.hr_id in known:
            found[row.hr_id].append((item, row.line))
    result: dict[str, list[dict[str, Any]]] = {}
    for hr_id, items in found.items():
        items.sort(key=lambda pair: (pair[0]["startDate"], pair[1]))
        for line, earlier in _overlaps(items):
            problem(line, START, f"overlaps the absence on line {earlier} of the same employee (hrId)")
        result[hr_id] = [item for item, _ in items]
    return result, problems


def _overlaps(items: Sequence[tuple[dict[str, Any], int]]) -> list[tuple[int, int]]:
    """``(line, earlier line)`` of each absence starting on or before the last day of an earlier one.

    ``items`` are one employee's absences with their lines, sorted by first day; the earlier one named is
    the absence reaching furthest so far (an open-ended one reaches forever).
    """
    found: list[tuple[int, int]] = []
    reach: tuple[str | None, int] | None = None
    for item, line in items:
        if reach is not None and (reach[0] is None or item["startDate"] <= reach[0]):
            found.append((line, reach[1]))
        end = item["endDate"]
        if reach is None or (reach[0] is not None and (end is None or end > reach[0])):
            reach = (end, line)
    return found
