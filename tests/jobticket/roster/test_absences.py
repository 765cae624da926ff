"""Pause and resume from the HR export: absences as columns of the roster or as a second file.

An export with an open-ended parental leave and a bounded sick leave is planned through the command line
against a twin process (real clock), behind a loopback proxy that records what goes over the wire: the
plan shows both absences with their dates and the pause working assumption O-22 expects, in text,
Markdown and JSON; ``apply`` sends exactly those absences (the POST body captured on the wire) and the
twin's subscriptions afterwards are what the plan said, for every employee. Bad absence rows each give
one line naming file, line and column, exit 2, and nothing reaches the server.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest

from jobticket.hr_sync import SubscriptionChange
from jobticket.matching import Pause
from jobticket.roster import RosterPlan, StalePlanError, apply_plan, plan_roster
from jobticket.roster import _escape as escape
from jobticket.roster._cli import build_parser
from jobticket.roster._csv import parse_mapping
from jobticket.roster._fields import pause_text
from tests.docs_check import _shell_commands, _words
from tests.helpers.loopback import LoopbackServer, answering, forwarding_to
from tests.helpers.twins import Twin
from tests.jobticket.test_against_twin import current_roster

from .helpers import HEADER, INTEGRATION, MAPPING, Cli, current_rows, german, spreadsheet, traceback_free
from .test_workflow import DAY, Counter
from .test_workflow import INTEGRATION as WORKFLOW_INTEGRATION
from .test_workflow import client as workflow_client

ABSENCE_COLUMNS = "Abwesend ab;Abwesend bis"
ABSENCES_HEADER = "Personalnummer;Von;Bis;Grund"
RULE = "Absences pause subscriptions under working assumption O-22"


def _day(offset: int) -> str:
    return (datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=offset)).isoformat()


def _export(cli: Cli, tmp_path: Path, given: str) -> tuple[tuple[str, ...], dict[str, list[Any]]]:
    """Write the roster (and the absences file): the plan's arguments and the absences each hrId sends."""
    rows, employees = current_rows(cli)
    parental, sick = [i for i, e in enumerate(employees) if e["subscription"]["status"] == "active"][:2]
    leave: dict[str, Any] = {"startDate": _day(-30), "endDate": None}  # parental leave: paused since
    illness: dict[str, Any] = {"startDate": _day(3), "endDate": _day(12)}  # sick leave: pause scheduled
    expected: dict[str, list[Any]] = {rows[parental][0]: [leave], rows[sick][0]: [illness]}
    if given == "columns":
        export = [[*row, "", ""] for row in rows]
        export[parental][7] = german(leave["startDate"])
        export[sick][7:9] = [german(illness["startDate"]), german(illness["endDate"])]
        (tmp_path / "roster.csv").write_bytes(spreadsheet(export, f"{HEADER};{ABSENCE_COLUMNS}"))
        mapping = f"{MAPPING},absenceStart=Abwesend ab,absenceEnd=Abwesend bis"
        return ("--map", mapping), expected
    (tmp_path / "roster.csv").write_bytes(spreadsheet(rows))
    earlier: dict[str, Any] = {"startDate": _day(-90), "endDate": _day(-80)}  # an earlier one, over: sent
    expected[rows[sick][0]] = [earlier, illness]
    absences = [
        [rows[sick][0], german(illness["startDate"]), german(illness["endDate"]), "Krankheit"],
        [rows[parental][0], german(leave["startDate"]), "", "Elternzeit"],
        [rows[sick][0], german(earlier["startDate"]), german(earlier["endDate"]), "Krankheit"],
    ]
    (tmp_path / "absences.csv").write_bytes(spreadsheet(absences, ABSENCES_HEADER, "cp1252"))
    mapping = f"{MAPPING},absenceStart=Von,absenceEnd=Bis"
    return ("--map", mapping, "--absences", "absences.csv", "--absences-encoding", "cp1252"), expected


def _line_of(text: str, hr_id: str) -> str:
    [line] = [line for line in text.splitlines() if f" {hr_id} " in line and line.startswith("  UPDATE ")]
    return line


def _shown(absences: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{a['startDate']} open-ended" if a["endDate"] is None else f"{a['startDate']} to {a['endDate']}"
        for a in absences
    )


def _subscription(employee: dict[str, Any]) -> dict[str, Any]:
    shown = employee["subscription"]
    return {"status": shown["status"], "pausedAt": shown["pausedAt"], "reactivatedAt": shown["reactivatedAt"]}


