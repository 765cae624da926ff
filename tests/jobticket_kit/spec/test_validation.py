"""The shared response validator: it names the operation and the failing field, and it follows openapi/."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
import pytest
import yaml

from jobticket_kit.spec.validation import (
    ResponseValidator,
    SpecViolation,
    UndocumentedOperation,
    default_spec_path,
    default_validator,
    validating_hook,
)
from tests.jobticket_twin.helpers import auth

if TYPE_CHECKING:
    from pathlib import Path

JSON = {"content-type": "application/json"}


def _employee_body(client: httpx.Client) -> bytes:
    response = client.get("/employees/42", auth=auth())
    assert response.status_code == 200
    return response.content


def test_a_broken_field_is_reported_with_the_operation_and_its_json_path(client: httpx.Client) -> None:
    body = json.loads(_employee_body(client))
    body["data"]["subscription"]["status"] = 7
    with pytest.raises(SpecViolation) as raised:
        default_validator().validate(
            "GET", "http://127.0.0.1:1/employees/42", 200, JSON, json.dumps(body).encode()
        )
    assert raised.value.operation == "getEmployee"
    assert [violation.location for violation in raised.value.violations] == [
        "body $.data.subscription.status"
    ]
    assert "getEmployee (GET /employees/42) -> 200" in str(raised.value)


@pytest.mark.parametrize(
    ("status", "headers", "body", "location"),
    [
        (429, JSON, b'{"message": "slow down"}', "header Retry-After"),
        (400, JSON, b'{"message": "x"}', "status"),
        (200, {"content-type": "text/plain"}, b"ok", "content-type"),
        (404, JSON, b'{"errors": {}}', "body $"),
    ],
)
def test_status_header_content_type_and_body_problems_are_located(
    status: int, headers: dict[str, str], body: bytes, location: str
) -> None:
    problems = default_validator().violations("GET", "https://host/employees/42", status, headers, body)
    assert [problem.location for problem in problems] == [location]


def test_a_204_with_a_body_and_a_pdf_download_are_judged_correctly() -> None:
    validator = default_validator()
    assert validator.violations("POST", "/hr-integrations/7/sync", 204, {}, b"x")[0].location == "body"
    assert validator.violations("POST", "/hr-integrations/7/sync", 204, {}, b"") == []
    pdf = {"content-type": "application/pdf", "content-disposition": 'attachment; filename="a.pdf"'}
    assert validator.violations("GET", "/employee-documents/1/download", 200, pdf, b"%PDF-1.4") == []


def test_undocumented_operations_are_their_own_error() -> None:
    with pytest.raises(UndocumentedOperation):
        default_validator().validate("DELETE", "/employees/42", 405, JSON, b'{"message": "no"}')
    assert default_validator().operation_id("GET", "/employee-documents/101/download") == "downloadDocument"
    assert default_validator().operation_id("GET", "/_twin/keys") is None


def test_a_spec_change_the_twin_does_not_follow_fails_validation(
    client: httpx.Client, tmp_path: Path
) -> None:
    spec = yaml.safe_load(default_spec_path().read_text(encoding="utf-8"))
    employee = spec["components"]["schemas"]["Employee"]
    employee["required"].append("department")
    employee["properties"]["department"] = {"type": "string"}
    changed = tmp_path / "changed.openapi.yaml"
    changed.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    body = _employee_body(client)
    default_validator().validate("GET", "/employees/42", 200, JSON, body)
    with pytest.raises(SpecViolation) as raised:
        ResponseValidator(changed).validate("GET", "/employees/42", 200, JSON, body)
    assert "'department' is a required property" in str(raised.value)


def test_the_httpx_hook_rejects_a_drifted_response() -> None:
    def drifted(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"id": 42}}, request=request)

    hook = validating_hook()
    with (
        httpx.Client(transport=httpx.MockTransport(drifted), event_hooks={"response": [hook]}) as client,
        pytest.raises(
            SpecViolation, match=r"(?s)getEmployee .* body \$\.data: 'firstName' is a required property"
        ),
    ):
        client.get("https://host/employees/42")


def test_webhook_deliveries_are_checked_against_the_webhooks_section() -> None:
    event = {"id": "5abc1524-41f1-4454-9245-0ceb7b0d6382", "type": "x", "timestamp": 1}
    body = json.dumps({"event": event, "payload": {}}).encode()
    problems = default_validator().webhook_violations(
        "new-employee-document-generated", {"X-Signing-Signature": "SHA256=ABC"}, body
    )
    locations = sorted(problem.location for problem in problems)
    assert locations == ["body $.payload", "body $.payload", "header X-Signing-Signature"]
    with pytest.raises(SpecViolation, match="webhook new-employee-document-generated"):
        default_validator().validate_webhook("new-employee-document-generated", {}, body)
