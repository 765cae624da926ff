"""Replay every cassette through the generated client (jobticket_api), offline, and check what it parses."""

from __future__ import annotations

import math
import socket
from collections.abc import Callable
from typing import Any

import pytest
from vcr.errors import CannotOverwriteExistingCassetteException  # type: ignore[import-untyped]

from jobticket_api.api.documents import (
    download_document,
    get_document,
    list_all_documents,
    list_employee_documents,
)
from jobticket_api.api.employees import get_employee, list_employees
from jobticket_api.api.health import health_check
from jobticket_api.api.hr_integrations import get_hr_integration, list_hr_integrations, trigger_hr_sync
from jobticket_api.client import Client
from jobticket_api.models import Error, ErrorErrors, HrSyncRequest
from jobticket_api.types import UNSET, File, Response
from jobticket_kit.cassettes.layout import Cassette
from jobticket_kit.cassettes.replay import generated_client, replaying
from jobticket_kit.privacy.fake import FAKE_EMAIL_DOMAIN
from tests.jobticket_kit.cassettes.recorded import body_of, comparable, path_id, query, request_json

pytestmark = pytest.mark.block_network

Call = Callable[[Client, Cassette], Response[Any]]


def _sync(client: Client, recorded: Cassette) -> Response[Any]:
    body = HrSyncRequest.from_dict(request_json(recorded))
    return trigger_hr_sync.sync_detailed(path_id(recorded), client=client, body=body)


def _list_employees(client: Client, recorded: Cassette) -> Response[Any]:
    params = query(recorded)
    return list_employees.sync_detailed(
        client=client,
        page=int(params["page"]),
        per_page=int(params["perPage"]),
        sort_field=UNSET,
        email=params.get("email", UNSET),
    )


# The scenario's own call (its cassette's last interaction), made as a downstream user would make it.
CALLS: dict[str, Call] = {
    "health-check-200": lambda client, _: health_check.sync_detailed(client=client),
    "list-employees-200": _list_employees,
    "list-employees-email-filter-200": _list_employees,
    "list-employees-422": _list_employees,
    "get-employee-200": lambda client, rec: get_employee.sync_detailed(path_id(rec), client=client),
    "get-employee-404": lambda client, rec: get_employee.sync_detailed(path_id(rec), client=client),
    "list-employee-documents-200": lambda client, rec: list_employee_documents.sync_detailed(
        path_id(rec), client=client, page=1, per_page=100
    ),
    "list-all-documents-200": lambda client, _: list_all_documents.sync_detailed(
        client=client, page=1, per_page=10
    ),
    "get-document-200": lambda client, rec: get_document.sync_detailed(path_id(rec), client=client),
    "download-document-200": lambda client, rec: download_document.sync_detailed(path_id(rec), client=client),
    "download-document-409": lambda client, rec: download_document.sync_detailed(path_id(rec), client=client),
    "list-hr-integrations-200": lambda client, _: list_hr_integrations.sync_detailed(
        client=client, page=1, per_page=100, sort_field=UNSET
    ),
    "get-hr-integration-200": lambda client, rec: get_hr_integration.sync_detailed(
        path_id(rec), client=client
    ),
    "get-hr-integration-404": lambda client, rec: get_hr_integration.sync_detailed(
        path_id(rec), client=client
    ),
    "auth-401-missing-credentials": lambda client, rec: get_employee.sync_detailed(
        path_id(rec), client=client
    ),
    "auth-401-invalid-credentials": lambda client, rec: get_employee.sync_detailed(
        path_id(rec), client=client
    ),
    "auth-401-disabled-key": lambda client, rec: get_employee.sync_detailed(path_id(rec), client=client),
    "permission-403-view-employees": lambda client, rec: get_employee.sync_detailed(
        path_id(rec), client=client
    ),
    "permission-403-view-hr-integrations": lambda client, rec: get_hr_integration.sync_detailed(
        path_id(rec), client=client
    ),
    "rate-limit-429": lambda client, rec: get_employee.sync_detailed(path_id(rec), client=client),
    "trigger-hr-sync-204": _sync,
    "trigger-hr-sync-422": _sync,
    # The generated client cannot send a text/plain body; the replay shows it parses the 400 all the same.
    "trigger-hr-sync-400": lambda client, rec: trigger_hr_sync.sync_detailed(
        path_id(rec), client=client, body=HrSyncRequest(sync_id="x", employees=[])
    ),
}