@pytest.mark.slow
@pytest.mark.twin(process=True, shared=True, rate_limit=0)
@pytest.mark.parametrize("given", ["columns", "file"])
def test_parental_and_sick_leave_are_planned_sent_exactly_and_applied_as_planned(
    twin: Twin, tmp_path: Path, given: str
) -> None:
    with LoopbackServer(forwarding_to(twin.base_url)) as server:
        cli = Cli(server.base_url, tmp_path, api_url=twin.base_url)
        arguments, expected = _export(cli, tmp_path, given)
        plan = ("roster", "plan", "roster.csv", "--integration", str(INTEGRATION), *arguments)
        (parental, [leave]), (sick, illnesses) = expected.items()

        text = cli.run(*plan)
        assert text.returncode == 0, text.stderr
        assert RULE in text.stdout
        assert _line_of(text.stdout, parental).endswith(
            f"absences: {leave['startDate']} open-ended (no end date: the pause lasts until an export ends "
            f"it, O-22); pause starts: subscription active → paused, pausedAt (empty) → {leave['startDate']} "
            "(working assumption O-22)"
        )
        assert _line_of(text.stdout, sick).endswith(
            f"absences: {_shown(illnesses)}; pause scheduled: subscription active → scheduled-pause, "
            f"pausedAt (empty) → {illnesses[-1]['startDate']} (working assumption O-22)"
        )
        assert f"  absences sent: 2; sent empty: {len(current_rows(cli)[0]) - 2}" in text.stdout
        assert "subscriptions changed by absences (working assumption O-22): pause starts: 1, " in text.stdout
        assert "; open-ended absences sent: 1" in text.stdout
        if given == "file":
            assert "from roster.csv (utf-8, " in text.stdout
            assert "rows), absences from absences.csv" in text.stdout
            assert "absences.csv: columns not sent (only hrId and the dates are read): Grund" in text.stderr
            assert "Krankheit" not in text.stdout + text.stderr  # the reason is never read

        markdown = cli.run(*plan, "--format", "markdown")
        assert markdown.returncode == 0, markdown.stderr
        assert f"absences: `{leave['startDate']} open-ended` (no end date" in markdown.stdout
        assert (
            f"absences: `{_shown(illnesses)}`; pause scheduled: subscription `active` → `scheduled-pause`, "
            f"pausedAt (empty) → `{illnesses[-1]['startDate']}` (working assumption O-22)"
        ) in markdown.stdout

        report = cli.run(*plan, "--format", "json")
        assert report.returncode == 0, report.stderr
        planned = json.loads(report.stdout)
        assert planned["absenceEffect"].startswith(RULE)
        by_hr_id = {entry["hrId"]: entry for entry in planned["employees"]}
        assert {"field": "absences", "value": [leave]} in by_hr_id[parental]["sends"]
        assert {"field": "absences", "value": illnesses} in by_hr_id[sick]["sends"]
        assert by_hr_id[parental]["subscription"]["effect"] == "pause starts"
        assert by_hr_id[parental]["subscription"]["after"]["pausedAt"] == leave["startDate"]
        assert by_hr_id[sick]["subscription"]["after"] == {
            "status": "scheduled-pause", "pausedAt": illnesses[-1]["startDate"], "reactivatedAt": None,
        }  # fmt: skip
        assert all(
            e["subscription"]["assumption"] == "O-22" for e in planned["employees"] if e["subscription"]
        )

        edited = json.loads((tmp_path / "roster.plan.json").read_text("utf-8"))
        edited["rows"] = [
            json.loads(json.dumps(row).replace(leave["startDate"], _day(-29))) for row in edited["rows"]
        ]
        (tmp_path / "edited.plan.json").write_text(json.dumps(edited), "utf-8")
        refused = cli.run("roster", "apply", "edited.plan.json")
        assert refused.returncode == 2
        assert "the plan was changed after planning" in refused.stderr
        assert not [request for request in server.requests if request.method == "POST"]

        before = {employee["id"]: employee for employee in cli.employees()}
        applied = cli.run("roster", "apply", "roster.plan.json")
        assert applied.returncode == 0, applied.stderr
        [post] = [request for request in server.requests if request.method == "POST"]

    saved = RosterPlan.load(tmp_path / "roster.plan.json")
    body = post.json()
    assert body == {"syncId": saved.sync_id, "employees": saved.rows}  # exactly the approved body
    assert all("absences" in item for item in body["employees"])  # every employee's complete list
    assert {item["hrId"]: item["absences"] for item in body["employees"] if item["absences"]} == expected

    after = {employee["id"]: employee for employee in cli.employees()}
    changed = 0
    for entry in planned["employees"]:
        now, was = _subscription(after[entry["employeeId"]]), _subscription(before[entry["employeeId"]])
        if entry["subscription"] is not None:
            assert entry["subscription"]["before"] == was
            assert now == entry["subscription"]["after"], entry["employeeId"]
            changed += 1
        else:
            assert now == was, entry["employeeId"]
    assert changed == sum(planned["plan"]["pauses"].values()) >= 2
    assert traceback_free(text, markdown, report, refused, applied)


