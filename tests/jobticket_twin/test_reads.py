"""The read operations: envelopes, HAL links, discriminators, 404s and the download rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobticket_twin.seed import (
    EMPLOYEE_COUNT,
    EXAMPLE_DOCUMENT_ID,
    EXAMPLE_EMPLOYEE_ID,
    EXAMPLE_INTEGRATION_ID,
    NOT_DOWNLOADABLE_DOCUMENT_ID,
    PENDING_INTEGRATION_ID,
)
from tests.jobticket_twin.helpers import BASE_URL, auth

if TYPE_CHECKING:
    import httpx


def test_list_employees_returns_the_nested_page_envelope(client: httpx.Client) -> None:
    response = client.get("/employees", params={"perPage": 100}, auth=auth())
    assert response.status_code == 200
    page = response.json()["data"]
    assert (page["page"], page["perPage"], page["total"], page["totalPages"]) == (1, 100, EMPLOYEE_COUNT, 3)
    assert [item["id"] for item in page["data"]] == list(range(1, 101))


def test_get_employee_is_the_docs_example_with_links_to_the_twin(client: httpx.Client) -> None:
    body = client.get(f"/employees/{EXAMPLE_EMPLOYEE_ID}", auth=auth()).json()["data"]
    assert (body["firstName"], body["lastName"], body["resource"]) == ("Anna", "Müller", "employee")
    assert body["hrIntergartionLinks"][0]["hrId"] == "emp_HR_001"
    assert body["_links"]["self"] == {"href": f"{BASE_URL}/employees/42", "type": "application/json"}
    assert body["_links"]["employeeDocuments"]["href"] == f"{BASE_URL}/employees/42/documents"


def test_documents_of_an_employee_all_belong_to_them(client: httpx.Client) -> None:
    page = client.get(f"/employees/{EXAMPLE_EMPLOYEE_ID}/documents", auth=auth()).json()["data"]
    assert {item["employeeId"] for item in page["data"]} == {EXAMPLE_EMPLOYEE_ID}
    assert EXAMPLE_DOCUMENT_ID in [item["id"] for item in page["data"]]
    assert page["data"][0]["resource"] == "employee-document"


def test_download_serves_a_pdf_with_an_attachment_name(client: httpx.Client) -> None:
    response = client.get(f"/employee-documents/{EXAMPLE_DOCUMENT_ID}/download", auth=auth())
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="May 2024 Transit Invoice.pdf"'


def test_download_of_a_document_that_is_not_downloadable_is_409(client: httpx.Client) -> None:
    metadata = client.get(f"/employee-documents/{NOT_DOWNLOADABLE_DOCUMENT_ID}", auth=auth()).json()["data"]
    assert metadata["downloadable"] is False
    response = client.get(f"/employee-documents/{NOT_DOWNLOADABLE_DOCUMENT_ID}/download", auth=auth())
    assert response.status_code == 409
    assert "message" in response.json()


def test_integrations_include_one_pending_initial_sync(client: httpx.Client) -> None:
    page = client.get("/hr-integrations", auth=auth("integrations")).json()["data"]
    statuses = {item["id"]: item["status"] for item in page["data"]}
    assert statuses[EXAMPLE_INTEGRATION_ID] == "active"
    assert statuses[PENDING_INTEGRATION_ID] == "initial-sync-pending"
    one = client.get(f"/hr-integrations/{PENDING_INTEGRATION_ID}", auth=auth("integrations")).json()["data"]
    assert (one["resource"], one["lastSyncId"]) == ("hr-integration", None)


def test_unknown_and_non_integer_ids_are_404(client: httpx.Client) -> None:
    for path in ("/employees/999999", "/employees/abc", "/employees/0", "/employee-documents/1.5",
                 "/hr-integrations/99999999999999999999", "/employees/999999/documents"):  # fmt: skip
        response = client.get(path, auth=auth())
        assert response.status_code == 404, path
        assert response.json()["message"]


def test_health_needs_no_credentials(client: httpx.Client) -> None:
    response = client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_unknown_routes_are_404_and_undocumented_methods_405_with_error_bodies(client: httpx.Client) -> None:
    assert client.get("/employees/42/unknown", auth=auth()).status_code == 404
    assert client.get("/v1/employees", auth=auth()).status_code == 404
    response = client.delete("/employees/42", auth=auth())
    assert response.status_code == 405
    assert response.json()["message"]
    assert client.head("/employees", auth=auth()).status_code == 405


def test_the_seed_covers_every_status_and_plan_with_synthetic_addresses(client: httpx.Client) -> None:
    items = []
    for page in (1, 2, 3):
        items += client.get("/employees", params={"page": page, "perPage": 100}, auth=auth()).json()["data"][
            "data"
        ]
    assert {item["subscription"]["status"] for item in items} == {
        "pending", "active", "scheduled-pause", "paused", "cancelled",
    }  # fmt: skip
    assert {item["plan"]["type"] for item in items} == {"fully-subsidized-plan", "split-pay-plan"}
    assert {item["email"].rsplit("@", 1)[1] for item in items} == {"example.com"}
    split = [
        item["plan"]["employeeContributionAmount"]
        for item in items
        if item["plan"]["type"] == "split-pay-plan"
    ]
    assert all(amount["label"] == f"€{amount['value']:.2f}" for amount in split)