def replay(name: str) -> tuple[Response[Any], Cassette]:
    """Make the scenario's call against its cassette; the network is blocked for every test here."""
    with replaying(name) as (_, recorded):
        response = CALLS[name](generated_client(recorded), recorded)
    return response, recorded


def test_the_network_is_blocked() -> None:
    with pytest.raises(RuntimeError, match="Network is disabled"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)


def test_every_committed_cassette_has_a_replay(committed: dict[str, Cassette]) -> None:
    assert set(committed) == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_the_generated_client_parses_exactly_what_was_recorded(name: str) -> None:
    response, recorded = replay(name)
    interaction = recorded.interactions[-1]
    assert response.status_code == recorded.metadata["status"] == interaction.status
    assert response.content == interaction.body
    if interaction.header("content-type") == "application/json":
        assert response.parsed is not None
        assert comparable(response.parsed.to_dict()) == comparable(body_of(recorded))
    if interaction.status >= 400:
        assert isinstance(response.parsed, Error)
        assert response.parsed.message


def test_get_employee_is_parsed_into_typed_fields() -> None:
    response, recorded = replay("get-employee-200")
    assert response.parsed is not None
    employee = response.parsed.data
    assert employee.id == path_id(recorded)
    assert employee.email.endswith(f"@{FAKE_EMAIL_DOMAIN}")
    assert employee.subscription.status == body_of(recorded)["data"]["subscription"]["status"]
    assert [link.hr_integration_id for link in employee.hr_intergartion_links] == [
        link["hrIntegrationId"] for link in body_of(recorded)["data"]["hrIntergartionLinks"]
    ]
    assert employee.field_links.self_.href.endswith(f"/employees/{employee.id}")


def test_the_scrubbed_email_filter_still_finds_its_employee() -> None:
    response, recorded = replay("list-employees-email-filter-200")
    assert response.parsed is not None
    page = response.parsed.data
    assert page.total == 1
    assert [item.email for item in page.data] == [query(recorded)["email"]]
    assert page.data[0].id == body_of(recorded, 0)["data"]["id"]


def test_a_first_page_reports_its_position() -> None:
    response, _ = replay("list-employees-200")
    assert response.parsed is not None
    page = response.parsed.data
    assert (len(page.data), page.page, page.per_page) == (10, 1, 10)
    assert page.total_pages == math.ceil(page.total / 10)


def test_documents_of_an_employee_all_belong_to_it() -> None:
    response, recorded = replay("list-employee-documents-200")
    assert response.parsed is not None
    documents = response.parsed.data.data
    assert documents
    assert {document.employee_id for document in documents} == {path_id(recorded)}


def test_the_pdf_arrives_byte_for_byte() -> None:
    response, recorded = replay("download-document-200")
    assert isinstance(response.parsed, File)
    pdf = response.parsed.payload.read()
    assert pdf == recorded.interactions[-1].body
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) == int(response.headers["content-length"])
    assert response.headers["content-type"] == "application/pdf"


def test_a_blocked_document_is_flagged_before_its_409() -> None:
    response, recorded = replay("download-document-409")
    assert body_of(recorded, 0)["data"]["downloadable"] is False
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("list-employees-422", {"perPage"}),
        ("trigger-hr-sync-422", {"employees.0.hrId", "employees.0.startDate"}),
    ],
)
def test_validation_errors_name_their_fields(name: str, fields: set[str]) -> None:
    response, _ = replay(name)
    assert isinstance(response.parsed, Error)
    assert isinstance(response.parsed.errors, ErrorErrors)
    assert set(response.parsed.errors.additional_properties) == fields


def test_the_429_says_when_to_retry() -> None:
    response, _ = replay("rate-limit-429")
    assert 1 <= int(response.headers["retry-after"]) <= 300


def test_the_sync_answers_204_without_a_body() -> None:
    response, recorded = replay("trigger-hr-sync-204")
    assert (response.status_code, response.content, response.parsed) == (204, b"", None)
    assert request_json(recorded)["employees"]


def test_an_unrecorded_request_fails_instead_of_going_out() -> None:
    with (
        replaying("get-employee-200") as (_, recorded),
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        get_employee.sync_detailed(path_id(recorded) + 1, client=generated_client(recorded))
