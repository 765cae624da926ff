"""The spec is valid OpenAPI 3.1, its examples obey its schemas, and it describes all ten operations."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tests.conftest import SPEC_PATH

DOCUMENTED_OPERATIONS = {
    "listEmployees": ("get", "/employees"),
    "getEmployee": ("get", "/employees/{id}"),
    "listEmployeeDocuments": ("get", "/employees/{id}/documents"),
    "listAllDocuments": ("get", "/employee-documents"),
    "getDocument": ("get", "/employee-documents/{id}"),
    "downloadDocument": ("get", "/employee-documents/{id}/download"),
    "healthCheck": ("get", "/health"),
    "listHrIntegrations": ("get", "/hr-integrations"),
    "getHrIntegration": ("get", "/hr-integrations/{id}"),
    "triggerHrSync": ("post", "/hr-integrations/{id}/sync"),
}

# Which component schema each documented example is an instance of.
EXAMPLE_SCHEMAS = {
    "employeeResponse": "EmployeeResponse",
    "employeeSplitPayResponse": "EmployeeResponse",
    "employeeListResponse": "EmployeeListResponse",
    "employeeDocumentResponse": "EmployeeDocumentResponse",
    "employeeDocumentListResponse": "EmployeeDocumentListResponse",
    "hrIntegrationResponse": "HrIntegrationResponse",
    "hrIntegrationListResponse": "HrIntegrationListResponse",
    "hrSyncRequest": "HrSyncRequest",
    "employeeSubscriptionChangedEvent": "EmployeeSubscriptionChangedEvent",
    "newEmployeeDocumentGeneratedEvent": "NewEmployeeDocumentGeneratedEvent",
}


def schema_validator(spec: dict[str, Any], name: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resource("spec", DRAFT202012.create_resource(spec))
    return Draft202012Validator(
        {"$ref": f"spec#/components/schemas/{name}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def test_spec_is_valid_openapi_31(spec: dict[str, Any]) -> None:
    validate(spec, base_uri=SPEC_PATH.as_uri())
    assert spec["openapi"].startswith("3.1")


def test_all_ten_documented_operations_are_described(spec: dict[str, Any]) -> None:
    found = {
        operation["operationId"]: (method, path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }
    assert found == DOCUMENTED_OPERATIONS


def test_only_health_check_is_unauthenticated(spec: dict[str, Any]) -> None:
    assert spec["security"] == [{"basicAuth": []}]
    assert spec["components"]["securitySchemes"]["basicAuth"] == {
        **spec["components"]["securitySchemes"]["basicAuth"],
        "type": "http",
        "scheme": "basic",
    }
    unauthenticated = [
        operation["operationId"]
        for item in spec["paths"].values()
        for operation in item.values()
        if operation.get("security") == []
    ]
    assert unauthenticated == ["healthCheck"]


def test_only_the_sync_is_destructive(spec: dict[str, Any]) -> None:
    destructive = [
        operation["operationId"]
        for item in spec["paths"].values()
        for operation in item.values()
        if operation.get("x-destructive")
    ]
    assert destructive == ["triggerHrSync"]


def test_misspelled_field_is_kept(spec: dict[str, Any]) -> None:
    properties = spec["components"]["schemas"]["Employee"]["properties"]
    assert "hrIntergartionLinks" in properties
    assert "hrIntegrationLinks" not in properties


@pytest.mark.parametrize(("example", "schema"), sorted(EXAMPLE_SCHEMAS.items()))
def test_documented_example_obeys_its_schema(
    spec: dict[str, Any], examples: dict[str, Any], example: str, schema: str
) -> None:
    errors = [error.message for error in schema_validator(spec, schema).iter_errors(examples[example])]
    assert errors == []


def test_schemas_reject_a_broken_example(spec: dict[str, Any], examples: dict[str, Any]) -> None:
    broken = {"data": {**examples["employeeResponse"]["data"], "resource": "customer", "surprise": 1}}
    messages = [error.message for error in schema_validator(spec, "EmployeeResponse").iter_errors(broken)]
    assert any("'employee' was expected" in message for message in messages)
    assert any("surprise" in message for message in messages)


def test_every_rate_limited_response_carries_retry_after(spec: dict[str, Any]) -> None:
    response = spec["components"]["responses"]["TooManyRequests"]
    assert response["headers"]["Retry-After"] == {"$ref": "#/components/headers/Retry-After"}
    for path, item in spec["paths"].items():
        for operation in item.values():
            if operation.get("security") != []:
                assert operation["responses"]["429"] == {"$ref": "#/components/responses/TooManyRequests"}, (
                    path
                )
