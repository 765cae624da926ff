"""Reading HR exports: BOM, semicolons, mapped headers, empty cells, dates; problems by line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobticket.roster import RosterFileError, checked_rows, read_roster_csv
from jobticket.roster._csv import parse_mapping

SPREADSHEET = (
    "\ufeffPersonalnummer;Vorname;Nachname;E-Mail;Geburtsdatum;Eintritt;Austritt;Abteilung\r\n"
    "P-1;Anna;Müller;anna@example.com;15.04.1990;2022-03-01;;Einkauf\r\n"
    'P-2;"Ben; Jr.";Becker;ben@example.com;;1.2.2023;31.12.2026;\r\n'
    ";;;;;;;\r\n"
)
MAPPING = "hrId=Personalnummer,firstName=Vorname,lastName=Nachname,email=E-Mail,dateOfBirth=Geburtsdatum,startDate=Eintritt,terminationDate=Austritt"  # noqa: E501


def write(tmp_path: Path, text: str, name: str = "roster.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(path: Path, mapping: str = "") -> list[str]:
    with pytest.raises(RosterFileError) as raised:
        checked_rows(read_roster_csv(path, parse_mapping(mapping)))
    return [str(problem) for problem in raised.value.problems]


def test_a_spreadsheet_export_with_bom_semicolons_and_german_headers(tmp_path: Path) -> None:
    roster = read_roster_csv(write(tmp_path, SPREADSHEET), parse_mapping(MAPPING))
    assert roster.delimiter == ";"
    assert roster.ignored == ("Abteilung",)
    assert roster.lines == [2, 3]
    assert checked_rows(roster) == [
        {"hrId": "P-1", "firstName": "Anna", "lastName": "Müller", "email": "anna@example.com",
         "dateOfBirth": "1990-04-15", "startDate": "2022-03-01", "terminationDate": None},
        {"hrId": "P-2", "firstName": "Ben; Jr.", "lastName": "Becker", "email": "ben@example.com",
         "dateOfBirth": None, "startDate": "2023-02-01", "terminationDate": "2026-12-31"},
    ]  # fmt: skip


def test_headers_named_as_the_api_fields_in_any_case_and_commas(tmp_path: Path) -> None:
    path = write(
        tmp_path, "FIRSTNAME,lastname,Email,hrId,autoSyncEmployee\nAnna,Müller,a@example.com,H1,ja\n"
    )
    assert checked_rows(read_roster_csv(path)) == [
        {
            "firstName": "Anna",
            "lastName": "Müller",
            "email": "a@example.com",
            "hrId": "H1",
            "autoSyncEmployee": True,
        }
    ]


def test_a_row_without_email_is_named_by_line_and_column(tmp_path: Path) -> None:
    text = "hrId;firstName;lastName;email\nH1;Anna;Müller;anna@example.com\nH2;Ben;Becker;\n"
    assert problems(write(tmp_path, text)) == ["roster.csv line 3, column 4 (email): is required"]


def test_every_problem_is_reported_at_once_without_values(tmp_path: Path) -> None:
    text = (
        "hrId,firstName,lastName,email,dateOfBirth,startDate,terminationDate\n"
        "H1,Anna,Müller,secret@example.com,01/02/1990,,\n"
        "H2,Ben,Becker,SECRET@example.com,31.02.1990,,\n"
        "H1,Clara,Cramer,c@example.com,01.02.90,2024-05-01,2024-04-30\n"
        "H4,Dora,,not-an-email,1990-13-01,,,surplus\n"
    )
    found = problems(write(tmp_path, text))
    assert found == [
        "roster.csv line 2, column 5 (dateOfBirth): is ambiguous with slashes (day/month or month/day?); "
        "use DD.MM.YYYY or YYYY-MM-DD",
        "roster.csv line 3, column 4 (email): duplicate of line 2 (case-insensitive)",
        "roster.csv line 3, column 5 (dateOfBirth): is not a calendar date",
        "roster.csv line 4, column 1 (hrId): duplicate of line 2",
        "roster.csv line 4, column 5 (dateOfBirth): needs a four-digit year; use DD.MM.YYYY or YYYY-MM-DD",
        "roster.csv line 4, column 7 (terminationDate): must not be before startDate",
        "roster.csv line 5: has 8 cells, the header names 7",
        "roster.csv line 5, column 3 (lastName): is required",
        "roster.csv line 5, column 4 (email): is not a valid email address",
        "roster.csv line 5, column 5 (dateOfBirth): is not a calendar date",
    ]
    assert "secret" not in " ".join(found).lower()


def test_missing_columns_and_bad_mappings_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "Personalnummer;Vorname;Vorname\nP1;Anna;Anna\n")
    assert problems(path, "hrId=Personalnummer,email=Mail") == [
        "roster.csv line 1, column 3 (Vorname): the same header appears twice",
        "roster.csv line 1: --map email=Mail: the file has no such column",
        "roster.csv line 1: no column for firstName: name a column firstName, or map one "
        "(--map firstName=HEADER)",
        "roster.csv line 1: no column for lastName: name a column lastName, or map one "
        "(--map lastName=HEADER)",
        "roster.csv line 1: no column for email: name a column email, or map one (--map email=HEADER)",
    ]
    with pytest.raises(ValueError, match="'Email' is not a field"):
        parse_mapping("Email=E-Mail")
    with pytest.raises(ValueError, match="FIELD=HEADER"):
        parse_mapping("hrId")


def test_a_quoted_multi_line_cell_keeps_the_line_numbers_of_the_file(tmp_path: Path) -> None:
    text = 'hrId,firstName,lastName,email\nH1,"Anna\nMaria",Müller,a@example.com\nH2,Ben,Becker,\n'
    assert problems(write(tmp_path, text)) == ["roster.csv line 4, column 4 (email): is required"]


def test_files_that_are_not_utf8_or_empty_get_one_clear_line(tmp_path: Path) -> None:
    latin = write(
        tmp_path, "hrId,firstName,lastName,email\nH1,Jörg,Müller,j@example.com\n", encoding="cp1252"
    )
    assert problems(latin) == [
        "roster.csv line 2: is not UTF-8 (--encoding utf-8, the default): save it as 'CSV UTF-8', or name "
        "its encoding, e.g. --encoding cp1252 for a Windows or older Excel export"
    ]
    assert problems(write(tmp_path, "", "empty.csv")) == [
        "empty.csv line 1: is empty: the first line must name the columns"
    ]
    assert problems(write(tmp_path, "hrId,firstName,lastName,email\n", "header.csv")) == [
        "header.csv: has no employees: a sync of nobody offboards everyone"
    ]
    assert problems(tmp_path / "missing.csv")[0].endswith(
        "missing.csv: cannot be read: No such file or directory"
    )
    assert problems(write(tmp_path, "hrId,firstName,lastName,email,absences\n", "abs.csv")) == [
        "abs.csv line 1, column 5 (absences): is not read as one column: give each absence's first and "
        "last day as absenceStart and absenceEnd columns (one absence per row), or one absence per row of "
        "a second file (--absences FILE)"
    ]