# -- bad absence rows: one line each, exit 2, nothing sent ----------------------------------------------


def _refused(tmp_path: Path, *arguments: str) -> list[str]:
    """Run ``plan`` against a server that must never be asked; the lines it wrote to stderr."""
    with LoopbackServer(answering(status=500)) as server:
        result = Cli(server.base_url, tmp_path).run(
            "roster", "plan", "roster.csv", "--integration", str(INTEGRATION), *arguments
        )
        assert server.requests == []
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert traceback_free(result)
    assert not (tmp_path / "roster.plan.json").exists()
    return result.stderr.splitlines()


PEOPLE = [
    ["P-1", "Anna", "Adler", "anna.adler@example.org", "", "", ""],
    ["P-2", "Ben", "Becker", "ben.becker@example.org", "", "", ""],
    ["P-3", "Clara", "Cramer", "clara.cramer@example.org", "", "", ""],
    ["P-4", "David", "Dietrich", "david.dietrich@example.org", "", "", ""],
]


def test_bad_absence_columns_each_give_one_line_and_nothing_is_sent(tmp_path: Path) -> None:
    absences = [
        ["02.06.2026", "01.06.2026"],  # ends before it starts
        ["31.02.2026", ""],  # no such day
        ["", "01.06.2026"],  # an end without a start
        ["01/06/2026", "morgen"],  # unreadable, twice
    ]
    rows = [[*person, *dates] for person, dates in zip(PEOPLE, absences, strict=True)]
    (tmp_path / "roster.csv").write_bytes(spreadsheet(rows, f"{HEADER};{ABSENCE_COLUMNS}"))
    mapping = f"{MAPPING},absenceStart=Abwesend ab,absenceEnd=Abwesend bis"
    assert _refused(tmp_path, "--map", mapping) == [
        "roster.csv line 2, column 9 (Abwesend bis): must not be before absenceStart, the absence's first "
        "day",
        "roster.csv line 3, column 8 (Abwesend ab): is not a calendar date",
        "roster.csv line 4, column 9 (Abwesend bis): needs the absence's first day in the absenceStart "
        "column of the same row",
        "roster.csv line 5, column 8 (Abwesend ab): is ambiguous with slashes (day/month or month/day?); use "
        "DD.MM.YYYY or YYYY-MM-DD",
        "roster.csv line 5, column 9 (Abwesend bis): is not a date; use DD.MM.YYYY or YYYY-MM-DD",
        "nothing was sent",
    ]


