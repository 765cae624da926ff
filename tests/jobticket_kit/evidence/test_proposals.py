"""The rules: what accumulated vendor evidence proposes, what it flags for a human, what stays pending."""

from __future__ import annotations

import copy
from typing import Any

import jsonpath_rfc9535
import pytest

from jobticket_kit.contract.operations import load_spec
from jobticket_kit.evidence.proposals import SHAPE_CHANGES, jsonpath, review
from jobticket_kit.evidence.store import History, Tally

SCHEMAS = "/components/schemas"


def tally(runs: int, sightings: int | None = None, last: str = "2026-12-06T03:00:00+00:00") -> Tally:
    return Tally(sightings or runs, runs, "2026-12-01T03:00:00+00:00", last)


def history(elements: dict[str, dict[str, Tally]]) -> History:
    return History(
        "https://staging.example", 3, "2026-12-01T03:00:00+00:00", "2026-12-06T03:00:00+00:00", elements
    )


@pytest.fixture
def spec() -> dict[str, Any]:
    return copy.deepcopy(dict(load_spec().raw))


def deviations(runs: int) -> History:
    """The four deviations of the deviating target, each seen on ``runs`` runs."""
    return history(
        {
            f"property {SCHEMAS}/Employee/properties/costCenter": {
                "present": tally(runs, 40),
                "type:string": tally(runs, 40),
            },
            f"property {SCHEMAS}/Plan/properties/contractSigningStatus": {
                "present": tally(runs, 40),
                "type:string": tally(runs, 40),
                "value:accepted": tally(runs, 30),
                "value:withdrawn": tally(runs, 10),
            },
            f"property {SCHEMAS}/HrIntegration/properties/name": {
                "present": tally(runs, 4),
                "type:null": tally(runs, 4),
                "null": tally(runs, 4),
            },
            "response getEmployee 400": {
                "answered": tally(runs),
                "body:undescribed": tally(runs),
                "field:message:string": tally(runs),
            },
        }
    )


def shape(found: Any) -> dict[str, tuple[str, Any]]:
    return {proposal.kind: (proposal.target, proposal.update) for proposal in found.shape_changes}


