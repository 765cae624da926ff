"""The plan HR approves shows everything the sync sends: every field that changes, every value the API
does not show back (absences too, with the pause they make), scheduled offboardings with their date,
start dates, each employee on one line.

An Excel-style export with a future termination date (Austritt) and a new hire's start date (Eintritt)
is planned through the command line against a twin process: the text, Markdown and JSON plans name the
offboarding, its date and the start date, and count them. Then, for generated companies and rosters
(names with newlines, escape sequences, bidi controls, Markdown and HTML), the plan's text is compared
with the request body the sync actually sent, captured on the wire, and with the twin's state before it.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobticket import JobTicket, Pacer, RosterError
from jobticket.roster import apply_plan, plan_roster, render_plan
from jobticket.roster._escape import text as escaped
from jobticket_twin.models import Employee
from tests.helpers.twins import Twin
from tests.jobticket.test_plan_equals_outcome import ABSENCES, EMAILS, HR_IDS, companies, publish, variants

from .helpers import INTEGRATION, Cli, current_rows, german, link, spreadsheet

EXPORT_HEADER = "Personalnummer;Vorname;Nachname;E-Mail;Geburtsdatum;Eintritt;Austritt"
EXPORT_MAPPING = (
    "hrId=Personalnummer,firstName=Vorname,lastName=Nachname,email=E-Mail,dateOfBirth=Geburtsdatum,"
    "startDate=Eintritt,terminationDate=Austritt"
)
COMPARED = ("firstName", "lastName", "email", "dateOfBirth", "profileImage")
SENT_ONLY = ("startDate", "terminationDate", "autoSyncEmployee", "absences")
TODAY = datetime.date(2026, 5, 13)  # the FakeClock's first day


@pytest.mark.twin(process=True, shared=True, rate_limit=0)
def test_an_excel_export_names_the_scheduled_offboarding_and_the_start_date(
    twin: Twin, tmp_path: Path
) -> None:
    cli = Cli(twin.base_url, tmp_path)
    rows, _ = current_rows(cli)
    leaving = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    export = [[*row[:5], "", ""] for row in rows]
    export[3][6] = german(leaving)  # Austritt in a year: the sync records it, a later one offboards
    hire = ["NEU-7", "Jörg", "Übel", "joerg.uebel@example.org", "03.07.1995", "01.06.2026", ""]
    (tmp_path / "roster.csv").write_bytes(spreadsheet([*export, hire], EXPORT_HEADER))
    plan = ("roster", "plan", "roster.csv", "--integration", str(INTEGRATION), "--map", EXPORT_MAPPING)

    text = cli.run(*plan)
    assert text.returncode == 0, text.stderr
    leaver = rows[3]
    scheduled = [line for line in text.stdout.splitlines() if line.startswith("  SCHEDULED ")]
    assert scheduled == [
        f"  SCHEDULED line 5    {leaver[0]:<14}#{_id(cli, leaver[0])} {leaver[1]} {leaver[2]} <{leaver[3]}>  "
        f"terminationDate: {leaving} (offboarding scheduled for that date, O-26)"
    ]
    assert "  scheduled       1   otherwise unchanged: an offboarding is scheduled" in text.stdout
    assert (
        f"offboardings scheduled: 1 rows send a future terminationDate (the first {leaving})" in text.stdout
    )
    assert "start dates sent: 1; sent empty:" in text.stdout
    created = [line for line in text.stdout.splitlines() if line.startswith("  CREATE ")]
    assert created == [
        f"  CREATE    line {len(rows) + 2:<5}NEU-7         Jörg Übel <joerg.uebel@example.org>  "
        "new employee, new link (+1 EUR); dateOfBirth: 1995-07-03; startDate: 2026-06-01"
    ]
    assert "UNCHANGED line 5 " not in text.stdout

    markdown = cli.run(*plan, "--format", "markdown")
    assert markdown.returncode == 0, markdown.stderr
    assert "| scheduled | 1 | otherwise unchanged: an offboarding is scheduled |" in markdown.stdout
    assert f"| scheduled | 5 | `{leaver[0]}` |" in markdown.stdout
    assert f"terminationDate: `{leaving}` (offboarding scheduled for that date, O-26) |" in markdown.stdout
    assert "startDate: `2026-06-01`" in markdown.stdout

    report = json.loads(cli.run(*plan, "--format", "json").stdout)
    assert report["plan"]["counts"]["scheduled"] == report["plan"]["scheduledOffboardings"] == 1
    assert report["plan"]["firstScheduledOffboarding"] == leaving
    assert report["plan"]["sent"]["startDate"] == 1
    by_line = {employee["line"]: employee for employee in report["employees"]}
    assert by_line[5]["kind"] == "scheduled"
    assert by_line[5]["scheduledOffboarding"] == leaving
    assert by_line[len(rows) + 2]["sends"] == [{"field": "startDate", "value": "2026-06-01"}]


def _id(cli: Cli, hr_id: str) -> int:
    return int(next(e["id"] for e in cli.employees() if (found := link(e)) and found["hrId"] == hr_id))


# -- the property: the plan's text against the body sent ------------------------------------------------

NAME_PARTS = ("Anna", "Ömer", "Ben", "Line\nOFFBOARD", "\x1b[31mRed", "\u202eevil", "[x](http://e.test)",
              "<img src=x>", "a|b", "`tick`", "back\\slash", "Zoë\u200b")  # fmt: skip


@st.composite
def rosters(draw: st.DrawFn, employees: list[Employee]) -> list[dict[str, Any]]:
    """Rows reusing the company's hrIds and emails, with hostile names and every sent-only field."""
    emails = [variant for e in employees for variant in variants(e.email)] + list(EMAILS)
    hr_ids = [link.hr_id for e in employees for link in e.links] + list(HR_IDS)
    rows: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 5))):
        row: dict[str, Any] = {
            "firstName": draw(st.sampled_from(NAME_PARTS)),
            "lastName": draw(st.sampled_from(("Müller", *NAME_PARTS))),
            "email": draw(st.sampled_from(emails)),
            "hrId": draw(st.sampled_from(hr_ids)),
        }
        optional = {
            "dateOfBirth": (None, "1990-04-15", "1985-01-31"),
            "profileImage": (None, "https://images.example.com/p.png"),
            "startDate": (None, "2020-01-01", "2026-06-01"),
            "terminationDate": (None, "2020-01-01", TODAY.isoformat(), "2026-05-14", "2999-12-31"),
            "autoSyncEmployee": (None, True, False),
            "absences": ABSENCES,
        }
        for name, values in optional.items():
            if draw(st.booleans()):  # absent, or sent (null included)
                row[name] = draw(st.sampled_from(values))
        start, end = row.get("startDate"), row.get("terminationDate")
        if start and end and end < start:
            row["terminationDate"] = None
        rows.append(row)
    return rows