def test_bad_rows_of_an_absences_file_each_give_one_line_and_nothing_is_sent(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_bytes(spreadsheet(PEOPLE))
    absences = [
        ["P-1", "10.06.2026", "09.06.2026", "Krankheit"],  # ends before it starts
        ["P-2", "01.06.2026", "", "Elternzeit"],  # open-ended ...
        ["P-2", "01.09.2026", "30.09.2026", "Urlaub"],  # ... so this one overlaps it
        ["P-3", "01.06.2026", "10.06.2026", ""],
        ["P-3", "10.06.2026", "12.06.2026", ""],  # overlaps the one before by a day
        ["P-9", "01.06.2026", "", ""],  # nobody in the roster
        ["P-4", "morgen", "", ""],  # unreadable
        ["P-4", "", "01.06.2026", ""],  # an end without a start
        ["", "01.06.2026", "", ""],  # whose?
    ]
    (tmp_path / "absences.csv").write_bytes(spreadsheet(absences, ABSENCES_HEADER))
    mapping = f"{MAPPING},absenceStart=Von,absenceEnd=Bis"
    assert _refused(tmp_path, "--map", mapping, "--absences", "absences.csv") == [
        "absences.csv line 2, column 3 (Bis): must not be before absenceStart, the absence's first day",
        "absences.csv line 4, column 2 (Von): overlaps the absence on line 3 of the same employee (hrId)",
        "absences.csv line 6, column 2 (Von): overlaps the absence on line 5 of the same employee (hrId)",
        "absences.csv line 7, column 1 (Personalnummer): no employee of roster.csv has this hrId",
        "absences.csv line 8, column 2 (Von): is not a date; use DD.MM.YYYY or YYYY-MM-DD",
        "absences.csv line 9, column 3 (Bis): needs the absence's first day in the absenceStart column of "
        "the same row",
        "absences.csv line 10, column 1 (Personalnummer): is required: the hrId of the absent employee",
        "nothing was sent",
    ]


def test_absences_from_both_places_or_a_file_without_its_columns_are_refused(tmp_path: Path) -> None:
    rows = [[*person, "", ""] for person in PEOPLE]
    (tmp_path / "roster.csv").write_bytes(spreadsheet(rows, f"{HEADER};{ABSENCE_COLUMNS}"))
    (tmp_path / "absences.csv").write_bytes(spreadsheet([["P-1", "x"]], "Nummer;Grund"))
    mapping = f"{MAPPING},absenceStart=Abwesend ab,absenceEnd=Abwesend bis"
    assert _refused(tmp_path, "--map", mapping, "--absences", "absences.csv") == [
        "roster.csv line 1, column 8 (Abwesend ab): absences come from absences.csv (--absences) or from "
        "these columns, not both; drop one",
        "absences.csv line 1: no column for hrId: name a column hrId, or map one (--map hrId=HEADER)",
        "absences.csv line 1: no column for absenceStart: name a column absenceStart, or map one (--map "
        "absenceStart=HEADER)",
        "nothing was sent",
    ]


def test_an_absences_file_in_another_encoding_is_named_by_its_own_option(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_bytes(spreadsheet(PEOPLE))
    (tmp_path / "absences.csv").write_bytes(
        spreadsheet([["P-1", "01.06.2026", "", "Elternzeit für Jörg"]], ABSENCES_HEADER, "cp1252")
    )
    mapping = f"{MAPPING},absenceStart=Von,absenceEnd=Bis"
    [line, last] = _refused(tmp_path, "--map", mapping, "--absences", "absences.csv")
    assert line.startswith("absences.csv line 2: is not UTF-8 (--absences-encoding utf-8, the default)")
    assert last == "nothing was sent"


# -- the plan's state and its renderings --------------------------------------------------------------


@pytest.mark.twin(shared=True, rate_limit=0)
def test_a_plan_outdated_by_an_absences_first_day_is_refused_and_one_saved_reads_back_the_same(
    twin: Twin, tmp_path: Path
) -> None:
    counter = Counter()
    with workflow_client(twin, counter) as jobticket:
        employees = jobticket.list_employees().to_list()
        roster = current_roster(employees)
        active = {e.email for e in employees if e.subscription.status == "active"}
        row = next(row for row in roster if row["email"] in active)
        row["absences"] = [{"startDate": "2026-05-14", "endDate": "2026-05-20"}]  # tomorrow: scheduled
        plan = plan_roster(jobticket, WORKFLOW_INTEGRATION, roster)
        [(action, pause)] = [(c.action, c.subscription) for c in plan.plan.employees if c.subscription]
        assert (action, pause.after) == ("update", Pause("scheduled-pause", "2026-05-14"))
        plan.save(tmp_path / "plan.json")
        assert RosterPlan.load(tmp_path / "plan.json").plan.employees == plan.plan.employees
        twin.fake_clock.advance(DAY)  # the absence has begun: the same roster now pauses
        with pytest.raises(StalePlanError, match="an absence's first or last day has passed since"):
            apply_plan(jobticket, plan)
    assert "POST" not in counter.seen


def test_what_the_api_shows_of_a_subscription_is_escaped_in_the_plan_like_every_api_value() -> None:
    change = SubscriptionChange(Pause("[x](http://e.test)\x1b[31m"), Pause("paused", "2026-05-01"))
    assert pause_text(change, escape.markdown) == (
        "pause starts: subscription `[x](http://e.test)\\x1b[31m` → `paused`, pausedAt (empty) → "
        "`2026-05-01` (working assumption O-22)"
    )
    assert "\x1b" not in pause_text(change, escape.text)


def test_the_hr_pages_two_ways_of_giving_absences_are_commands_this_command_line_takes() -> None:
    page = (Path(__file__).parents[3] / "docs" / "hr-roster.md").read_text("utf-8")
    section = page.split("### Absences: pause and resume", 1)[1].split("#### ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    commands = [
        _words(command) for block in blocks for _, command in _shell_commands(block, prompt_only=False)
    ]
    assert len(commands) == 2
    parsed = [build_parser().parse_args(words[3:]) for words in commands]  # after "python -m jobticket"
    assert [args.absences for args in parsed] == [None, Path("abwesenheiten.csv")]
    for args in parsed:
        assert {"absenceStart", "absenceEnd", "hrId"} <= set(parse_mapping(args.map))
    examples = re.findall(r"```text\n(Personalnummer;.*?)```", section, re.DOTALL)
    assert [example.splitlines()[0] for example in examples] == [
        f"Personalnummer;Vorname;Nachname;E-Mail;{ABSENCE_COLUMNS}",
        ABSENCES_HEADER,
    ]
