"""Plans are evidence HR approves: no value from the CSV or the API can forge, hide or link anything.

Names carrying a newline and a forged OFFBOARD line, terminal escape sequences, bidi controls, Markdown
links and HTML stay one employee per line and inert in the text, Markdown and JSON plans and in the saved
file; plans and the history are private (0600) and git-ignored; ``--output`` never writes over an input.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from jobticket.roster import RosterPlan
from tests.helpers.twins import Twin

from .helpers import PLAN_ROSTER_CSV, Cli, current_rows, spreadsheet, traceback_free

pytestmark = pytest.mark.twin(process=True, shared=True, rate_limit=0)

FORGED = "Anna\n  OFFBOARD  -         hs-00001      #1 Eve <eve@example.org>  not in the roster"
HOSTILE = [
    ["NEU-1", FORGED, "\x1b[2J\x1b[31mRot", "neu.1@example.org", "", "", ""],
    ["NEU-2", "\u202egnp.exe", "[klick](https://evil.example/login)", "neu.2@example.org", "", "", ""],
    ["NEU-3", "<img src=x onerror=alert(1)>", "**fett** | `code` \\", "neu.3@example.org", "", "", ""],
]
RAW = ("\x1b", "\u202e", "\n  OFFBOARD")


def csv_rows(rows: list[list[str]]) -> list[list[str]]:
    """Rows as a spreadsheet quotes them (a cell with a newline or a semicolon in quotes)."""
    return [[f'"{cell}"' if any(c in cell for c in '\n;"') else cell for cell in row] for row in rows]


@pytest.mark.slow
def test_hostile_names_render_inert_in_every_format_and_the_saved_plan(twin: Twin, tmp_path: Path) -> None:
    cli = Cli(twin.base_url, tmp_path)
    rows, _ = current_rows(cli)
    (tmp_path / "roster.csv").write_bytes(spreadsheet(rows + csv_rows(HOSTILE)))

    text = cli.run(*PLAN_ROSTER_CSV)
    assert text.returncode == 0, text.stderr
    employees = text.stdout.split("\nEmployees\n", 1)[1].splitlines()
    assert len(employees) == len(rows) + 3  # one employee, one line
    assert [line.split()[0] for line in employees].count("OFFBOARD") == 0
    assert not any(raw in text.stdout for raw in RAW)
    assert "Anna\\n  OFFBOARD  -         hs-00001" in text.stdout
    assert "\\x1b[2J\\x1b[31mRot" in text.stdout
    assert "\\u202egnp.exe" in text.stdout
    assert all(line.isprintable() for line in text.stdout.splitlines())

    markdown = cli.run(*PLAN_ROSTER_CSV, "--format", "markdown")
    assert markdown.returncode == 0
    table = [line for line in markdown.stdout.splitlines() if line.startswith("| create | ") and "`" in line]
    assert len(table) == 3
    for line in table:
        outside = re.sub(r"(`+)(?:(?!\1).)*\1", "", line)  # what a renderer parses outside code spans
        for active in ("<img", "](", "**", "\\n", "\x1b"):
            assert active not in outside, (active, line)
        assert outside.count("|") == 6  # no cell split by a value's |
    assert "``<img src=x onerror=alert(1)> **fett** \\| `code` \\\\``" in markdown.stdout

    report = cli.run(*PLAN_ROSTER_CSV, "--format", "json")
    assert not any(raw in report.stdout for raw in ("\x1b", "\u202e"))
    names = {e["name"] for e in json.loads(report.stdout)["employees"] if e["kind"] == "create"}
    assert names == {f"{row[1]} {row[2]}" for row in HOSTILE}  # escaped on the wire, exact in the data

    saved = (tmp_path / "roster.plan.json").read_text("utf-8")
    assert not any(raw in saved for raw in ("\x1b", "\u202e"))
    loaded = RosterPlan.load(tmp_path / "roster.plan.json")
    assert {row["firstName"] for row in loaded.rows} >= {row[1] for row in HOSTILE}
    assert traceback_free(text, markdown, report)


@pytest.mark.slow
def test_plans_and_the_history_are_private_and_output_never_writes_over_an_input(
    twin: Twin, tmp_path: Path
) -> None:
    cli = Cli(twin.base_url, tmp_path)
    rows, _ = current_rows(cli)
    export = spreadsheet(rows)
    (tmp_path / "roster.csv").write_bytes(export)
    os.umask(0o022)  # the usual umask: files are 0644 unless written privately

    planned = cli.run(*PLAN_ROSTER_CSV)
    assert planned.returncode == 0, planned.stderr
    assert stat.S_IMODE((tmp_path / "roster.plan.json").stat().st_mode) == 0o600
    sent = cli.run("roster", "apply", "roster.plan.json")
    assert sent.returncode == 0, sent.stderr
    history = tmp_path / ".jobticket-offboarding-history.json"
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [history.name, "roster.csv", "roster.plan.json"]

    for output in ("roster.csv", "./roster.csv", str(tmp_path / "roster.csv"), history.name):
        refused = cli.run(*PLAN_ROSTER_CSV, "--output", output)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.startswith(f"--output {Path(output)}: names ")
        assert ", an input; name another file for the plan" in refused.stderr
    (tmp_path / "notes.txt").write_text("HR's notes", "utf-8")
    other = cli.run(*PLAN_ROSTER_CSV, "--output", "notes.txt")
    assert other.returncode == 2
    assert other.stderr.splitlines()[0] == (
        "--output notes.txt: exists and is not a roster plan, so it is not overwritten; name another file"
    )
    assert (tmp_path / "roster.csv").read_bytes() == export
    assert (tmp_path / "notes.txt").read_text("utf-8") == "HR's notes"
    again = cli.run(*PLAN_ROSTER_CSV, "--output", "roster.plan.json")  # a plan may replace a plan
    assert again.returncode == 0, again.stderr


def test_plan_files_and_the_history_are_git_ignored_at_the_root() -> None:
    root = Path(__file__).parents[3]
    for path in ("roster.plan.json", "hr/2026-05/payroll.plan.json", ".jobticket-offboarding-history.json"):
        ignored = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "--no-index", "-q", path], check=False
        )
        assert ignored.returncode == 0, path
    assert subprocess.run(
        ["git", "-C", str(root), "check-ignore", "-q", "roster.csv"], check=False
    ).returncode
