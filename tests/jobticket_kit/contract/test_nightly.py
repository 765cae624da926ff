"""scripts/nightly: outcome classes, stable fingerprints, new and fixed failures, a ten-second summary."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from jobticket_kit.nightly import classify_failure, classify_run, compare, headline, nightly_result
from jobticket_twin import TwinConfig

from .breakage import BreakEmployeeEmail
from .conftest import contract_env, run_contract, schemathesis_only, serving

NIGHTLY = "nightly"
NOW = datetime.datetime(2026, 11, 22, 3, 17, tzinfo=datetime.UTC)


def failure(
    check: str, title: str, message: str = "", test: str = "contract_tests/test_x.py::t"
) -> dict[str, Any]:
    return {
        "check": check,
        "title": title,
        "message": message or title,
        "test": test,
        "fingerprint": f"fp-{check}-{title}"[:40],
        "operation": "getEmployee",
        "reproduction": "scripts/contract --operation getEmployee",
    }


@pytest.mark.parametrize(
    ("item", "outcome"),
    [
        (failure("response_schema_conformance", "Response violates schema"), "contract drift"),
        (failure("not_a_server_error", "Server error"), "outage"),
        (failure("test_links", "x", "requests.exceptions.ConnectionError: refused"), "outage"),
        (failure("test_pagination (setup)", "fixture failed"), "our own bug"),
        (failure("test_sorting", "x", "KeyError: 'data'"), "our own bug"),
        (failure("test_filters", "expected 200, got 429"), "rate-limited"),
        (failure("test_links", "expected 200, got 401"), "auth"),
        (
            failure("test_auth_wrong_secret", "expected 401, got 200", test="contract_tests/test_auth.py::t"),
            "contract drift",
        ),
    ],
)
def test_each_failure_gets_an_outcome_class(item: dict[str, Any], outcome: str) -> None:
    assert classify_failure(item) == outcome


@pytest.mark.parametrize(
    ("reason", "outcome"),
    [
        ("blocked: 429 after 31 requests", "rate-limited"),
        ("bad credentials: the target answered 401 to the main key", "auth"),
        ("target unreachable: ConnectionError on GET http://127.0.0.1:9/employees", "outage"),
        ("refused: JOBTICKET_BASE_URL=… is the production host", "our own bug"),
        ("outage: 3 check(s) got only server errors or lost connections; no evidence", "outage"),
    ],
)
def test_a_run_without_verdict_is_classified_by_its_reason(reason: str, outcome: str) -> None:
    assert classify_run({"exit_code": 2, "reason": reason}, []) == outcome


def test_a_broken_run_takes_the_class_that_explains_it() -> None:
    failures = [{"outcome": "contract drift"}, {"outcome": "outage"}]
    assert classify_run({"exit_code": 1, "reason": "2 new failure(s)"}, failures) == "outage"
    assert classify_run({"exit_code": 0, "reason": "every check passed"}, []) is None


def results(*failures: dict[str, Any], exit_code: int = 1) -> dict[str, Any]:
    return {
        "verdict": "contract broken" if exit_code == 1 else "contract holds",
        "exit_code": exit_code,
        "reason": "failures",
        "target": "twin",
        "failures": list(failures),
        "accepted": [],
        "requests": {"spent": 12},
    }


def test_new_fixed_and_still_failing_since_the_previous_run() -> None:
    previous = nightly_result(results(failure("a", "1"), failure("b", "2")), "1.0.0", NOW)
    current = nightly_result(results(failure("b", "2"), failure("c", "3")), "1.0.0", NOW)
    assert compare(current, previous) == {
        "new": ["fp-c-3"],
        "fixed": ["fp-a-1"],
        "still_failing": ["fp-b-2"],
    }
    assert compare(current, None)["new"] == ["fp-b-2", "fp-c-3"]


def test_a_run_without_verdict_fixes_nothing() -> None:
    previous = nightly_result(results(failure("a", "1")), "1.0.0", NOW)
    blocked = nightly_result({**results(), "exit_code": 2, "verdict": "no verdict"}, "1.0.0", NOW)
    assert compare(blocked, previous) == {"new": [], "fixed": [], "still_failing": ["fp-a-1"]}


def test_a_night_of_outages_only_has_no_verdict_and_is_no_evidence() -> None:
    previous = nightly_result(results(failure("a", "1")), "1.0.0", NOW)
    down = failure("response_schema_conformance", "Response violates schema") | {"status": 503}
    outage = {**results(down), "exit_code": 2, "verdict": "no verdict", "reason": "outage: 1 check(s) …"}
    night = nightly_result(outage, "1.0.0", NOW)
    assert [item["outcome"] for item in night["failures"]] == ["outage"]
    assert night["outcome"] == "outage"
    night["comparison"] = compare(night, previous)
    assert night["comparison"] == {"new": [], "fixed": [], "still_failing": ["fp-a-1"]}
    assert headline(night).startswith("# Nightly contract check: NO VERDICT (outage), exit 2")


def test_headline_reads_in_ten_seconds() -> None:
    nightly = nightly_result(
        results(failure("response_schema_conformance", "Response violates schema")), "1.0.0", NOW
    )
    nightly["comparison"] = compare(nightly, None)
    text = headline(nightly)
    assert text.startswith("# Nightly contract check: CONTRACT BROKEN (contract drift), exit 1")
    assert "**1 new**, 0 fixed, 0 still failing" in text
    assert (
        "| getEmployee | response_schema_conformance | `scripts/contract --operation getEmployee` |" in text
    )


@pytest.mark.slow
def test_nightly_against_the_twin_writes_every_report(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    outcome = run_contract(contract_env(), reports, "contract_tests/test_pagination.py", command=NIGHTLY)
    assert outcome.code == 0, outcome.output[-3000:]
    assert {path.name for path in reports.iterdir()} == {
        "junit.xml",
        "summary.md",
        "results.json",
        "nightly.json",
        "evidence-run.json",  # the run's evidence, the evidence of every night so far, the reviewer's page
        "evidence.json",
        "spec-overlay.md",
    }
    nightly = json.loads((reports / "nightly.json").read_text())
    assert (nightly["verdict"], nightly["outcome"], nightly["failures"]) == ("contract holds", None, [])
    assert nightly["requests_spent"] > 0
    assert outcome.summary.startswith("# Nightly contract check: CONTRACT HOLDS, exit 0")
    assert "## Assumption ledger" in outcome.summary


@pytest.mark.slow
def test_nightly_against_a_broken_twin_names_operation_check_and_reproduction(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    earlier = tmp_path / "earlier.json"
    earlier.write_text(json.dumps({"format": 1, "failures": [{"fingerprint": "0123456789abcdef"}]}))
    with serving(TwinConfig(rate_limit=0), BreakEmployeeEmail) as url:
        selection = ("--previous", str(earlier), *schemathesis_only("getEmployee"))
        outcome = run_contract(contract_env(url), reports, *selection, command=NIGHTLY)
    assert outcome.code == 1, outcome.output[-3000:]
    nightly = json.loads((reports / "nightly.json").read_text())
    broken = [f for f in nightly["failures"] if f["check"] == "response_schema_conformance"]
    assert broken
    assert broken[0]["operation"] == "getEmployee"
    assert broken[0]["outcome"] == "contract drift"
    assert nightly["comparison"]["fixed"] == ["0123456789abcdef"]
    assert broken[0]["fingerprint"] in nightly["comparison"]["new"]
    top = outcome.summary.split("\n## ")[0]
    assert "CONTRACT BROKEN (contract drift), exit 1" in top
    assert "| getEmployee | response_schema_conformance |" in top
    assert "--operation getEmployee" in top
