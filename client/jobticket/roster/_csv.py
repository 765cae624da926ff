"""Read the roster CSV that HR systems and spreadsheets export, naming every problem by line and column.

UTF-8 with or without a byte-order mark (or, with ``encoding``, the Windows-1252 and Latin-1 of older
exports), comma or semicolon separated, headers named as the sync's fields
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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .._exceptions import CsvProblem, RosterFileError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["ENCODINGS", "CsvRoster", "encoding_name", "parse_mapping", "parse_roster_csv", "read_roster_csv"]

ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1 (ISO-8859-1)"}
"""The encodings a roster file may be read in: our name -> what HR tools call it."""
_ALIASES = {"utf-8": "utf-8", "cp1252": "cp1252", "latin-1": "latin-1", "iso8859-1": "latin-1"}

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
    encoding: str = "utf-8"
    """The encoding the file was read in (one of :data:`ENCODINGS`)."""


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


def encoding_name(text: str) -> str:
    """Our name of an encoding spelled any way Python knows it (``utf8``, ``windows-1252``, ``latin1``).

    Raise ``ValueError`` for an encoding that roster files are not read in.
    """
    import codecs  # noqa: PLC0415 - only when the option is given

    try:
        name = _ALIASES.get(codecs.lookup(text).name)
    except LookupError:
        name = None
    if name is None:
        raise ValueError(f"must be one of {', '.join(ENCODINGS)}, got {text!r}")
    return name


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, source: str, encoding: str) -> str:
    """The file's text; a byte the encoding cannot read, or a UTF-8 file read as another, is refused."""
    if encoding == "utf-8":
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise RosterFileError(
                [
                    CsvProblem(
                        source,
                        _line_of(data, error.start),
                        "is not UTF-8 (--encoding utf-8, the default): save it as 'CSV UTF-8', or name "
                        "its encoding, e.g. --encoding cp1252 for a Windows or older Excel export",
                    )
                ]
            ) from None
    if not data.isascii():
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            raise RosterFileError(
                [
                    CsvProblem(
                        source,
                        None,
                        f"is UTF-8, not {ENCODINGS[encoding]} (--encoding {encoding}): read as "
                        f"{encoding} its umlauts would be garbled; drop --encoding {encoding}",
                    )
                ]
            )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise RosterFileError(
            [
                CsvProblem(
                    source,
                    _line_of(data, error.start),
                    f"has a byte that is not {ENCODINGS[encoding]} (--encoding {encoding}); check the "
                    "file's encoding (--encoding utf-8, cp1252 or latin-1)",
                )
            ]
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


def read_roster_csv(
    path: Path, mapping: Mapping[str, str] | None = None, *, encoding: str = "utf-8"
) -> CsvRoster:
    """Read ``path`` into wire-form rows; raise :class:`RosterFileError` listing every problem found.

    ``encoding`` is one of :data:`ENCODINGS` (any spelling :func:`encoding_name` accepts); UTF-8 may
    start with a byte-order mark.
    """
    source = path.name
    try:
        name = encoding_name(encoding)
    except ValueError as error:
        raise RosterFileError([CsvProblem(source, None, f"--encoding {error}")]) from None
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RosterFileError([CsvProblem(str(path), None, f"cannot be read: {error.strerror}")]) from None
    return replace(parse_roster_csv(_decode(data, source, name), source, mapping or {}), encoding=name)


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
