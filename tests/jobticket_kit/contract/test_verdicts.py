"""The suite's verdicts end to end: it holds on the twin, breaks on a broken twin, and has no verdict
when the target is down, refuses the credentials or blocks it."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from jobticket_twin import TwinConfig

from .breakage import BreakEmployeeEmail, CutTheFullEmployeeList, ServerErrorOnDocuments
from .conftest import contract_env, run_contract, schemathesis_only, serving


@pytest.mark.slow
def test_the_twin_honours_the_contract(report_dir: Path) -> None:
    # The whole suite, with fewer examples than the main job so that this test stays quick.
    outcome = run_contract(contract_env(JOBTICKET_CONTRACT_MAX_EXAMPLES="20"), report_dir)
    assert outcome.code == 0, outcome.output[-3000:]
    results = outcome.results
    assert results["verdict"] == "contract holds"
    by_operation = results["requests"]["by_operation"]
    assert all(by_operation.get(operation, 0) > 0 for operation in results["operations"])
    # Only the unknown-route check leaves the documented operations; no undocumented method is sent.
    assert {name for name in by_operation if name not in results["operations"]} == {"GET (no operation)"}
    statuses = {row["open_point"]: row["status"] for row in results["ledger"]}
    assert statuses["O-12"] == "confirmed"
    assert statuses["O-29"] == "not exercised"
    assert "refuted" not in statuses.values()
    assert "## Assumption ledger" in outcome.summary
    assert "Requests spent" in outcome.summary
    assert (report_dir / "junit.xml").exists()


@pytest.mark.slow
def test_a_broken_field_breaks_the_contract(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=0), BreakEmployeeEmail) as url:
        outcome = run_contract(contract_env(url), report_dir, *schemathesis_only("getEmployee"))
    assert outcome.code == 1, outcome.output[-3000:]
    assert ("getEmployee", "response_schema_conformance") in outcome.failure_pairs()
    assert "contract broken" in outcome.output
    failure = outcome.results["failures"][0]
    assert failure["reproduction"].startswith("curl ")
    assert "--operation getEmployee" in failure["rerun"]
    assert "getEmployee" in outcome.summary
    # The broken field is O-20's (Employee.email): the ledger names the assumption it contradicts.
    assert {row["open_point"]: row["status"] for row in outcome.results["ledger"]}["O-20"] == "refuted"


@pytest.mark.slow
def test_tolerant_mode_records_a_refuted_assumption_without_breaking(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=0), BreakEmployeeEmail) as url:
        env = contract_env(url, JOBTICKET_CONTRACT_TOLERANT="1")
        outcome = run_contract(env, report_dir, *schemathesis_only("getEmployee"))
    assert outcome.code == 0, outcome.output[-3000:]
    assert outcome.results["failures"] == []
    accepted = outcome.results["accepted"]
    assert [(item["operation"], item["accepted_because"]) for item in accepted] == [
        ("getEmployee", "tolerant mode: refutes O-20")
    ]
    assert {row["open_point"]: row["status"] for row in outcome.results["ledger"]}["O-20"] == "refuted"


@pytest.mark.slow
def test_server_errors_are_an_outage_not_a_broken_contract(report_dir: Path) -> None:
    # Issue 12: a check whose evidence is a 5xx is an outage, whichever check it is: no verdict.
    with serving(TwinConfig(rate_limit=0), ServerErrorOnDocuments) as url:
        outcome = run_contract(contract_env(url), report_dir, *schemathesis_only("getDocument"))
    assert outcome.code == 2, outcome.output[-3000:]
    assert outcome.results["reason"].startswith("outage")
    assert ("getDocument", "not_a_server_error") in outcome.failure_pairs()
    assert {failure["outcome"] for failure in outcome.results["failures"]} == {"outage"}
    assert {failure["status"] for failure in outcome.results["failures"]} == {500}


@pytest.mark.slow
def test_a_429_stops_the_run_with_blocked(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=30)) as url:
        outcome = run_contract(contract_env(url), report_dir, *schemathesis_only("listEmployees"))
    assert outcome.code == 2, outcome.output[-3000:]
    assert outcome.results["reason"].startswith("blocked:")
    assert "blocked" in outcome.output
    # The run stopped at the block: the key's 30 accepted requests, the 429 and nothing after it.
    assert outcome.results["requests"]["by_credential"]["main"] == 31


def test_wrong_credentials_give_no_verdict(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=0)) as url:
        env = contract_env(url, JOBTICKET_PASSWORD="wrong-secret")
        outcome = run_contract(env, report_dir)
    assert outcome.code == 2
    assert "bad credentials" in outcome.output
    assert "wrong-secret" not in outcome.summary + json.dumps(outcome.results)


@pytest.mark.slow
def test_unreachable_target_gives_no_verdict(report_dir: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = run_contract(contract_env(f"http://127.0.0.1:{port}"), report_dir)
    assert outcome.code == 2
    assert "unreachable" in outcome.output


@pytest.mark.slow
def test_a_shared_setup_cut_short_is_one_outage_not_five_bugs(report_dir: Path) -> None:
    # Issue 20: one truncated /employees answer failed the shared setup of the filter checks, and each
    # was blamed on the kit. Now the setup is one failure, classed by its evidence.
    with serving(TwinConfig(rate_limit=0), CutTheFullEmployeeList) as url:
        outcome = run_contract(contract_env(url), report_dir, "contract_tests/test_filters.py")
    assert outcome.code == 2, outcome.output[-3000:]
    assert outcome.results["reason"].startswith("outage")
    (failure,) = outcome.results["failures"]
    assert failure["fixture"] == "contract_tests/test_filters.py::employees"
    assert failure["check"].endswith("(setup)")
    assert failure["outcome"] == "outage"
    assert failure["outage_evidence"] == "HTTP 200 with an unreadable JSON body from GET /employees"
    assert len(failure["affects"]) == 4  # the five checks that use the employees, reported once
    assert outcome.results["tests"]["failed"] == 5
    assert "Shared setup `contract_tests/test_filters.py::employees` failed: 5 check(s)" in outcome.summary
    # The meter retried the idempotent request within the budget before giving up.
    assert outcome.results["requests"]["retried"] >= 3