@dataclass
class Capture(httpx.BaseTransport):
    """The real transport, keeping the body of every POST."""

    inner: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    bodies: list[Any] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.bodies.append(json.loads(request.read()))
        return self.inner.handle_request(request)


def _client(twin: Twin, transport: httpx.BaseTransport) -> JobTicket:
    username, password = twin.credentials("admin")
    pacer = Pacer(1_000_000, 60.0, clock=twin.fake_clock)
    return JobTicket(twin.base_url, username=username, password=password, pacer=pacer, transport=transport)


def _wire(employee: Employee, name: str) -> Any:
    return {
        "firstName": employee.first_name,
        "lastName": employee.last_name,
        "email": employee.email,
        "dateOfBirth": employee.date_of_birth,
        "profileImage": employee.profile_image,
    }[name]


def _sent(value: Any) -> bool:
    return value is not None and value != []


def _shown(value: Any) -> str:
    if isinstance(value, list):  # absences, each as sent
        return ", ".join(
            f"{a['startDate']} open-ended" if a["endDate"] is None else f"{a['startDate']} to {a['endDate']}"
            for a in value
        )
    return "(empty)" if value is None else escaped(str(value).lower() if isinstance(value, bool) else value)


def _employee_lines(text: str) -> list[str]:
    return text.split("\nEmployees\n", 1)[1].splitlines()


