"""No personal value of any seeded employee reaches a report or the run's output, even from a target
that leaks personal data in fields the spec does not know and breaks the sort order."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from jobticket_kit.contract.report import write_reports
from jobticket_kit.contract.results import SuiteResult, Verdict
from jobticket_kit.privacy.redact import Redactor
from jobticket_twin import TwinConfig
from jobticket_twin.seed import build_seed

from .breakage import FREE_TEXT, FreeTextInNonPersonalFields, LeakPersonalData
from .conftest import contract_env, run_contract, serving


def _seeded_personal_values() -> set[str]:
    values: set[str] = set()
    for employee in build_seed(0).employees.values():
        values |= {employee.first_name, employee.last_name, employee.email}
        if employee.date_of_birth:
            values.add(employee.date_of_birth)
    return values


def _spellings(value: str) -> set[str]:
    return {value, json.dumps(value)[1:-1], quote(value, safe=""), quote(value)}


@pytest.mark.slow
def test_reports_of_a_leaking_target_hold_no_personal_value(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=0), LeakPersonalData) as url:
        outcome = run_contract(
            # CI=true: pytest prints every closing summary line whole, as on a CI machine.
            contract_env(url, CI="true"),
            report_dir,
            "--operation",
            "listEmployees",
            "contract_tests/test_schemathesis.py::test_api",
            "contract_tests/test_sorting.py::test_sort_order_is_honoured",
        )
    assert outcome.code == 1, outcome.output[-3000:]
    pairs = outcome.failure_pairs()
    # Still reported: the operation and the check are named, and the sort failure says where.
    assert ("listEmployees", "response_schema_conformance") in pairs
    assert ("listEmployees", "sort_order_is_honoured") in pairs
    sort_failure = next(f for f in outcome.results["failures"] if f["check"] == "sort_order_is_honoured")
    assert re.search(r"out of order at positions 0/1 \(ids \d+, \d+\)", sort_failure["message"])
    failures = outcome.results["failures"]
    schema_failure = next(f for f in failures if f["check"] == "response_schema_conformance")
    assert "unexpected properties" in schema_failure["message"]
    junit = (report_dir / "junit.xml").read_text(encoding="utf-8")
    assert "sort_order_is_honoured" in junit
    texts = {
        "summary.md": outcome.summary,
        "results.json": (report_dir / "results.json").read_text(encoding="utf-8"),
        "junit.xml": junit,
        "output": outcome.output,
    }
    leaks = {
        (name, value)
        for value in _seeded_personal_values()
        for form in _spellings(value)
        for name, text in texts.items()
        if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text)
    }
    assert leaks == set()


@pytest.mark.slow
def test_free_text_in_non_personal_fields_is_an_unexpected_value_in_every_report(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=0), FreeTextInNonPersonalFields) as url:
        outcome = run_contract(
            contract_env(url, CI="true"),
            report_dir,
            "--operation",
            "listEmployees",
            "contract_tests/test_schemathesis.py::test_api",
            "contract_tests/test_vocabulary.py",
        )
    assert outcome.code == 1, outcome.output[-3000:]
    checks = {check for _, check in outcome.failure_pairs()}
    assert {"response_schema_conformance", "values_are_known"} <= checks, checks
    texts = {
        "summary.md": outcome.summary,
        "results.json": (report_dir / "results.json").read_text(encoding="utf-8"),
        "junit.xml": (report_dir / "junit.xml").read_text(encoding="utf-8"),
        "output": outcome.output,
    }
    for name, text in texts.items():
        for value in FREE_TEXT.values():
            for form in _spellings(value):
                assert form not in text, (name, value)
    vocabulary = next(f for f in outcome.results["failures"] if f["check"] == "values_are_known")
    assert "[unexpected value]" in vocabulary["message"]
    assert "[unexpected value]" in texts["summary.md"]


def test_the_report_paths_survive_a_word_a_server_put_in_a_non_personal_field(tmp_path: Path) -> None:
    # A generated request made the target echo ``json`` as a status: an unexpected value, replaced in
    # every text, but the paths of the reports are the run's own and must still name real files.
    redactor = Redactor()
    redactor.learn({"status": "json"})
    result = SuiteResult(Verdict.HOLDS, "the server said json", "http://127.0.0.1:1")
    clean = write_reports(result, tmp_path, redactor)
    assert clean.reason == "the server said [unexpected value]"
    assert Path(clean.reports["results"]) == tmp_path / "results.json"
    assert json.loads(Path(clean.reports["results"]).read_text(encoding="utf-8"))["reason"] == clean.reason
    assert Path(clean.reports["summary"]).is_file()
