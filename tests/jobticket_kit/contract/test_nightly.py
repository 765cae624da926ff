"""scripts/nightly: outcome classes, stable fingerprints, new and fixed failures, a ten-second summary."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest

from jobticket_kit.inputs import InputError
from jobticket_kit.nightly import (
    WHAT_TO_DO,
    classify_failure,
    classify_run,
    compare,
    headline,
    load_previous,
    night,
)
from jobticket_twin import TwinConfig
from tests.helpers.twins import Twin

from .breakage import BreakEmployeeEmail, ServerErrorOnDocuments
from .conftest import contract_env, run_contract, schemathesis_only, serving

NIGHTLY = "nightly"
NOW = datetime.datetime(2026, 11, 22, 3, 17, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(days=1)


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
        # Evidence wins over words: a setup or a Python error that followed a 503 or a cut body is an outage.
        (
            failure("employees (setup)", "JSONDecodeError: x")
            | {"outage_evidence": "HTTP 200 with an unreadable JSON body from GET /employees"},
            "outage",
        ),
        (
            failure("test_sorting", "x", "KeyError: 'data'")
            | {"outage_evidence": "HTTP 503 from GET /employees"},
            "outage",
        ),
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
    previous = night(results(failure("a", "1"), failure("b", "2")), "1.0.0", NOW, None)
    current = night(results(failure("b", "2"), failure("c", "3")), "1.0.0", LATER, previous)
    assert current["comparison"] == {
        "since": NOW.isoformat(),
        "new": ["fp-c-3"],
        "fixed": ["fp-a-1"],
        "still_failing": ["fp-b-2"],
        "retested": True,
    }
    assert compare(current, None) is None  # a first night compares with nothing


def test_a_run_without_verdict_fixes_nothing() -> None:
    previous = night(results(failure("a", "1")), "1.0.0", NOW, None)
    blocked = night({**results(), "exit_code": 2, "verdict": "no verdict"}, "1.0.0", LATER, previous)
    assert blocked["comparison"] == {
        "since": NOW.isoformat(),
        "new": [],
        "fixed": [],
        "still_failing": ["fp-a-1"],
        "retested": False,
    }


def outage_results(*failures: dict[str, Any]) -> dict[str, Any]:
    return {**results(*failures), "exit_code": 2, "verdict": "no verdict", "reason": "outage: 1 check(s) …"}


def test_a_night_of_outages_only_has_no_verdict_and_is_no_evidence() -> None:
    previous = night(results(failure("a", "1")), "1.0.0", NOW, None)
    down = failure("response_schema_conformance", "Response violates schema") | {"status": 503}
    outage = night(outage_results(down), "1.0.0", LATER, previous)
    assert [item["outcome"] for item in outage["failures"]] == ["outage"]
    assert outage["outcome"] == "outage"
    assert outage["comparison"]["still_failing"] == ["fp-a-1"]
    assert (outage["comparison"]["new"], outage["comparison"]["fixed"]) == ([], [])
    assert headline(outage).startswith("# Nightly contract check: NO VERDICT (outage), exit 2")


def test_an_outage_night_is_remembered_through_broken_outage_broken() -> None:
    """Broken night, outage night, broken night again: the third night reports nothing new."""
    broken = results(failure("a", "1"), failure("b", "2"))
    first = night(broken, "1.0.0", NOW, None)
    down = failure("not_a_server_error", "Server error") | {"status": 503, "fingerprint": "fp-outage"}
    second = night(outage_results(down), "1.0.0", LATER, first)
    assert second["memory"] == first["memory"]  # the outage night keeps the broken night's failures
    third = night(broken, "1.0.0", LATER + datetime.timedelta(days=1), second)
    assert third["comparison"]["new"] == []
    assert third["comparison"]["fixed"] == []
    assert third["comparison"]["still_failing"] == ["fp-a-1", "fp-b-2"]
    assert third["comparison"]["since"] == NOW.isoformat()
    assert "**0 new**, 0 fixed, 2 still failing" in headline(third)
    # Two nights in a row failing: the outage night neither extended nor broke the streak.
    assert third["streaks"] == {"fp-a-1": 2, "fp-b-2": 2}


INCIDENT_REASON = (
    "incident: HR sync kit-x was sent and accepted, but integration 9 read back otherwise than planned: "
    "linked without a roster row (employee 42)"
)


def test_an_incident_is_a_problem_of_its_own_that_fixes_nothing() -> None:
    previous = night(results(failure("a", "1")), "1.0.0", NOW, None)
    incident = {**results(), "exit_code": 3, "verdict": "incident", "reason": INCIDENT_REASON}
    halted = night(incident, "1.0.0", LATER, previous)
    assert halted["outcome"] == "incident"
    assert halted["problem"]["title"] == "incident: a sync of the run was applied otherwise than planned"
    assert halted["problem"]["message"] == INCIDENT_REASON
    # The run halted at the sync: what it did not reach was not retested, so nothing is fixed.
    assert halted["comparison"]["retested"] is False
    assert halted["comparison"]["still_failing"] == ["fp-a-1"]
    assert halted["memory"] == previous["memory"]
    text = headline(halted)
    assert text.startswith("# Nightly contract check: INCIDENT (incident), exit 3")
    assert "An incident halted tonight's run, so nothing was retested: the 1 failure(s)" in text
    assert f"- **incident** (0 failure(s)): {WHAT_TO_DO['incident']}" in text
    again = night(incident, "1.0.0", LATER + datetime.timedelta(days=1), halted)
    assert again["streaks"][halted["problem"]["fingerprint"]] == 2


def test_a_no_verdict_run_is_a_problem_of_its_own_with_a_streak() -> None:
    unreachable = {**results(), "exit_code": 2, "verdict": "no verdict", "reason": "target unreachable: x"}
    first = night(unreachable, "1.0.0", NOW, None)
    assert first["problem"]["outcome"] == "outage"
    assert first["memory"] == {"night": None, "failures": []}
    down = {**unreachable, "reason": "outage: the target answered 503 to GET /employees"}
    second = night(down, "1.0.0", LATER, first)
    fingerprint = first["problem"]["fingerprint"]
    assert second["problem"]["fingerprint"] == fingerprint  # one fingerprint per outcome class
    assert second["streaks"] == {fingerprint: 2}
    assert night(results(), "1.0.0", LATER, second)["streaks"] == {}


def test_a_format_1_file_is_still_compared_with() -> None:
    old = {"format": 1, "finished_at": NOW.isoformat(), "failures": [{"fingerprint": "fp-a-1"}]}
    current = night(results(failure("a", "1")), "1.0.0", LATER, old)
    assert current["comparison"]["still_failing"] == ["fp-a-1"]
    assert current["streaks"] == {"fp-a-1": 1}


def test_headline_reads_in_ten_seconds() -> None:
    nightly = night(
        results(failure("response_schema_conformance", "Response violates schema")), "1.0.0", NOW, None
    )
    text = headline(nightly)
    assert text.startswith("# Nightly contract check: CONTRACT BROKEN (contract drift), exit 1")
    assert "First night: no earlier night to compare with" in text
    assert "Since the" not in text  # no comparison line on a first night
    assert "| failure | outcome | operation | check | reproduce |" in text
    assert (
        "| getEmployee | response_schema_conformance | `scripts/contract --operation getEmployee` |" in text
    )
    assert f"- **contract drift** (1 failure(s)): {WHAT_TO_DO['contract drift']}" in text
    assert "**outage**" not in text  # only the classes present tonight


def test_the_summary_says_what_to_do_for_each_class_present() -> None:
    failures = [
        failure("response_schema_conformance", "Response violates schema"),
        failure("test_links", "x", "requests.exceptions.ConnectionError: refused"),
        failure("test_sorting", "x", "KeyError: 'data'"),
    ]
    text = headline(night(results(*failures), "1.0.0", NOW, None))
    for outcome in ("contract drift", "outage", "our own bug"):
        assert f"- **{outcome}** (1 failure(s)): {WHAT_TO_DO[outcome]}" in text
    assert text.index("**outage**") < text.index("**our own bug**") < text.index("**contract drift**")


def test_previous_files_are_checked_before_anything_runs(tmp_path: Path) -> None:
    good = night(results(failure("a", "1")), "1.0.0", NOW, None)
    path = tmp_path / "nightly.json"
    path.write_text(json.dumps(good))
    assert load_previous(path) == json.loads(json.dumps(good))
    assert load_previous(tmp_path / "missing.json") is None
    for broken, rule in [
        ({**good, "format": 3}, '"format": 1 or 2'),
        ({**good, "memory": []}, "'memory' must be an object"),
        ({**good, "memory": {"failures": [{"id": 1}]}}, "'memory.failures' must be a list"),
        ({**good, "streaks": {"x": -1}}, "'streaks' must be an object of whole numbers"),
        ({**good, "streaks": {"x": True}}, "'streaks' must be an object of whole numbers"),
    ]:
        path.write_text(json.dumps(broken))
        with pytest.raises(InputError, match=re.escape(rule)):
            load_previous(path)


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


FAULTS = "error=0.2,statuses=502|503,drop=0.05,truncate=0.05,seed=1"


@pytest.mark.slow
@pytest.mark.twin(process=True, rate_limit=0, faults=FAULTS)
def test_a_faulty_target_is_an_outage_never_drift_or_our_bug(twin: Twin, tmp_path: Path) -> None:
    # Issue 20: against this twin the headline read CONTRACT BROKEN with 6 "drift" and 5 "our own bug".
    reports = tmp_path / "reports"
    env = contract_env(twin.base_url, JOBTICKET_CONTRACT_BUDGET="150")
    outcome = run_contract(env, reports, command=NIGHTLY)
    nightly = json.loads((reports / "nightly.json").read_text())
    classes = {failure["outcome"] for failure in nightly["failures"]}
    assert classes <= {"outage"}, [(f["outcome"], f["check"], f["title"]) for f in nightly["failures"]]
    assert outcome.code in (0, 2), outcome.output[-3000:]
    if outcome.code == 2:
        assert nightly["reason"].startswith("outage"), nightly["reason"]
        assert outcome.summary.startswith("# Nightly contract check: NO VERDICT (outage), exit 2")
    # The meter rode out most faults: retried requests, unreadable bodies among them, within the budget.
    assert outcome.results["requests"]["retried"] > 0
    assert outcome.results["requests"]["spent"] <= 150
    assert all(failure["outage_evidence"] for failure in nightly["failures"])


@pytest.mark.slow
def test_broken_then_outage_then_broken_again_reports_nothing_new(tmp_path: Path) -> None:
    nights = [tmp_path / f"night-{number}" for number in (1, 2, 3)]
    with serving(TwinConfig(rate_limit=0), BreakEmployeeEmail) as url:
        first = run_contract(contract_env(url), nights[0], *schemathesis_only("getEmployee"), command=NIGHTLY)
    assert first.code == 1, first.output[-3000:]
    with serving(TwinConfig(rate_limit=0), ServerErrorOnDocuments) as url:
        selection = ("--previous", str(nights[0] / "nightly.json"), *schemathesis_only("getDocument"))
        second = run_contract(contract_env(url), nights[1], *selection, command=NIGHTLY)
    assert second.code == 2, second.output[-3000:]
    assert "No verdict tonight, so nothing was retested" in second.summary
    with serving(TwinConfig(rate_limit=0), BreakEmployeeEmail) as url:
        selection = ("--previous", str(nights[1] / "nightly.json"), *schemathesis_only("getEmployee"))
        third = run_contract(contract_env(url), nights[2], *selection, command=NIGHTLY)
    assert third.code == 1, third.output[-3000:]
    broken = {f["fingerprint"] for f in json.loads((nights[0] / "nightly.json").read_text())["failures"]}
    comparison = json.loads((nights[2] / "nightly.json").read_text())["comparison"]
    assert comparison["new"] == []
    assert comparison["fixed"] == []
    assert set(comparison["still_failing"]) == broken
    assert f"**0 new**, 0 fixed, {len(broken)} still failing" in third.summary
