"""Evidence accumulates across runs (counts, runs, first and last seen); vendor and twin stay apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobticket_kit.evidence.store import MAX_FACETS, TWIN, VENDOR, EvidenceStore, RunEvidence
from jobticket_kit.inputs import InputError

STAGING = "https://v1-api-staging.ticket-plus.app"


def run(at: str, *, kind: str = VENDOR, target: str = STAGING, **facets: int) -> RunEvidence:
    evidence = RunEvidence(at, kind, target, "1.0.0")
    for facet, count in facets.items():
        evidence.add("response getEmployee 200", facet.replace("_", ":"), count)
    return evidence


def test_runs_add_up_per_facet_with_first_and_last_seen() -> None:
    store = EvidenceStore()
    store.add(run("2026-12-01T03:00:00+00:00", answered=3, header_date=3))
    store.add(run("2026-12-02T03:00:00+00:00", answered=2))
    tallies = store.vendor.facets("response getEmployee 200")
    answered = tallies["answered"]
    assert (answered.sightings, answered.runs) == (5, 2)
    assert (answered.first_seen, answered.last_seen) == (
        "2026-12-01T03:00:00+00:00",
        "2026-12-02T03:00:00+00:00",
    )
    assert (tallies["header:date"].runs, tallies["header:date"].last_seen) == (1, "2026-12-01T03:00:00+00:00")
    assert store.vendor.runs == 2
    assert store.vendor.last_seen("response getEmployee 200") == "2026-12-02T03:00:00+00:00"


def test_twin_runs_are_kept_apart_from_the_vendor() -> None:
    store = EvidenceStore()
    store.add(run("2026-12-01T03:00:00+00:00", answered=1))
    store.add(run("2026-12-02T03:00:00+00:00", kind=TWIN, target=TWIN, answered=7))
    assert store.vendor.runs == 1
    assert store.vendor.facets("response getEmployee 200")["answered"].sightings == 1
    assert store.twin.runs == 1
    assert store.twin.facets("response getEmployee 200")["answered"].sightings == 7


def test_evidence_about_another_target_is_not_mixed_in() -> None:
    store = EvidenceStore()
    store.add(run("2026-12-01T03:00:00+00:00", answered=1))
    note = store.add(run("2026-12-02T03:00:00+00:00", target="https://other.example", answered=1))
    assert note is not None
    assert "starts afresh" in note
    assert (store.vendor.target, store.vendor.runs) == ("https://other.example", 1)


def test_a_run_counts_a_bounded_number_of_facets_per_element() -> None:
    evidence = RunEvidence("2026-12-01T03:00:00+00:00", VENDOR, STAGING, "1.0.0")
    for index in range(MAX_FACETS + 50):
        evidence.add("property /x", f"value:v{index}")
    evidence.add("property /x", "value:v0")
    assert len(evidence.facets("property /x")) == MAX_FACETS
    assert evidence.facets("property /x")["value:v0"] == 2


def test_the_file_round_trips_and_the_run_file_too(tmp_path: Path) -> None:
    store = EvidenceStore()
    store.add(run("2026-12-01T03:00:00+00:00", answered=3))
    store.save(tmp_path / "evidence.json")
    assert EvidenceStore.load(tmp_path / "evidence.json").as_dict() == store.as_dict()
    one = run("2026-12-01T03:00:00+00:00", answered=3)
    (tmp_path / "evidence-run.json").write_text(json.dumps(one.as_dict()))
    assert RunEvidence.load(tmp_path / "evidence-run.json").as_dict() == one.as_dict()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[]", 'needs "format": 1'),
        (
            '{"format": 1, "vendor": {"runs": -1, "elements": {}}, "twin": {"runs": 0, "elements": {}}}',
            "runs",
        ),
        (
            '{"format": 1, "vendor": {"runs": 1, "elements": {"e": {"f": {"sightings": 1, "runs": 1, '
            '"first_seen": "yesterday", "last_seen": "2026-12-01"}}}}, "twin": {"runs": 0, "elements": {}}}',
            "first_seen: not an ISO 8601 time",
        ),
        (
            '{"format": 1, "vendor": {"runs": 1, "elements": {"e": {"f": {"sightings": 0, "runs": 1, '
            '"first_seen": "2026-12-01", "last_seen": "2026-12-01"}}}}, "twin": {"runs": 0, "elements": {}}}',
            "sightings and runs must be positive integers",
        ),
        ("{not json", "not valid JSON"),
    ],
)
def test_a_bad_evidence_file_is_refused_in_one_line(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "evidence.json"
    path.write_text(content)
    with pytest.raises(InputError) as refused:
        EvidenceStore.load(path)
    assert problem in str(refused.value)
    assert "\n" not in str(refused.value)


def test_no_file_yet_is_a_first_night(tmp_path: Path) -> None:
    assert EvidenceStore.load_or_empty(tmp_path / "missing.json").vendor.runs == 0
    assert EvidenceStore.load_or_empty(None).twin.runs == 0
