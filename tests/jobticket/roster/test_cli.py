"""``python -m jobticket roster plan|apply`` (jobticket.roster) end to end, against a twin process, by URL.

A spreadsheet export (BOM, semicolons, German headers and dates) is planned, the integration changes
behind HR's back and the approved plan is refused with nothing changed; a fresh plan is applied and the
integration then links exactly the roster. A row without an email is refused by line and column.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest

from tests.helpers.twins import Twin

from .helpers import INTEGRATION, MAPPING, PLAN_ROSTER_CSV, Cli, current_rows, link, spreadsheet

pytestmark = pytest.mark.twin(process=True, shared=True, rate_limit=0)


@pytest.fixture
def cli(twin: Twin, tmp_path: Path) -> Cli:
    return Cli(twin.base_url, tmp_path)


NEW_HIRES = [
    ["NEU-1", "Jana", "Neumann", "jana.neu@example.org", "03.07.1995", "", "4711"],
    ["NEU-2", "Tom", "Später", "tom.spaeter@example.org", "", "", "4712"],
]


@pytest.mark.slow
def test_plan_approve_refuse_when_changed_then_apply_a_fresh_plan(cli: Cli) -> None:
    rows, active = current_rows(cli)
    assert len(active) > 40
    leavers, staying = rows[:2], rows[2:]
    (cli.workdir / "roster.csv").write_bytes(spreadsheet(staying + NEW_HIRES))

    planned = cli.run(*PLAN_ROSTER_CSV, "--output", "roster.plan.json")
    assert planned.returncode == 0, planned.stderr
    out = planned.stdout
    assert "create          2" in out
    assert "offboard        2" in out
    for hire in NEW_HIRES:
        assert f"CREATE    line {staying.__len__() + 2 + NEW_HIRES.index(hire)}" in out
        assert hire[2] in out
    for leaver in leavers:
        assert f"{leaver[0]}" in out
        assert "not in the roster" in out
    assert "newly linked employees: 2 x 1 EUR = +2 EUR per billing period" in out
    assert "open point O-37" in out
    assert "columns not sent (not sync fields): Kostenstelle" in planned.stderr
    assert "listing employees: page 1 of 3" in planned.stderr
    plan_file = cli.workdir / "roster.plan.json"
    assert json.loads(plan_file.read_text("utf-8"))["plan"]["counts"]["create"] == 2

    # Behind HR's back, one employee of the roster is cancelled in the portal.
    changed = active[5]
    httpx.post(
        f"{cli.base_url}/_twin/employees/{changed['id']}/subscription", json={"status": "cancelled"},
        trust_env=False,
    ).raise_for_status()  # fmt: skip
    before = cli.employees()
    refused = cli.run("roster", "apply", "roster.plan.json")
    assert refused.returncode == 1, refused.stderr
    status = changed["subscription"]["status"]
    assert f"employee {changed['id']}: subscription {status} -> cancelled" in refused.stderr
    assert "nothing was sent" in refused.stderr
    assert cli.employees() == before

    again = cli.run(*PLAN_ROSTER_CSV)
    assert again.returncode == 0, again.stderr
    assert "stays offboarded" in again.stdout
    applied = cli.run("roster", "apply", "roster.plan.json")
    assert applied.returncode == 0, applied.stderr
    sync_id = json.loads(plan_file.read_text("utf-8"))["syncId"]
    assert f"sent: syncId {sync_id}" in applied.stderr

    after = cli.employees()
    stamped = {link(e)["hrId"] for e in after if link(e) and link(e)["lastSyncId"] == sync_id}  # type: ignore[index]
    assert stamped == {row[0] for row in staying + NEW_HIRES}
    still_active = {link(e)["hrId"] for e in after if link(e) and e["subscription"]["status"] != "cancelled"}  # type: ignore[index]
    assert still_active == {row[0] for row in staying + NEW_HIRES} - {link(changed)["hrId"]}  # type: ignore[index]


def test_a_row_without_email_is_refused_by_line_and_column_and_nothing_is_sent(cli: Cli) -> None:
    rows, _ = current_rows(cli)
    broken = [*rows[:3], ["NEU-3", "Ohne", "Mail", "", "", "", ""], *rows[3:]]
    (cli.workdir / "roster.csv").write_bytes(spreadsheet(broken))
    before = cli.employees()
    result = cli.run(*PLAN_ROSTER_CSV)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "roster.csv line 5, column 4 (E-Mail): is required",
        "nothing was sent",
    ]
    assert result.stdout == ""
    assert not (cli.workdir / "roster.plan.json").exists()
    assert cli.employees() == before


def test_bad_arguments_and_plan_files_exit_2_with_one_line(cli: Cli) -> None:
    (cli.workdir / "roster.csv").write_bytes(spreadsheet([NEW_HIRES[0]]))
    unknown = cli.run("roster", "plan", "roster.csv", "--integration", "4040", "--map", MAPPING)
    assert (unknown.returncode, unknown.stderr.splitlines()[-2:]) == (
        2, ["--integration 4040: no HR integration with this ID", "nothing was sent"]
    )  # fmt: skip
    (cli.workdir / "junk.json").write_text("{}", "utf-8")
    junk = cli.run("roster", "apply", "junk.json")
    assert junk.returncode == 2
    assert "junk.json: is not a roster plan" in junk.stderr
    bad_map = cli.run("roster", "plan", "roster.csv", "--integration", "9", "--map", "Email=x")
    assert bad_map.returncode == 2
    assert "'Email' is not a field of the sync" in bad_map.stderr
    assert "Traceback" not in unknown.stderr + junk.stderr + bad_map.stderr


def test_the_command_line_stays_out_of_import_jobticket_and_is_the_console_script() -> None:
    code = (
        "import sys; import jobticket; "
        "print(sorted(m for m in sys.modules if m.startswith('jobticket.roster')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
    project = tomllib.loads((Path(__file__).parents[3] / "client" / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["scripts"] == {"jobticket": "jobticket.roster._cli:main"}
    usage = subprocess.run(
        [sys.executable, "-m", "jobticket", "--help"], capture_output=True, text=True, check=False
    )
    assert usage.returncode == 0
    assert "roster" in usage.stdout
    plan_usage = subprocess.run(
        [sys.executable, "-m", "jobticket", "roster", "plan", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert plan_usage.returncode == 0
    assert "--output PLAN.json" in plan_usage.stdout
    assert "--out " not in plan_usage.stdout  # the old spelling works, but is not offered


def test_the_old_out_option_still_names_the_plan_file_with_a_warning(cli: Cli) -> None:
    rows, _ = current_rows(cli)
    (cli.workdir / "roster.csv").write_bytes(spreadsheet(rows))
    planned = cli.run(*PLAN_ROSTER_CSV, "--out", "old.json")
    assert planned.returncode == 0, planned.stderr
    assert planned.stderr.startswith("jobticket: --out is deprecated and will be removed; use --output\n")
    assert json.loads((cli.workdir / "old.json").read_text("utf-8"))["syncId"]
    assert not (cli.workdir / "roster.plan.json").exists()
    assert "roster apply old.json" in planned.stderr


@pytest.mark.slow
def test_a_guard_refusal_exits_1_and_the_explicit_override_sends(cli: Cli) -> None:
    rows, _ = current_rows(cli)
    (cli.workdir / "half.csv").write_bytes(spreadsheet(rows[: len(rows) // 2]))
    planned = cli.run("roster", "plan", "half.csv", "--integration", str(INTEGRATION), "--map", MAPPING)
    assert planned.returncode == 1
    assert "REFUSES (override: --allow-large-offboarding)" in planned.stdout
    assert "refused: the sync would offboard" in planned.stderr
    assert "pass --allow-large-offboarding if this is intended" in planned.stderr
    assert "roster apply" not in planned.stderr  # no apply hint after a refusal
    assert "_offboarding=True" not in planned.stderr
    before = cli.employees()
    refused = cli.run("roster", "apply", "half.plan.json")
    assert refused.returncode == 1
    assert "pass --allow-large-offboarding if this is intended" in refused.stderr
    assert cli.employees() == before
    sent = cli.run("roster", "apply", "half.plan.json", "--allow-large-offboarding", "--format", "markdown")
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.startswith("# HR roster plan: integration 9")
    history = (cli.workdir / ".jobticket-offboarding-history.json").read_text("utf-8")
    assert '"offboarded": ' in history
    assert "@" not in history
    again = cli.run("roster", "apply", "half.plan.json", "--allow-large-offboarding")
    assert again.returncode == 1  # this very plan was sent: the history says so before any request
    assert again.stderr.startswith("refused, nothing was sent: already applied: this plan (syncId ")
    assert "to sync again, make a new plan" in again.stderr
