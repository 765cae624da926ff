"""The assumption ledger's statuses and the baseline's matching rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobticket_kit.checkout import project_root
from jobticket_kit.contract.baseline import Baseline, BaselineError
from jobticket_kit.contract.ledger import AssumptionLedger, Status
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.results import Failure


def _failure(check: str = "response_schema_conformance", operation: str = "getEmployee") -> Failure:
    return Failure(
        test="contract_tests/test_schemathesis.py::test_api[GET /employees/{id}]",
        operation=operation,
        check=check,
        title="Response violates schema",
        message="varies from run to run",
        reproduction="curl ...",
    )


def test_ledger_lists_every_open_point_of_the_spec() -> None:
    ledger = AssumptionLedger(load_spec().open_points)
    rows = ledger.rows()
    assert [row.open_point for row in rows][:3] == ["O-1", "O-2", "O-3"]
    assert all(row.status is Status.NOT_EXERCISED for row in rows)


def test_one_refutation_outweighs_confirmations() -> None:
    ledger = AssumptionLedger({"O-12": "pages"})
    ledger.confirm("O-12", "total_pages_match_total")
    assert ledger.status("O-12") is Status.CONFIRMED
    ledger.refute("O-12", "page_past_the_end_is_empty", "404")
    assert ledger.status("O-12") is Status.REFUTED
    ledger.note("O-15", "no probe key")
    assert {row.open_point: row.note for row in ledger.rows()}["O-15"] == "no probe key"


def test_fingerprint_ignores_the_message() -> None:
    first, second = _failure(), _failure()
    object.__setattr__(second, "message", "something else")
    assert first.fingerprint == second.fingerprint
    assert first.fingerprint != _failure(check="not_a_server_error").fingerprint


def test_baseline_accepts_matching_failures_and_reports_stale_entries(tmp_path: Path) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text(
        "deviations:\n"
        "  - operation: getEmployee\n    check: response_schema_conformance\n"
        "    reason: staging sends null emails\n"
        "  - check: ignored_auth\n    reason: fixed upstream, keep until confirmed\n"
    )
    new, accepted, stale = Baseline.load(path).split([_failure(), _failure(check="not_a_server_error")])
    assert [failure.check for failure in new] == ["not_a_server_error"]
    assert accepted[0].accepted_because == "staging sends null emails"
    assert stale == ["check=ignored_auth (fixed upstream, keep until confirmed)"]


@pytest.mark.parametrize(
    "content",
    [
        "deviations:\n  - check: x\n",
        "deviations:\n  - reason: no matcher\n",
        "deviations:\n  - reason: r\n    bogus: 1\n",
    ],
)
def test_baseline_entries_need_a_reason_and_a_matcher(tmp_path: Path, content: str) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text(content)
    with pytest.raises(BaselineError):
        Baseline.load(path)


def test_the_project_baseline_is_valid() -> None:
    Baseline.load(project_root() / "contract_tests" / "baseline.yaml")
