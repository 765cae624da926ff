"""Exports in the encodings HR systems write: UTF-8 (with or without a BOM), Windows-1252 and Latin-1.

A Windows-1252 export (an older Excel's "CSV (semicolon separated)") plans with ``--encoding cp1252``
and shows its umlauts; without the option, or with the wrong one, one line names ``--encoding``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jobticket.roster import ENCODINGS, RosterFileError, checked_rows, read_roster_csv
from tests.helpers.twins import Twin

from .helpers import PLAN_ROSTER_CSV, Cli, current_rows, spreadsheet, traceback_free

HEADER = "hrId;firstName;lastName;email\r\n"


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    return path


def problems(path: Path, encoding: str = "utf-8") -> list[str]:
    with pytest.raises(RosterFileError) as raised:
        checked_rows(read_roster_csv(path, encoding=encoding))
    return [str(problem) for problem in raised.value.problems]


def test_each_encoding_reads_its_own_bytes_and_names_itself_when_they_do_not_fit(tmp_path: Path) -> None:
    assert set(ENCODINGS) == {"utf-8", "cp1252", "latin-1"}
    text = HEADER + "H1;Jörg;Müller-Straße;j@example.com\r\nH2;Zoë;Œuvre \u2013 “Ä”;z@example.com\r\n"
    cp1252 = write(tmp_path, text.encode("cp1252"))
    for spelling in ("cp1252", "windows-1252", "CP1252"):
        rows = checked_rows(read_roster_csv(cp1252, encoding=spelling))
        assert [row["lastName"] for row in rows] == ["Müller-Straße", "Œuvre \u2013 “Ä”"]
    assert read_roster_csv(cp1252, encoding="windows-1252").encoding == "cp1252"
    assert problems(cp1252) == [
        "roster.csv line 2: is not UTF-8 (--encoding utf-8, the default): save it as 'CSV UTF-8', or name "
        "its encoding, e.g. --encoding cp1252 for a Windows or older Excel export"
    ]
    latin = write(tmp_path, (HEADER + "H1;Jörg;Müller;j@example.com\r\n").encode("latin-1"))
    assert checked_rows(read_roster_csv(latin, encoding="latin1"))[0]["firstName"] == "Jörg"
    undefined = write(tmp_path, HEADER.encode() + b"H1;J\x81rg;M;j@example.com\r\n")  # 0x81: not in cp1252
    assert problems(undefined, "cp1252") == [
        "roster.csv line 2: has a byte that is not Windows-1252 (--encoding cp1252); check the file's "
        "encoding (--encoding utf-8, cp1252 or latin-1)"
    ]
    utf8 = write(tmp_path, ("\ufeff" + HEADER + "H1;Jörg;Müller;j@example.com\r\n").encode("utf-8"))
    assert checked_rows(read_roster_csv(utf8))[0]["lastName"] == "Müller"  # the BOM is accepted
    assert problems(utf8, "cp1252") == [
        "roster.csv: is UTF-8, not Windows-1252 (--encoding cp1252): read as cp1252 its umlauts would be "
        "garbled; drop --encoding cp1252"
    ]
    assert problems(utf8, "utf-16")[0].startswith(
        "roster.csv: --encoding must be one of utf-8, cp1252, latin-1"
    )


@pytest.mark.slow
@pytest.mark.twin(process=True, shared=True, rate_limit=0)
def test_a_windows_1252_export_plans_with_encoding_cp1252(twin: Twin, tmp_path: Path) -> None:
    cli = Cli(twin.base_url, tmp_path)
    rows, _ = current_rows(cli)
    hire = ["NEU-1252", "Jürgen", "Ölmüller", "juergen.oelmueller@example.org", "", "", "€-Stelle"]
    (tmp_path / "roster.csv").write_bytes(spreadsheet([*rows, hire], encoding="cp1252"))

    without = cli.run(*PLAN_ROSTER_CSV)
    assert without.returncode == 2
    first = next(line for line, row in enumerate([*rows, hire], start=2) if not ";".join(row).isascii())
    assert without.stderr.splitlines() == [
        f"roster.csv line {first}: is not UTF-8 (--encoding utf-8, the default): save it as 'CSV "
        "UTF-8', or name its encoding, e.g. --encoding cp1252 for a Windows or older Excel export",
        "nothing was sent",
    ]
    assert not (tmp_path / "roster.plan.json").exists()

    planned = cli.run(*PLAN_ROSTER_CSV, "--encoding", "cp1252")
    assert planned.returncode == 0, planned.stderr
    assert (
        "Jürgen Ölmüller <juergen.oelmueller@example.org>  new employee, new link (+1 EUR)" in planned.stdout
    )
    assert "from roster.csv (cp1252, " in planned.stdout

    wrong = cli.run(*PLAN_ROSTER_CSV, "--encoding", "ebcdic")
    assert wrong.returncode == 2
    assert wrong.stderr == (
        "jobticket roster plan: argument --encoding: must be one of utf-8, cp1252, latin-1, got 'ebcdic' "
        "(see jobticket roster plan --help)\n"
    )
    assert traceback_free(without, planned, wrong)
