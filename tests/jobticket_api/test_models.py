"""The generated client parses every documented response shape and writes it back unchanged in meaning."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import httpx
import respx

from jobticket_api import AuthenticatedClient, Client
from jobticket_api.api.documents import download_document
from jobticket_api.api.employees import get_employee
from jobticket_api.models import (
    EmployeeContributionAmount,
    EmployeeDocumentListResponse,
    EmployeeDocumentResponse,
    EmployeeListResponse,
    EmployeeResponse,
    HrSyncRequest,
)
from jobticket_api.types import File

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def meaning(value: Any) -> Any:
    """Normalise what JSON may spell two ways: ``Z`` and ``+00:00`` name the same instant."""
    if isinstance(value, dict):
        return {key: meaning(item) for key, item in value.items()}
    if isinstance(value, list):
        return [meaning(item) for item in value]
    if isinstance(value, str) and "T" in value and value[:4].isdigit():
        return datetime.datetime.fromisoformat(value)
    return value


def test_meaning_tells_instants_apart() -> None:
    assert meaning({"at": "2024-05-01T09:00:00Z"}) == meaning({"at": "2024-05-01T09:00:00+00:00"})
    assert meaning({"at": "2024-05-01T09:00:00Z"}) != meaning({"at": "2024-05-01T09:00:01+00:00"})


def test_fully_subsidised_employee_has_no_contribution(examples: dict[str, Any]) -> None:
    body = examples["employeeResponse"]
    employee = EmployeeResponse.from_dict(body).data
    assert employee.id == 42
    assert employee.last_name == "Müller"
    assert employee.plan.type_ == "fully-subsidized-plan"
    assert employee.plan.employee_contribution_amount is None
    assert employee.hr_intergartion_links[0].hr_integration_id == 7
    assert employee.field_links.employee_documents.href.endswith("/employees/42/documents")
    assert meaning(EmployeeResponse.from_dict(body).to_dict()) == meaning(body)


def test_split_pay_employee_has_a_contribution_object(examples: dict[str, Any]) -> None:
    body = examples["employeeSplitPayResponse"]
    employee = EmployeeResponse.from_dict(body).data
    contribution = employee.plan.employee_contribution_amount
    assert isinstance(contribution, EmployeeContributionAmount)
    assert (contribution.label, contribution.value) == ("€29.00", 29.0)
    assert employee.ticket is None
    assert meaning(EmployeeResponse.from_dict(body).to_dict()) == meaning(body)


def test_nested_list_envelope(examples: dict[str, Any]) -> None:
    body = examples["employeeListResponse"]
    page = EmployeeListResponse.from_dict(body).data
    assert (page.page, page.per_page, page.total_pages, page.total) == (1, 10, 5, 47)
    assert [employee.id for employee in page.data] == [42]
    assert meaning(EmployeeListResponse.from_dict(body).to_dict()) == meaning(body)


def test_document_metadata_and_its_list(examples: dict[str, Any]) -> None:
    document = EmployeeDocumentResponse.from_dict(examples["employeeDocumentResponse"]).data
    assert (document.id, document.employee_id, document.downloadable) == (101, 42, True)
    assert document.document_file_type == "pdf"
    for name, model in (
        ("employeeDocumentResponse", EmployeeDocumentResponse),
        ("employeeDocumentListResponse", EmployeeDocumentListResponse),
    ):
        assert meaning(model.from_dict(examples[name]).to_dict()) == meaning(examples[name])


def test_hr_sync_request_body(examples: dict[str, Any]) -> None:
    body = examples["hrSyncRequest"]
    request = HrSyncRequest.from_dict(body)
    assert request.sync_id == "sync-2024-05-14-001"
    assert request.employees[0].hr_id == "emp_HR_001"
    assert request.employees[0].auto_sync_employee is None
    assert request.to_dict() == body


def test_unknown_fields_and_vocabulary_do_not_break_parsing(examples: dict[str, Any]) -> None:
    body = examples["employeeResponse"]
    newer = {"data": {**body["data"], "costCentre": "X-1"}}
    newer["data"]["subscription"] = {**body["data"]["subscription"], "status": "suspended"}
    employee = EmployeeResponse.from_dict(newer).data
    assert employee.subscription.status == "suspended"
    assert "costCentre" not in employee.to_dict()


def serve(status: int, content: bytes, content_type: str) -> httpx.MockTransport:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, content=content, headers={"Content-Type": content_type})

    transport = httpx.MockTransport(handler)
    transport.seen = seen  # type: ignore[attr-defined]
    return transport


def test_pdf_download_returns_the_file_bytes() -> None:
    transport = serve(200, PDF, "application/pdf")
    client = Client(base_url="https://twin.invalid", httpx_args={"transport": transport})
    response = download_document.sync_detailed(101, client=client)
    assert isinstance(response.parsed, File)
    assert response.parsed.payload.read() == PDF


@respx.mock
def test_three_line_basic_auth_usage(examples: dict[str, Any]) -> None:
    route = respx.get("https://v1-api-staging.ticket-plus.app/employees/42").respond(
        json=examples["employeeResponse"]
    )
    key_id, key_secret = "f1b24afa-39c6-4cc2-b545-cfab6b687f6e", "secret"
    # The README's three lines (the imports are at the top of this module):
    employee = get_employee.sync(
        42, client=Client("https://v1-api-staging.ticket-plus.app", httpx_args={"auth": (key_id, key_secret)})
    )
    assert isinstance(employee, EmployeeResponse)
    assert employee.data.first_name == "Anna"
    expected = base64.b64encode(f"{key_id}:{key_secret}".encode()).decode()
    assert route.calls.last.request.headers["Authorization"] == f"Basic {expected}"


def test_basic_auth_through_the_token_client() -> None:
    transport = serve(204, b"", "application/json")
    token = base64.b64encode(b"key:secret").decode()
    client = AuthenticatedClient(
        base_url="https://twin.invalid", token=token, prefix="Basic", httpx_args={"transport": transport}
    )
    client.get_httpx_client().get("/health")
    assert transport.seen[0].headers["Authorization"] == f"Basic {token}"  # type: ignore[attr-defined]
