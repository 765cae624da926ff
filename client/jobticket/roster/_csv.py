"""Read the roster CSV that HR systems and spreadsheets export, naming every problem by line and column.

UTF-8 with or without a byte-order mark (or, with ``encoding``, the Windows-1252 and Latin-1 of older
exports), comma or semicolon separated, headers named as the sync's fields
(any case) or mapped (``hrId=Personalnummer``), empty cells as null, dates as ``DD.MM.YYYY`` or
``YYYY-MM-DD``. Absences come from two columns of the roster or from a second file of the same kind
(:func:`read_export`; the rules are :mod:`._absences`'s). Problems name the line, the column and the
rule, never the cell's value (personal data). What the file breaks is found here; what its rows break
of the sync's own rules is located by line and column in :mod:`._validation`. Standard library only.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .._exceptions import CsvProblem, RosterFileError
from ._absences import ABSENCE_COLUMNS, END, START, AbsenceRow, absence, absences_by_hr_id

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = [
    "ENCODINGS",
    "CsvRoster",
    "encoding_name",
    "parse_mapping",
    "parse_roster_csv",
    "read_export",
    "read_roster_csv",
]

ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1 (ISO-8859-1)"}
"""The encodings a roster file may be read in: our name -> what HR tools call it."""
_ALIASES = {"utf-8": "utf-8", "cp1252": "cp1252", "latin-1": "latin-1", "iso8859-1": "latin-1"}

REQUIRED = ("firstName", "lastName", "email", "hrId")
DATES = ("dateOfBirth", "startDate", "terminationDate", *ABSENCE_COLUMNS)
FIELDS = (*REQUIRED, "dateOfBirth", "profileImage", "startDate", "terminationDate", "autoSyncEmployee")
MAPPABLE = (*FIELDS, *ABSENCE_COLUMNS)
"""What ``--map`` names: the sync's fields, and the absence's first and last day."""
_ABSENCES_COLUMN = (
    "is not read as one column: give each absence's first and last day as absenceStart and absenceEnd "
    "columns (one absence per row), or one absence per row of a second file (--absences FILE)"
)
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
    absences_source: str | None = None
    """The file the absences came from (:func:`read_export`'s ``absences``), when not the roster."""
    absences_ignored: tuple[str, ...] = ()
    """Headers of the absences file's columns that are not read (a reason, a type: never sent)."""


@dataclass(frozen=True)
class _Layout:
    """The columns one kind of file holds."""

    fields: tuple[str, ...]
    required: tuple[str, ...]
    refused: Mapping[str, str] = field(default_factory=dict)
    """Headers that name no column of this file's kind, and what to do instead."""
    fallback: tuple[str, ...] = ()
    """Fields whose column ``--map`` names may be missing from this file: then the field's own name is
    looked up instead. The absences file shares the roster's ``--map`` (and may name its ``hrId`` column
    otherwise); a roster whose absences come from that file need not have their columns."""


_ROSTER = _Layout(MAPPABLE, REQUIRED, {"absences": _ABSENCES_COLUMN})
_ROSTER_BESIDE_ABSENCES = _Layout(MAPPABLE, REQUIRED, {"absences": _ABSENCES_COLUMN}, ABSENCE_COLUMNS)
_ABSENCES = _Layout(("hrId", *ABSENCE_COLUMNS), ("hrId", START), fallback=("hrId", *ABSENCE_COLUMNS))


def parse_mapping(text: str) -> dict[str, str]:
    """``hrId=Personalnummer,email=E-Mail`` -> {API field: header}; a bad entry raises ValueError."""
    mapping: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        name, sep, header = (part.strip() for part in entry.partition("="))
        if not sep or not name or not header:
            raise ValueError(f"--map entries are FIELD=HEADER, got an entry without '=' or a side: {entry!r}")
        if name not in MAPPABLE:
            raise ValueError(f"--map: {name!r} is not a field of the sync ({', '.join(MAPPABLE)})")
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


def _decode(data: bytes, source: str, encoding: str, option: str = "--encoding") -> str:
    """The file's text; a byte the encoding cannot read, or a UTF-8 file read as another, is refused.

    ``option`` is the command-line option that names this file's encoding.
    """
    if encoding == "utf-8":
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise RosterFileError(
                [
                    CsvProblem(
                        source,
                        _line_of(data, error.start),
                        f"is not UTF-8 ({option} utf-8, the default): save it as 'CSV UTF-8', or name "
                        f"its encoding, e.g. {option} cp1252 for a Windows or older Excel export",
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
                        f"is UTF-8, not {ENCODINGS[encoding]} ({option} {encoding}): read as "
                        f"{encoding} its umlauts would be garbled; drop {option} {encoding}",
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
                    f"has a byte that is not {ENCODINGS[encoding]} ({option} {encoding}); check the "
                    f"file's encoding ({option} utf-8, cp1252 or latin-1)",
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
    header: list[str], mapping: Mapping[str, str], source: str, layout: _Layout
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
    for name in (*layout.fields, *layout.refused):
        if name in mapping and (mapping[name] in seen or name not in layout.fallback):
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
    for name, rule in layout.refused.items():
        if name in columns:
            index = columns.pop(name)
            problems.append(CsvProblem(source, 1, rule, index + 1, header[index]))
    if END in columns and START not in columns and START not in layout.required:
        problems.append(
            CsvProblem(source, 1, f"no column for {START}: an {END} column needs one (--map {START}=HEADER)")
        )
    for name in layout.required:
        if name not in columns:
            problems.append(
                CsvProblem(
                    source, 1, f"no column for {name}: name a column {name}, or map one (--map {name}=HEADER)"
                )
            )
    used = set(columns.values())
    ignored = tuple(h for h, i in seen.items() if i not in used and h)
    return columns, problems, ignored


def _read_text(path: Path, encoding: str, option: str = "--encoding") -> tuple[str, str]:
    """The file's decoded text and our name of its encoding; :class:`RosterFileError` when unreadable."""
    source = path.name
    try:
        name = encoding_name(encoding)
    except ValueError as error:
        raise RosterFileError([CsvProblem(source, None, f"{option} {error}")]) from None
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RosterFileError([CsvProblem(str(path), None, f"cannot be read: {error.strerror}")]) from None
    return _decode(data, source, name, option), name


def read_roster_csv(
    path: Path, mapping: Mapping[str, str] | None = None, *, encoding: str = "utf-8"
) -> CsvRoster:
    """Read ``path`` into wire-form rows; raise :class:`RosterFileError` listing every problem found.

    ``encoding`` is one of :data:`ENCODINGS` (any spelling :func:`encoding_name` accepts); UTF-8 may
    start with a byte-order mark. Absences in ``absenceStart``/``absenceEnd`` columns (or the columns
    ``mapping`` names for them) become each row's ``absences``.
    """
    return _read_roster(path, mapping or {}, encoding, _ROSTER)


def _read_roster(path: Path, mapping: Mapping[str, str], encoding: str, layout: _Layout) -> CsvRoster:
    text, name = _read_text(path, encoding)
    return replace(parse_roster_csv(text, path.name, mapping, layout), encoding=name)


def read_export(
    roster: Path,
    mapping: Mapping[str, str] | None = None,
    *,
    encoding: str = "utf-8",
    absences: Path | None = None,
    absences_encoding: str | None = None,
) -> CsvRoster:
    """The roster of :func:`read_roster_csv`, with each row's absences from the file ``absences``.

    The absences file has one row per absence: the employee's ``hrId``, ``absenceStart`` and
    ``absenceEnd`` columns, found by the headers ``mapping`` names for them or else by those names (any
    case), read in ``absences_encoding`` (default: the roster's ``encoding``). Every row of the roster
    then sends its complete list of absences, ``[]`` for none. Raise :class:`RosterFileError` listing the
    problems of both files at once.
    """
    problems: list[CsvProblem] = []
    read: CsvRoster | None = None
    layout = _ROSTER if absences is None else _ROSTER_BESIDE_ABSENCES
    try:
        read = _read_roster(roster, mapping or {}, encoding, layout)
    except RosterFileError as error:
        problems += error.problems
    if absences is None:
        if read is None:
            raise RosterFileError(problems)
        return read
    table: CsvRoster | None = None
    try:
        text, name = _read_text(absences, absences_encoding or encoding, "--absences-encoding")
        table = replace(_parse(text, absences.name, mapping or {}, _ABSENCES), encoding=name)
    except RosterFileError as error:
        problems += error.problems
    if read is None or table is None:
        raise RosterFileError(problems)
    return _with_absences(read, table)


def _with_absences(roster: CsvRoster, table: CsvRoster) -> CsvRoster:
    """``roster`` whose every row sends its absences from ``table``, with the problems of both."""
    problems = list(roster.problems)
    if START in roster.columns:
        problems.append(
            CsvProblem(
                roster.source, 1, f"absences come from {table.source} (--absences) or from these "
                "columns, not both; drop one", roster.columns[START], roster.headers[START],
            )
        )  # fmt: skip
    if any(problem.line == 1 for problem in table.problems):  # its columns are not known
        return replace(roster, problems=(*problems, *table.problems))
    reported = {(problem.line, problem.column) for problem in table.problems}
    rows = [
        AbsenceRow(
            row["hrId"], row.get(START), row.get(END), line,
            tuple(n for n in ABSENCE_COLUMNS if (line, table.columns.get(n)) in reported),
        )
        for row, line in zip(table.rows, table.lines, strict=True)
    ]  # fmt: skip
    hr_ids = (row["hrId"] for row in roster.rows if isinstance(row.get("hrId"), str))
    by_hr_id, found = absences_by_hr_id(
        rows,
        hr_ids,
        source=table.source,
        roster_source=roster.source,
        columns=table.columns,
        headers=table.headers,
    )
    for row in roster.rows:
        hr_id = row.get("hrId")
        row["absences"] = by_hr_id.get(hr_id, []) if isinstance(hr_id, str) else []
    return replace(
        roster,
        problems=(*problems, *table.problems, *found),
        absences_source=table.source,
        absences_ignored=table.ignored,
    )


def parse_roster_csv(
    text: str, source: str, mapping: Mapping[str, str], layout: _Layout = _ROSTER
) -> CsvRoster:
    """Parse decoded CSV text (see :func:`read_roster_csv`)."""
    roster = _parse(text, source, mapping, layout)
    if START not in roster.columns:
        for row in roster.rows:
            row.pop(END, None)  # an absenceEnd column alone is refused (see _columns)
        return roster
    problems = list(roster.problems)
    unreadable = {(problem.line, problem.column) for problem in problems}
    for row, line in zip(roster.rows, roster.lines, strict=True):
        start, end = row.pop(START, None), row.pop(END, None)
        row["absences"] = []
        if any((line, roster.columns.get(name)) in unreadable for name in ABSENCE_COLUMNS):
            continue
        item, rule, column = absence(start, end)
        if rule is not None and column is not None:
            problems.append(CsvProblem(source, line, rule, roster.columns[column], roster.headers[column]))
        elif item is not None:
            row["absences"] = [item]
    return replace(roster, problems=tuple(problems))


def _parse(text: str, source: str, mapping: Mapping[str, str], layout: _Layout) -> CsvRoster:
    """Parse decoded CSV text of one kind of file into rows of its fields, with every problem found."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [cell.strip() for cell in next(reader, [])]
    except csv.Error as error:
        raise RosterFileError([CsvProblem(source, 1, f"is not valid CSV: {error}")]) from None
    if not any(header):
        raise RosterFileError([CsvProblem(source, 1, "is empty: the first line must name the columns")])
    columns, problems, ignored = _columns(header, mapping, source, layout)
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
