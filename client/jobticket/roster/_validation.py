"""The sync's own roster rules, applied to rows read from a file and located by the file's line and column.

The client validates every roster before a sync (:func:`jobticket.validate_roster`) and names a problem
by row (``employees[3].email``); HR fixes a spreadsheet, so here each problem names the line, the column
and its header instead, together with what the file itself breaks, sorted as the file reads (the roster
first, then the absences file when there is one).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .._exceptions import CsvProblem, RosterError, RosterFileError
from .._roster import validate_roster

if TYPE_CHECKING:
    from .._exceptions import RosterProblem
    from ._csv import CsvRoster

__all__ = ["checked_rows", "locate"]

_ROSTER_PATH = re.compile(r"employees\[(\d+)\]\.(\w+)")


def checked_rows(roster: CsvRoster) -> list[dict[str, Any]]:
    """The rows, validated by the sync's rules; raise :class:`RosterFileError` with every problem located."""
    problems = list(roster.problems)
    if any(problem.line == 1 for problem in problems) or not roster.rows:
        if not roster.rows and not problems:
            problems.append(
                CsvProblem(roster.source, None, "has no employees: a sync of nobody offboards everyone")
            )
        raise RosterFileError(problems)
    try:
        rows = validate_roster(roster.rows)
    except RosterError as error:
        reported = {(problem.source, problem.line, problem.column) for problem in problems}
        for problem in error.problems:
            located = locate(problem, roster)
            if (located.source, located.line, located.column) not in reported:
                problems.append(located)
    if problems:
        problems.sort(key=lambda p: (p.source != roster.source, p.source, p.line or 0, p.column or 0))
        raise RosterFileError(problems)
    return rows


def locate(problem: RosterProblem, roster: CsvRoster) -> CsvProblem:
    """Turn a roster problem (``employees[3].email``) into the file's line and column."""
    found = _ROSTER_PATH.match(problem.path)
    if found is None:
        return CsvProblem(roster.source, None, f"{problem.path}: {problem.rule}")
    index, name = int(found.group(1)), found.group(2)
    rule = _file_rule(problem.rule, roster)
    return CsvProblem(
        roster.source, roster.lines[index], rule, roster.columns.get(name), roster.headers.get(name, name)
    )


def _file_rule(rule: str, roster: CsvRoster) -> str:
    """Rules that point at another row (``duplicate of employees[1].email``) point at its line instead."""
    return re.sub(r"employees\[(\d+)\]\.\w+", lambda m: f"line {roster.lines[int(m.group(1))]}", rule)
