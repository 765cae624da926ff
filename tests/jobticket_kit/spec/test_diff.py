"""Each kind of spec change is found and classified from the client's side."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from jobticket_kit.spec.diff import Change, diff_specs
from tests.conftest import SPEC_PATH


@pytest.fixture(scope="module")
def pinned() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def changed(pinned: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(pinned)


def schemas(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"]
    return found


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


def test_identical_specs_have_no_changes(pinned: dict[str, Any]) -> None:
    assert diff_specs(pinned, copy.deepcopy(pinned)) == []


def test_removed_response_field_breaks_every_operation_that_returns_it(changed: dict[str, Any]) -> None:
    del schemas(changed)["Ticket"]["properties"]["ticketMonth"]
    schemas(changed)["Ticket"]["required"].remove("ticketMonth")
    changes = diff_specs(yaml.safe_load(SPEC_PATH.read_text()), changed)
    assert changes
    assert all(change.breaking and change.description == "field removed" for change in changes)
    assert "GET /employees/{id} response 200 .data .ticket .ticketMonth" in {c.location for c in changes}


def test_new_optional_fields_are_compatible(pinned: dict[str, Any], changed: dict[str, Any]) -> None:
    schemas(changed)["HrSyncEmployee"]["properties"]["costCentre"] = {"type": "string"}
    schemas(changed)["HrIntegration"]["properties"]["vendor"] = {"type": "string"}
    changes = diff_specs(pinned, changed)
    descriptions = {(c.location, c.description, c.breaking) for c in changes}
    assert (
        "POST /hr-integrations/{id}/sync request body .employees[] .costCentre",
        "new optional request field",
        False,
    ) in descriptions
    assert (
        "GET /hr-integrations/{id} response 200 .data .vendor",
        "new response field",
        False,
    ) in descriptions
    assert not any(change.breaking for change in changes)


def test_new_required_request_field_breaks(pinned: dict[str, Any], changed: dict[str, Any]) -> None:
    schemas(changed)["HrSyncRequest"]["properties"]["mode"] = {"type": "string"}
    schemas(changed)["HrSyncRequest"]["required"].append("mode")
    change = only(diff_specs(pinned, changed))
    assert (change.description, change.breaking) == ("new required request field", True)


def test_new_enum_value_breaks(pinned: dict[str, Any], changed: dict[str, Any]) -> None:
    schemas(changed)["DocumentSortField"]["enum"].append("downloadable")
    changes = diff_specs(pinned, changed)
    assert {c.location for c in changes} == {
        "GET /employee-documents query parameter sortField",
        "GET /employees/{id}/documents query parameter sortField",
    }
    assert all(c.breaking and "new enum value(s) ['downloadable']" in c.description for c in changes)


def test_newly_nullable_response_field_breaks(pinned: dict[str, Any], changed: dict[str, Any]) -> None:
    schemas(changed)["EmployeeDocument"]["properties"]["documentName"]["type"] = ["string", "null"]
    changes = diff_specs(pinned, changed)
    assert changes
    assert all(c.description == "became nullable" and c.breaking for c in changes)


def test_type_change_breaks(pinned: dict[str, Any], changed: dict[str, Any]) -> None:
    schemas(changed)["EmployeeContributionAmount"]["properties"]["value"] = {"type": "string"}
    change = only([c for c in diff_specs(pinned, changed) if c.location.startswith("GET /employees/{id} ")])
    assert (change.description, change.breaking) == ("type changed number -> string", True)


def test_removed_and_renamed_operations_break(pinned: dict[str, Any], changed: dict[str, Any]) -> None:
    del changed["paths"]["/health"]
    changed["paths"]["/documents"] = changed["paths"].pop("/employee-documents")
    changes = {(c.location, c.description, c.breaking) for c in diff_specs(pinned, changed)}
    assert ("GET /health", "operation healthCheck removed", True) in changes
    assert ("GET /employee-documents", "operation listAllDocuments moved to GET /documents", True) in changes


def test_new_and_removed_parameters(pinned: dict[str, Any], changed: dict[str, Any]) -> None:
    operation = changed["paths"]["/employees"]["get"]
    operation["parameters"] = [p for p in operation["parameters"] if p.get("name") != "email"]
    operation["parameters"].append({"name": "team", "in": "query", "schema": {"type": "string"}})
    changes = {(c.location, c.description, c.breaking) for c in diff_specs(pinned, changed)}
    assert changes == {
        ("GET /employees query parameter email", "removed", True),
        ("GET /employees query parameter team", "new optional parameter", False),
    }


def test_a_new_required_response_property_breaks_the_generated_constructor(
    pinned: dict[str, Any], changed: dict[str, Any]
) -> None:
    # Issue 20: it was classed compatible, yet the generated model's constructor gains an argument.
    health = schemas(changed)["HealthStatus"]
    health["properties"]["uptime"] = {"type": "integer"}
    health["required"] = [*health.get("required", []), "uptime"]
    change = only(diff_specs(pinned, changed))
    assert change.location == "GET /health response 200 .uptime"
    assert change.breaking
    assert "constructor" in change.description


def test_an_optional_response_property_becoming_required_is_breaking(
    pinned: dict[str, Any], changed: dict[str, Any]
) -> None:
    health = schemas(changed)["HealthStatus"]
    health["required"] = [*health.get("required", []), "status"]
    change = only(diff_specs(pinned, changed))
    assert (change.location, change.breaking) == ("GET /health response 200 .status", True)


def test_a_new_value_of_a_closed_enum_breaks_an_open_vocabulary_does_not(
    pinned: dict[str, Any], changed: dict[str, Any]
) -> None:
    schemas(changed)["DocumentSortField"]["enum"].append("downloadable")
    known = next(
        schema
        for schema in _walk(changed["components"]["schemas"])
        if isinstance(schema, dict) and "x-known-values" in schema
    )
    known["x-known-values"].append("a-new-value")
    found = diff_specs(pinned, changed)
    assert {change.breaking for change in found if "enum value" in change.description} == {True}
    assert {change.breaking for change in found if "x-known-values value" in change.description} == {False}
    assert any("x-known-values value" in change.description for change in found)


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_a_tightened_bound_on_what_we_send_breaks_a_loosened_one_does_not(
    pinned: dict[str, Any], changed: dict[str, Any]
) -> None:
    ids = next(
        item for item in changed["paths"]["/employees"]["get"]["parameters"] if item.get("name") == "ids"
    )
    before = ids["schema"].get("minItems")
    ids["schema"]["minItems"] = (before or 0) + 1
    change = only(diff_specs(pinned, changed))
    assert (change.location, change.description, change.breaking) == (
        "GET /employees query parameter ids",
        f"minItems {before!r} -> {(before or 0) + 1}",
        True,
    )
    loosened = copy.deepcopy(pinned)
    per_page = loosened["components"]["parameters"]["perPage"]
    per_page["schema"]["maximum"] = per_page["schema"]["maximum"] + 100
    assert len(diff_specs(pinned, loosened)) > 0
    assert {change.breaking for change in diff_specs(pinned, loosened)} == {False}
