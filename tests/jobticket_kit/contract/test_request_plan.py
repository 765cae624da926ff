"""Issue 12 end to end: the full remote configuration against a twin in its own process, by URL.

The twin runs on a real clock with a scaled window (100 requests per 3 s per key, 2-s block) and the
run paces at 80 per 3 s for the whole run, the staging rules at twenty times the speed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobticket_kit import variables
from jobticket_kit.bench import contract as bench
from jobticket_kit.contract.coverage import on_demand_statuses
from jobticket_kit.contract.operations import load_spec
from jobticket_twin import TwinConfig
from jobticket_twin.seed import SEED_KEYS
from tests.helpers.twins import Twin

from .breakage import BreakSortingAndFields, BreakSortingOnce
from .conftest import ROOT, contract_env, run_contract, schemathesis_only, serving

_SCALED_TWIN = {"process": True, "rate_limit": 100, "window": 3.0, "block": 2.0}


def full_remote_env(base_url: str, **extra: str) -> dict[str, str]:
    """The benchmark's full remote configuration, the run-wide pace scaled to the twin's 3-s window."""
    pace = {variables.CONTRACT_RATE_LIMIT: "80", variables.CONTRACT_WINDOW: "3"}
    return bench.full_remote_env(base_url, base=contract_env(), overrides={**pace, **extra})


@pytest.mark.slow
@pytest.mark.twin(**_SCALED_TWIN)
def test_a_full_remote_run_covers_every_status_within_its_budget(twin: Twin, report_dir: Path) -> None:
    outcome = run_contract(full_remote_env(twin.base_url), report_dir)
    assert outcome.code == 0, outcome.output[-3000:]
    requests = outcome.results["requests"]
    print(f"full remote run: {requests['spent']} requests, pacing waited {requests['pacing_wait_seconds']} s")
    assert requests["limit"] == 500
    assert requests["spent"] <= 500
    coverage = outcome.results["coverage"]
    expected = {
        op: [str(status) for status in statuses] for op, statuses in on_demand_statuses(load_spec()).items()
    }
    assert {op: sorted(row) for op, row in coverage.items()} == {op: sorted(s) for op, s in expected.items()}
    missing = [
        (op, status)
        for op, row in coverage.items()
        for status, value in row.items()
        if value == "not reached"
    ]
    assert missing == []
    # Fuzzing sends no credential re-sends: the only requests without the main key are the named checks'.
    by_credential = requests["by_credential"]
    assert "malformed-auth" not in by_credential
    assert "other-auth" not in by_credential
    assert by_credential["no-auth"] + by_credential["unknown-key"] <= 2 * len(expected) + 4
    total = sum(len(statuses) for statuses in expected.values())
    assert f"## Coverage: {total} of {total} on-demand statuses reached" in outcome.summary


@pytest.mark.slow
@pytest.mark.twin(**_SCALED_TWIN, faults="error=0.08,statuses=502|503|504,seed=5")
def test_transient_server_errors_are_never_contract_drift(twin: Twin, report_dir: Path) -> None:
    outcome = run_contract(full_remote_env(twin.base_url, JOBTICKET_CONTRACT_BUDGET="300"), report_dir)
    assert outcome.code in (0, 2), outcome.output[-3000:]
    if outcome.code == 2:
        assert outcome.results["reason"].startswith("outage"), outcome.results["reason"]
    assert [f for f in outcome.results["failures"] if f["outcome"] == "contract drift"] == []
    requests = outcome.results["requests"]
    assert requests["retried"] > 0
    assert requests["spent"] <= 300


@pytest.mark.slow
def test_a_broken_contract_gives_usable_failures_that_reproduce(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=0), BreakSortingAndFields) as url:
        env = contract_env(url)
        sorting = "contract_tests/test_sorting.py::test_sort_order_is_honoured"
        selection = (*schemathesis_only("getEmployee"), sorting)
        outcome = run_contract(env, report_dir, *selection)
        assert outcome.code == 1, outcome.output[-3000:]
        failures = outcome.results["failures"]
        pairs = outcome.failure_pairs()
        assert ("getEmployee", "response_schema_conformance") in pairs
        assert ("listEmployees", "sort_order_is_honoured") in pairs
        for failure in failures:
            assert failure["message"].strip(), failure
            assert "\n" not in failure["message"]
            assert "where" not in failure["message"]  # no assertion rewrite quoting the values (names)
            assert failure["outcome"] == "contract drift"
            assert failure["status"] == 200
            assert failure["reproduction"].startswith("curl "), failure["reproduction"]
            assert "null" not in failure["reproduction"]
            assert " | " not in failure["reproduction"]
            replay = subprocess.run(
                ["bash", "-c", failure["reproduction"]],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            assert replay.returncode == 0, replay.stderr
            assert replay.stdout.startswith("HTTP/1.1 200"), replay.stdout[:200]
            if failure["operation"] == "getEmployee":
                assert '"nickname"' in replay.stdout
        schema = next(f for f in failures if f["check"] == "response_schema_conformance")
        assert "nickname" in schema["message"]
        sort = next(f for f in failures if f["check"] == "sort_order_is_honoured")
        assert "desc" in sort["message"]
        assert "got HTTP 200" in sort["message"]


@pytest.mark.slow
def test_a_failure_that_does_not_reproduce_is_flaky_not_broken(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=0), BreakSortingOnce) as url:
        check = "contract_tests/test_sorting.py::test_sort_order_is_honoured[listEmployees-id-desc]"
        outcome = run_contract(contract_env(url), report_dir, check)
    assert outcome.code == 0, outcome.output[-3000:]
    assert outcome.results["failures"] == []
    assert [(f["operation"], f["check"]) for f in outcome.results["flaky"]] == [
        ("listEmployees", "sort_order_is_honoured")
    ]
    assert "1 flaky" in outcome.results["reason"]
    assert "## Flaky" in outcome.summary


@pytest.mark.slow
@pytest.mark.twin(process=True, rate_limit=40)
def test_a_second_process_on_the_same_key_still_ends_the_run_blocked(twin: Twin, report_dir: Path) -> None:
    admin = SEED_KEYS["admin"]
    neighbour = subprocess.Popen(  # another job using the same key, 30 requests over ~1.5 s
        [sys.executable, "-c", _NEIGHBOUR, twin.base_url, admin.key_id, admin.secret],
        env={**os.environ, "PYTHONPATH": str(ROOT / "client")},
    )
    try:
        outcome = run_contract(contract_env(twin.base_url), report_dir, *schemathesis_only("listEmployees"))
    finally:
        neighbour.wait(timeout=30)
    assert outcome.code == 2, outcome.output[-3000:]
    assert outcome.results["reason"].startswith("blocked:")
    assert "blocked" in outcome.output
    by_status = outcome.results["requests"]["by_status"]
    assert sum(count for name, count in by_status.items() if name.endswith(" 429")) == 1


_NEIGHBOUR = """
import sys, time, httpx
url, user, secret = sys.argv[1:]
for _ in range(30):
    httpx.get(url + "/employees", params={"perPage": 1}, auth=(user, secret), trust_env=False)
    time.sleep(0.05)
"""