def check_text_against_body(twin: Twin, employees: list[Employee], rows: list[dict[str, Any]]) -> None:
    publish(twin, employees)
    before = dict(twin.state.data.employees)
    capture = Capture()
    with _client(twin, capture) as client:
        try:
            plan = plan_roster(client, INTEGRATION, rows, lines=[index + 2 for index in range(len(rows))])
        except RosterError:
            return  # a repeated hrId or email: refused before anything (test_plan_equals_outcome covers it)
        apply_plan(client, plan, allow_large_offboarding=True, allow_large_billing=True)
    [body] = capture.bodies
    assert body == {"syncId": plan.sync_id, "employees": plan.rows}  # what was approved is what was sent
    after = twin.state.data.employees
    claimed = {
        link.hr_id: e.id for e in after.values() for link in e.links if link.integration_id == INTEGRATION
    }
    text = render_plan(plan, "text")
    lines = _employee_lines(text)
    assert len(lines) == len(plan.plan.employees)  # one employee, one line, whatever the names hold
    assert all(line.isprintable() for line in text.splitlines())
    for index, item in enumerate(body["employees"]):
        [line] = [line for line in lines if line[12:].startswith(f"line {index + 2} ")]
        old = before.get(claimed[item["hrId"]])
        who = f"<{escaped(item['email'])}>"
        details = line.split(who, 1)[1]
        assert escaped(f"{item['firstName']} {item['lastName']}".strip()) in line.split(who, 1)[0]
        for name in COMPARED:
            if old is not None and name in item and item[name] != _wire(old, name):
                assert f"{name}: {_shown(_wire(old, name))} → {_shown(item[name])}" in details
            elif old is None and name in COMPARED[3:] and item.get(name) is not None:
                assert f"{name}: {_shown(item[name])}" in details  # created with it
            else:
                assert f"{name}: " not in details, (name, line)
        for name in SENT_ONLY:
            if _sent(item.get(name)):
                assert f"{name}: {_shown(item[name])}" in details
            else:
                assert f"{name}: " not in details
        new = after[claimed[item["hrId"]]].subscription
        was = None if old is None else old.subscription
        paused = (new.status, new.paused_at, new.reactivated_at)
        if (
            was is not None
            and (was.status, was.paused_at, was.reactivated_at) != paused
            and new.status != "cancelled"
        ):
            assert f"subscription {was.status} → {new.status}" in details  # what the twin did, as planned
            assert details.endswith("(working assumption O-22)") or "(working assumption O-22); " in details
        else:
            assert "(working assumption O-22)" not in details
        termination = item.get("terminationDate")
        if termination is not None and termination > TODAY.isoformat():
            assert "(offboarding scheduled for that date, O-26)" in details
            assert not line.startswith("  UNCHANGED ")  # never hidden as unchanged
    for name in SENT_ONLY:
        sent = sum(1 for item in body["employees"] if _sent(item.get(name)))
        empty = sum(1 for item in body["employees"] if name in item and not _sent(item[name]))
        counted = [line for line in text.splitlines() if line.startswith(f"  {_counted(name)}: ")]
        if sent or empty:
            assert counted == [f"  {_counted(name)}: {sent}" + (f"; sent empty: {empty}" if empty else "")]
        else:
            assert counted == []
    report = json.loads(render_plan(plan, "json"))
    for entry in report["employees"]:
        if entry["row"] is not None:
            item = body["employees"][entry["row"]]
            assert entry["sends"] == [{"field": n, "value": item[n]} for n in SENT_ONLY if _sent(item.get(n))]
            assert all(
                change["new"] == item[change["field"]]
                for change in entry["changes"]
                if change["field"] in item
            )


def _counted(name: str) -> str:
    return {
        "startDate": "start dates sent",
        "terminationDate": "termination dates sent",
        "autoSyncEmployee": "autoSyncEmployee values sent",
        "absences": "absences sent",
    }[name]


@pytest.mark.slow
@pytest.mark.twin(shared=True, rate_limit=0)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_plans_text_shows_every_field_of_the_body_it_sends(twin: Twin, data: st.DataObject) -> None:
    employees = data.draw(companies())
    check_text_against_body(twin, employees, data.draw(rosters(employees)))


def test_one_employee_one_line_even_when_a_name_forges_a_plan_line() -> None:
    assert escaped("Anna\n  OFFBOARD  -  x") == "Anna\\n  OFFBOARD  -  x"
    assert escaped("\x1b]8;;http://e.test\x1b\\click\x1b]8;;\x1b\\").isprintable()
