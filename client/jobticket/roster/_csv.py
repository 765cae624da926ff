"""Read the roster CSV that HR systems and spreadsheets export, naming every problem by line and column.

UTF-8 with or without a byte-order mark, comma or semicolon separated, headers named as the sync's fields
(any case) or mapped (``hrId=Personalnummer``), empty cells as null, dates as ``DD.MM.YYYY`` or
``YYYY-MM-DD``. Problems name the line, the column and the rule, never the cell's value (personal data).
What the file breaks is found here; what its rows break of the sync's own rules is located by line and
column in :mod:`._validation`. Standard library only.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._exceptions import CsvProblem, RosterFileError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["CsvRoster", "parse_mapping", "parse_roster_csv", "read_roster_csv"]

REQUIRED = ("firstName", "lastName", "email", "hrId")
DATES = ("dateOfBirth", "startDate", "terminationDate")
FIELDS = (*REQUIRED, "dateOfBirth", "profileImage", "startDate", "terminationDate", "autoSyncEmployee")
_NOT_IN_CSV = {"absences": "absences cannot be given in a CSV file (use the client API)"}
_TRUE = {"true", "1", "yes", "ja", "wahr", "x"}
_FALSE = {"false", "0", "no", "nein", "falsch"}
_GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d+)")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SLASHED = re.compile(r"\d{1,4}/\d{1,2}/\d{1,4}")
DATE_RULE = "use DD.MM.YYYY or YYYY-MM-DD"


@dataclass(frozen=True)
class CsvRoster:
    """The roster read from a file: rows in the API's wire form, and where each row and field came from."""

    source: str
    rows: list[dict[str, Any]] = field(repr=False)
    lines: list[int]
    columns: Mapping[str, int]
    """API field -> 1-based column number."""
    headers: Mapping[str, str]
    """API field -> the header it was read from."""
    ignored: tuple[str, ...] = ()
    """Headers of columns that are not sync fields (not sent)."""
    delimiter: str = ","
    problems: tuple[CsvProblem, ...] = ()
    """What the file breaks, by line and column; see :func:`.checked_rows` for the sync's own rules."""


def parse_mapping(text: str) -> dict[str, str]:
    """``hrId=Personalnummer,email=E-Mail`` -> {API field: header}; a bad entry raises ValueError."""
    mapping: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        name, sep, header = (part.strip() for part in entry.partition("="))
        if not sep or not name or not header:
            raise ValueError(f"--map entries are FIELD=HEADER, got an entry without '=' or a side: {entry!r}")
        if name not in FIELDS:
            raise ValueError(f"--map: {name!r} is not a field of the sync ({', '.join(FIELDS)})")
        mapping[name] = header
    return mapping


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise RosterFileError(
            [CsvProblem(source, line, "is not UTF-8; save the file as 'CSV UTF-8' and try again")]
        ) from None


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", header)
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


def _date(cell: str) -> str | None:
    """The ISO form of a German or ISO date, or None when the cell is not one (see :func:`_date_rule`)."""
    german, iso = _GERMAN.fullmatch(cell), _ISO.fullmatch(cell)
    try:
        if german and len(german.group(3)) == 4:
            day, month, year = (int(part) for part in german.groups())
            return datetime.date(year, month, day).isoformat()
        if iso:
            return datetime.date(*(int(part) for part in iso.groups())).isoformat()
    except ValueError:
        return None
    return None


def _date_rule(cell: str) -> str:
    if _SLASHED.fullmatch(cell):
        return f"is ambiguous with slashes (day/month or month/day?); {DATE_RULE}"
    german = _GERMAN.fullmatch(cell)
    if german and len(german.group(3)) != 4:
        return f"needs a four-digit year; {DATE_RULE}"
    if german or _ISO.fullmatch(cell):
        return "is not a calendar date"
    return f"is not a date; {DATE_RULE}"


def _cell_value(name: str, cell: str) -> tuple[Any, str | None]:
    """The wire value of one non-empty cell, or the rule it breaks."""
    if name in DATES:
        value = _date(cell)
        return (value, None) if value is not None else (None, _date_rule(cell))
    if name == "autoSyncEmployee":
        if cell.casefold() in _TRUE:
            return True, None
        if cell.casefold() in _FALSE:
            return False, None
        return None, "must be true or false (or ja/nein, 1/0) or empty"
    return cell, None


def _columns(
    header: list[str], mapping: Mapping[str, str], source: str
) -> tuple[dict[str, int], list[CsvProblem], tuple[str, ...]]:
    problems: list[CsvProblem] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue  # spreadsheets leave trailing columns without a header
        if name in seen:
            problems.append(CsvProblem(source, 1, "the same header appears twice", index + 1, name))
        else:
            seen[name] = index
    mapped_headers = set(mapping.values())
    columns: dict[str, int] = {}
    for name in (*FIELDS, *_NOT_IN_CSV):
        if name in mapping:
            if mapping[name] not in seen:
                problems.append(
                    CsvProblem(source, 1, f"--map {name}={mapping[name]}: the file has no such column")
                )
                continue
            columns[name] = seen[mapping[name]]
            continue
        found = [i for h, i in seen.items() if h.casefold() == name.casefold() and h not in mapped_headers]
        if found:
            columns[name] = found[0]
    for name, rule in _NOT_IN_CSV.items():
        if name in columns:
            index = columns.pop(name)
            problems.append(CsvProblem(source, 1, rule, index + 1, header[index]))
    for name in REQUIRED:
        if name not in columns:
            problems.append(
                CsvProblem(
                    source, 1, f"no column for {name}: name a column {name}, or map one (--map {name}=HEADER)"
                )
            )
    used = set(columns.values())
    ignored = tuple(h for h, i in seen.items() if i not in used and h)
    return columns, problems, ignored


def read_roster_csv(path: Path, mapping: Mapping[str, str] | None = None) -> CsvRoster:
    """Read ``path`` into wire-form rows; raise :class:`RosterFileError` listing every problem found."""
    source = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RosterFileError([CsvProblem(str(path), None, f"cannot be read: {error.strerror}")]) from None
    return parse_roster_csv(_decode(data, source), source, mapping or {})


def parse_roster_csv(text: str, source: str, mapping: Mapping[str, str]) -> CsvRoster:
    """Parse decoded CSV text (see :func:`read_roster_csv`)."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [cell.strip() for cell in next(reader, [])]
    except csv.Error as error:
        raise RosterFileError([CsvProblem(source, 1, f"is not valid CSV: {error}")]) from None
    if not any(header):
        raise RosterFileError([CsvProblem(source, 1, "is empty: the first line must name the columns")])
    columns, problems, ignored = _columns(header, mapping, source)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue  # spreadsheets end with empty rows (";;;;")
            if len(cells) > len(header) and any(cells[len(header) :]):
                problems.append(
                    CsvProblem(source, line, f"has {len(cells)} cells, the header names {len(header)}")
                )
            row: dict[str, Any] = {}
            for name, index in columns.items():
                cell = cells[index] if index < len(cells) else ""
                value, rule = _cell_value(name, cell) if cell else (None, None)
                if rule is not None:
                    problems.append(CsvProblem(source, line, rule, index + 1, header[index]))
                row[name] = value
            rows.append(row)
            lines.append(line)
    except csv.Error as error:
        problems.append(CsvProblem(source, reader.line_num, f"is not valid CSV: {error}"))
    names = {name: header[index] for name, index in columns.items()}
    numbers = {name: index + 1 for name, index in columns.items()}
    return CsvRoster(source, rows, lines, numbers, names, ignored, delimiter, tuple(problems))
