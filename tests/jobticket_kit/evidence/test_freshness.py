"""Fresh evidence, fewer requests: the stalest checks go first, the probe waits a week, a night costs <= 300.

The runs here are ``jobticket-kit nightly`` against a twin by URL (a real target for the kit), given an
evidence file as a team's cache would hold it: the evidence of earlier nights, with its dates.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from jobticket_kit import variables
from jobticket_kit.bench import contract as bench
from jobticket_kit.contract.coverage import on_demand_statuses
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.evidence.freshness import Freshness, freshness_section
from jobticket_kit.evidence.store import EvidenceStore, History, Tally
from jobticket_kit.hosts import origin_of
from jobticket_kit.settings import FRESH_NIGHT_BUDGET
from tests.helpers.twins import Twin

from ..contract.conftest import contract_env, run_contract

NOW = datetime.datetime.now(tz=datetime.UTC)
SPEC = load_spec()
PROBE_CHECK = "contract_tests/test_rate_limit.py::test_the_request_over_the_limit_is_blocked"


def ago(days: float) -> str:
    return (NOW - datetime.timedelta(days=days)).isoformat(timespec="seconds")


def exercised(**days_ago: float) -> dict[str, dict[str, Tally]]:
    """Open points (``O_15=8``) confirmed that many days ago."""
    return {
        f"open-point {point.replace('_', '-')}": {"confirmed": Tally(1, 1, ago(days), ago(days))}
        for point, days in days_ago.items()
    }


def evidence_file(path: Path, target: str, elements: dict[str, dict[str, Tally]]) -> Path:
    EvidenceStore(vendor=History(str(origin_of(target)), 1, ago(30), ago(1), elements)).save(path)
    return path


def test_freshness_knows_what_is_stale_and_what_came_first() -> None:
    freshness = Freshness(History("t", 1, ago(9), ago(1), exercised(O_15=8, O_5=1, O_9=3)), NOW, fresh_days=7)
    assert freshness.fresh(["O-5"])
    assert not freshness.fresh(["O-15", "O-5"])  # every point must be fresh
    assert not freshness.fresh(["O-40"])  # never exercised
    assert not freshness.fresh([])
    assert freshness.staleness(["O-9"], None) < freshness.staleness(["O-5"], None)
    assert freshness.staleness(["O-40"], None) < freshness.staleness(["O-15"], None)
    assert "runs again from" in freshness.due_after(["O-5"])
    oldest = freshness.oldest(SPEC.raw, list(SPEC.open_points), on_demand_statuses(SPEC))
    assert oldest is not None
    assert oldest[1] == "open-point O-15"
    assert round(oldest[0]) == 8


def test_the_summary_shows_when_each_point_was_last_confirmed() -> None:
    elements = exercised(O_15=8, O_9=3)
    elements["open-point O-9"]["refuted"] = Tally(1, 1, ago(2), ago(2))
    elements["response getEmployee 200"] = {"answered": Tally(4, 1, ago(1), ago(1))}
    section = freshness_section(
        Freshness(History("https://staging.example", 2, ago(9), ago(1), elements), NOW, fresh_days=7),
        SPEC.raw,
        open_points=list(SPEC.open_points),
        on_demand=on_demand_statuses(SPEC),
    )
    day = (NOW - datetime.timedelta(days=3)).date().isoformat()
    refuted = (NOW - datetime.timedelta(days=2)).date().isoformat()
    assert f"| O-9 | {day} | {refuted} | 2.0 |" in section
    assert "| O-15 |" in section
    assert "**8.0 (stale)**" in section
    assert "oldest evidence: **8.0 days** (`open-point O-15`)" in section
    assert "| `response getEmployee 200` |" in section
    assert "| O-1 | never | never | never |" in section


def ran(results: dict[str, Any], module: str) -> bool:
    left = [*results["left_out"], *results["not_exercised"]]
    return not [node for node in left if node.startswith(module)]


@pytest.mark.slow
@pytest.mark.twin(rate_limit=0)
def test_the_stalest_checks_go_first_when_the_budget_is_short(twin: Twin, tmp_path: Path) -> None:
    checks = ("contract_tests/test_filters.py", "contract_tests/test_sorting.py")
    outcomes = {}
    for stale, fresh in (("O-9", "O-11"), ("O-11", "O-9")):
        days = {stale.replace("-", "_"): 6.0, fresh.replace("-", "_"): 1.0}
        evidence = evidence_file(tmp_path / f"{stale}.json", twin.base_url, exercised(**days))
        env = contract_env(twin.base_url, **{variables.CONTRACT_BUDGET: "30"})
        reports = tmp_path / stale
        outcome = run_contract(env, reports, "--evidence", str(evidence), *checks, command="nightly")
        assert outcome.results, outcome.output[-2000:]
        outcomes[stale] = outcome.results
    assert ran(outcomes["O-9"], checks[0])
    assert not ran(outcomes["O-9"], checks[1])
    assert ran(
        outcomes["O-11"], checks[1].replace(".py", ".py::test_sort_order_is_honoured[listEmployees-id-asc]")
    )
    assert not ran(outcomes["O-11"], checks[0])


@pytest.mark.slow
@pytest.mark.twin(process=True, rate_limit=100, window=3.0, block=2.0)
def test_a_night_with_fresh_evidence_keeps_to_the_night_budget_and_the_probe_waits_a_week(
    twin: Twin, tmp_path: Path
) -> None:
    env = bench.full_remote_env(
        twin.base_url,
        base=contract_env(),
        overrides={variables.CONTRACT_RATE_LIMIT: "80", variables.CONTRACT_WINDOW: "3"},
    )
    points = {point.replace("-", "_"): 1.0 for point in SPEC.open_points}
    fresh = evidence_file(tmp_path / "fresh.json", twin.base_url, exercised(**points))
    night = run_contract(env, tmp_path / "fresh", "--evidence", str(fresh), command="nightly")
    assert night.code == 0, night.output[-3000:]
    requests = night.results["requests"]
    print(f"a night with fresh evidence: {requests['spent']} of {requests['limit']} requests")
    assert requests["limit"] == FRESH_NIGHT_BUDGET
    assert requests["spent"] <= FRESH_NIGHT_BUDGET
    assert night.results["not_exercised"][PROBE_CHECK].startswith(
        "expensive check: evidence fresh (O-5, O-15"
    )
    reached = {
        (operation, status)
        for operation, row in night.results["coverage"].items()
        for status, value in row.items()
        if value.startswith("reached")
    }
    expected = {(op, str(status)) for op, statuses in on_demand_statuses(SPEC).items() for status in statuses}
    assert expected - reached == {("listEmployees", "429")}  # the probe's status, on its own week

    stale = evidence_file(tmp_path / "stale.json", twin.base_url, exercised(O_15=8, O_5=1))
    probe = run_contract(env, tmp_path / "stale", "--evidence", str(stale), PROBE_CHECK, command="nightly")
    assert probe.code == 0, probe.output[-3000:]
    assert PROBE_CHECK not in probe.results["not_exercised"]
    assert {row["open_point"]: row["status"] for row in probe.results["ledger"]}["O-15"] == "confirmed"
    assert probe.results["requests"]["limit"] == FRESH_NIGHT_BUDGET + 104
    evidence = json.loads((tmp_path / "stale" / "evidence.json").read_text())
    assert evidence["vendor"]["elements"]["open-point O-15"]["confirmed"]["runs"] == 2