def test_two_runs_propose_each_deviation_with_its_evidence(spec: dict[str, Any]) -> None:
    found = review(deviations(2), spec)
    assert shape(found) == {
        "new-property": (
            "$.components.schemas.Employee.properties",
            {
                "costCenter": {
                    "type": "string",
                    "x-confidence": "observed",
                    "x-observed-on": "2026-12-06",
                    "description": "Not in the vendor's documentation; observed on 2 runs "
                    "(2026-12-01 to 2026-12-06).",
                }
            },
        ),
        "new-known-value": (
            "$.components.schemas.Plan.properties.contractSigningStatus['x-known-values']",
            "withdrawn",
        ),
        "nullable": ("$.components.schemas.HrIntegration.properties.name", {"type": ["string", "null"]}),
        "new-status": (
            "$.paths['/employees/{id}'].get.responses",
            {
                "400": {
                    "description": "Not in the vendor's documentation; answered on 2 runs "
                    "(2026-12-01 to 2026-12-06).",
                    "x-confidence": "observed",
                    "x-observed-on": "2026-12-06",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
        ),
    }
    assert len(found.shape_changes) == len(SHAPE_CHANGES)
    refuted = {proposal.open_point for proposal in found.proposals if proposal.kind == "refuted-assumption"}
    assert refuted == {"O-8", "O-18"}
    value = next(proposal for proposal in found.proposals if proposal.kind == "new-known-value")
    assert (value.evidence.runs, value.evidence.sightings, value.open_point) == (2, 10, "O-18")
    assert found.flags == []


def test_one_run_alone_proposes_nothing_and_says_what_is_pending(spec: dict[str, Any]) -> None:
    found = review(deviations(1), spec)
    assert found.proposals == []
    assert {item.kind for item in found.pending} == {*SHAPE_CHANGES, "refuted-assumption"}
    assert review(deviations(2), spec, min_runs=3).shape_changes == []


def test_what_the_spec_already_says_is_not_proposed_again(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    schemas["Employee"]["properties"]["costCenter"] = {
        "type": "string",
        "x-confidence": "observed",
        "x-observed-on": "2026-12-06",
    }
    schemas["Plan"]["properties"]["contractSigningStatus"]["x-known-values"].append("withdrawn")
    schemas["HrIntegration"]["properties"]["name"]["type"] = ["string", "null"]
    spec["paths"]["/employees/{id}"]["get"]["responses"]["400"] = {
        "$ref": "#/components/responses/BadRequest"
    }
    assert review(deviations(2), spec).shape_changes == []


def test_documented_behaviour_is_never_changed_from_traffic_only_flagged(spec: dict[str, Any]) -> None:
    found = review(
        history(
            {
                f"property {SCHEMAS}/Employee/properties/firstName": {"present": tally(3), "null": tally(3)},
                f"property {SCHEMAS}/Employee/properties/id": {"present": tally(3), "type:string": tally(3)},
                f"property {SCHEMAS}/EmployeeDocument/properties/createdAt": {
                    "present": tally(3),
                    "format:mismatch": tally(3),
                },
                f"property {SCHEMAS}/Employee/properties/lastName": {"absent": tally(3)},
            }
        ),
        spec,
    )
    assert found.proposals == []
    assert sorted((flag.kind, flag.element.rpartition("/")[2]) for flag in found.flags) == [
        ("contradicts-doc", "createdAt"),
        ("contradicts-doc", "firstName"),
        ("contradicts-doc", "id"),
        ("contradicts-doc", "lastName"),
    ]


def test_null_on_a_composed_open_property_is_for_a_human(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    schemas["HrIntegration"]["properties"]["_links"].update({"x-confidence": "open", "x-open-point": "O-8"})
    found = review(
        history(
            {f"property {SCHEMAS}/HrIntegration/properties/_links": {"present": tally(2), "null": tally(2)}}
        ),
        spec,
    )
    assert found.shape_changes == []
    assert [flag.kind for flag in found.flags] == ["needs-a-human"]


def test_server_errors_are_outages_never_proposed(spec: dict[str, Any]) -> None:
    found = review(history({"response healthCheck 500": {"answered": tally(5)}}), spec)
    assert found.proposals == []
    assert found.pending == []


def test_confidence_is_raised_for_open_elements_seen_as_the_spec_says(spec: dict[str, Any]) -> None:
    found = review(
        history(
            {
                f"property {SCHEMAS}/HrIntegration/properties/createdAt": {
                    "present": tally(2),
                    "type:string": tally(2),
                    "format:match": tally(2),
                },
                f"property {SCHEMAS}/Employee/properties/email": {
                    "present": tally(2),
                    "type:string": tally(2),
                },
                "response listAllDocuments 200": {"answered": tally(2)},
                "open-point O-2": {"confirmed": tally(2)},
                "open-point O-11": {"confirmed": tally(2), "refuted": tally(1)},
            }
        ),
        spec,
    )
    raised = {proposal.target: proposal.update for proposal in found.proposals if proposal.kind == "observed"}
    assert raised["$.components.schemas.HrIntegration.properties.createdAt"] == {
        "x-confidence": "observed",
        "x-observed-on": "2026-12-06",
    }
    assert "$.paths['/employee-documents'].get" in raised  # O-2, the path, is confirmed
    assert "$.paths['/employee-documents'].get.responses['200']" in raised
    assert not [target for target in raised if "email" in target]  # doc stays doc
    assert not [
        target for target in raised if "sortField" in target or "parameters" in target
    ]  # O-11 refuted


def test_fingerprints_stay_the_same_night_after_night(spec: dict[str, Any]) -> None:
    before = {proposal.kind: proposal.fingerprint for proposal in review(deviations(2), spec).proposals}
    later = history(
        {
            name: {facet: tally(3, last="2026-12-09T03:00:00+00:00") for facet in facets}
            for name, facets in deviations(2).elements.items()
        }
    )
    after = {proposal.kind: proposal.fingerprint for proposal in review(later, spec).proposals}
    assert before == after


def test_targets_are_rfc_9535_paths_that_select_their_node(spec: dict[str, Any]) -> None:
    for pointer in (
        "/paths/~1employees~1{id}/get/responses/404",
        "/components/schemas/EmployeePage/allOf/1/properties/data",
        "/components/schemas/Plan/properties/contractSigningStatus/x-known-values",
    ):
        target = jsonpath(pointer, spec)
        found = jsonpath_rfc9535.find(target, spec)
        assert len(found) == 1, target
        assert "/" + "/".join(str(part).replace("/", "~1") for part in found[0].location) == pointer


def test_a_refuted_point_with_documented_nodes_only_is_for_a_human(spec: dict[str, Any]) -> None:
    found = review(
        history(
            {"open-point O-12": {"refuted": tally(2), "refuted-by:page_past_the_end_is_empty": tally(2)}}
        ),
        spec,
    )
    assert found.proposals == []
    assert [(flag.kind, flag.open_point) for flag in found.flags] == [("contradicts-doc", "O-12")]
    assert "page_past_the_end_is_empty" in found.flags[0].summary


def test_undocumented_response_headers_are_listed_by_name_only(spec: dict[str, Any]) -> None:
    found = review(
        history(
            {
                "response listEmployees 429": {
                    "answered": tally(2),
                    "header:retry-after": tally(2),
                    "header:date": tally(2),
                },
                "response getEmployee 200": {"answered": tally(2), "header:x-request-id": tally(2)},
            }
        ),
        spec,
    )
    assert [item.summary for item in found.headers] == ["getEmployee 200: x-request-id"]
    assert found.shape_changes == []
