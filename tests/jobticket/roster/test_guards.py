"""The roster's own guards, through the command line against a twin process: the bill and the unchecked.

A roster far larger than its integration (a wrong export) is refused by the cost guard when planned and
when applied, changing nothing, and is sent with the explicit override, which the history records. A key
that cannot read HR integrations gets a plan whose first lines say the integration was not checked,
refused without the explicit flag, also for an integration that does not exist.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jobticket.roster import BillingLimits
from tests.helpers.twins import Twin

from .helpers import INTEGRATION, PLAN_ROSTER_CSV, Cli, current_rows, spreadsheet, traceback_free

pytestmark = pytest.mark.twin(process=True, shared=True, rate_limit=0)

NEW = [[f"NEU-{n:04d}", "Neu", f"Person{n}", f"neu.{n}@example.org", "", "", ""] for n in range(300)]


def test_the_cost_guards_limit_is_the_larger_of_a_floor_and_a_share_of_those_billed() -> None:
    assert BillingLimits().limit(0) == 50
    assert BillingLimits().limit(499) == 50
    assert BillingLimits().limit(2_000) == 200
    assert BillingLimits(10, 0.5).limit(100) == 50
    with pytest.raises(ValueError, match="max_new_billed_ratio"):
        BillingLimits(50, 1.5)
    with pytest.raises(ValueError, match="max_new_billed must"):
        BillingLimits(-1)


@pytest.mark.slow
def test_a_large_roster_against_a_small_integration_is_refused_then_sent_with_the_override(
    twin: Twin, tmp_path: Path
) -> None:
    cli = Cli(twin.base_url, tmp_path)
    rows, _ = current_rows(cli)
    (tmp_path / "roster.csv").write_bytes(spreadsheet(rows + NEW))

    planned = cli.run(*PLAN_ROSTER_CSV)
    assert planned.returncode == 1, planned.stderr
    guard = next(line for line in planned.stdout.splitlines() if "new billable links" in line)
    assert guard == (
        "  new billable links: 300 newly billed, +300 EUR per month (O-37); 200 employees billed now "
        "(limit 50: the larger of 50 and 10% of them): REFUSES (override: --allow-large-billing)"
    )
    assert "refused: the sync would newly bill 300 employees (+300 EUR per month (the billing period is " in (
        planned.stderr
    )
    assert "or pass --allow-large-billing if this is intended" in planned.stderr
    assert "roster apply" not in planned.stderr
    assert "allow_large_billing" not in planned.stderr
    assert "plan saved to roster.plan.json for review; nothing was sent" in planned.stderr

    before = cli.employees()
    refused = cli.run("roster", "apply", "roster.plan.json")
    assert refused.returncode == 1
    assert refused.stderr.startswith("refused, nothing was sent: the sync would newly bill 300 employees")
    assert cli.employees() == before
    assert cli.history() == {}

    tuned = cli.run(*PLAN_ROSTER_CSV, "--max-new-billed", "300", "--output", "tuned.plan.json")
    assert tuned.returncode == 0, tuned.stderr
    assert "(limit 300: the larger of 300 and 10% of them): passes" in tuned.stdout

    sent = cli.run("roster", "apply", "roster.plan.json", "--allow-large-billing")
    assert sent.returncode == 0, sent.stderr
    assert "overrides recorded: --allow-large-billing" in sent.stderr
    [record] = next(iter(cli.history()["integrations"].values()))
    assert (record["newlyBilled"], record["overrides"], record["offboarded"]) == (
        300,
        ["allow_large_billing"],
        0,
    )
    assert record["plan"].startswith("sha256:")
    linked = {e["email"] for e in cli.employees() if e["hrIntergartionLinks"]}
    assert {row[3] for row in NEW} <= linked
    assert traceback_free(planned, refused, tuned, sent)


@pytest.mark.slow
def test_a_key_that_cannot_read_integrations_gets_a_plan_that_says_so_first_and_is_refused(
    twin: Twin, tmp_path: Path
) -> None:
    cli = Cli(twin.base_url, tmp_path, key="without-view-hr-integrations")
    rows, _ = current_rows(Cli(twin.base_url, tmp_path))
    (tmp_path / "roster.csv").write_bytes(spreadsheet(rows))
    before = cli.employees()

    planned = cli.run(*PLAN_ROSTER_CSV)
    assert planned.returncode == 1, planned.stderr
    first_lines = planned.stdout.splitlines()[:2]
    assert first_lines == [
        f"HR roster plan: integration {INTEGRATION} at {twin.base_url}",
        f"NOT CHECKED: integration {INTEGRATION} could not be read (the API key lacks the "
        "view-hr-integrations permission); it may not exist or not be the one you mean, and every employee "
        "below is planned against it",
    ]
    assert "integration: NOT CHECKED (the API key lacks the view-hr-integrations permission): REFUSES " in (
        planned.stdout
    )
    assert "pass --allow-unchecked-integration to accept this" in planned.stderr
    assert "roster apply" not in planned.stderr

    refused = cli.run("roster", "apply", "roster.plan.json")
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        f"refused, nothing was sent: integration {INTEGRATION} could not be checked"
    )

    accepted = cli.run(*PLAN_ROSTER_CSV, "--allow-unchecked-integration")
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.splitlines()[1].startswith("NOT CHECKED: ")
    assert "exceeded, accepted by --allow-unchecked-integration" in accepted.stdout
    assert "roster apply roster.plan.json --allow-unchecked-integration" in accepted.stderr
    assert cli.employees() == before

    sent = cli.run("roster", "apply", "roster.plan.json", "--allow-unchecked-integration")
    assert sent.returncode == 0, sent.stderr
    [record] = next(iter(cli.history()["integrations"].values()))
    assert record["overrides"] == ["allow_unchecked_integration"]
    assert traceback_free(planned, refused, accepted, sent)


@pytest.mark.slow
def test_an_integration_that_does_not_exist_is_not_checked_either_and_its_sync_changes_nothing(
    twin: Twin, tmp_path: Path
) -> None:
    """The issue's case: ``--integration 99`` with such a key planned 68 new links and exited 0."""
    cli = Cli(twin.base_url, tmp_path, key="without-view-hr-integrations")
    rows, _ = current_rows(Cli(twin.base_url, tmp_path))
    (tmp_path / "roster.csv").write_bytes(spreadsheet(rows))
    wrong = ("roster", "plan", "roster.csv", "--integration", "99", "--map", PLAN_ROSTER_CSV[-1])
    planned = cli.run(*wrong)
    assert planned.returncode == 1
    assert planned.stdout.splitlines()[1].startswith("NOT CHECKED: integration 99 could not be read")
    assert "matched by email, new link" in planned.stdout
    before = cli.employees()
    sent = cli.run(*wrong, "--allow-unchecked-integration")
    assert sent.returncode == 0
    applied = cli.run("roster", "apply", "roster.plan.json", "--allow-unchecked-integration")
    assert applied.returncode == 3
    last = applied.stderr.splitlines()[-1]
    assert last.startswith("the API refused the sync: ")
    assert last.endswith("nothing was applied (a refused sync changes nothing, working assumption O-21)")
    assert cli.employees() == before
    assert traceback_free(planned, sent, applied)
