"""Replay the cassettes through the client layer (jobticket), offline: typed values and typed errors."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from jobticket import (
    AsyncJobTicket,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    JobTicket,
    NotDownloadableError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RosterError,
    UnprocessableEntityError,
)
from jobticket_kit.cassettes.layout import Cassette
from jobticket_kit.cassettes.replay import REPLAY_CREDENTIALS, layer_client, origin_of, replaying
from tests.jobticket_kit.cassettes.recorded import body_of, comparable, path_id, query, request_json

pytestmark = pytest.mark.block_network


def test_every_committed_cassette_is_replayed_through_the_layer(committed: dict[str, Cassette]) -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert {name for name in committed if f'"{name}"' in source} == set(committed)


def test_health() -> None:
    with replaying("health-check-200") as (cassette, recorded):
        health = layer_client(recorded).health()
    assert health.to_dict() == body_of(recorded)
    assert cassette.all_played


def test_get_employee_returns_the_recorded_employee() -> None:
    with replaying("get-employee-200") as (_, recorded):
        employee = layer_client(recorded).get_employee(path_id(recorded))
    assert comparable(employee.to_dict()) == comparable(body_of(recorded)["data"])


def test_the_async_client_replays_too() -> None:
    async def fetch() -> dict[str, object]:
        async with AsyncJobTicket(
            origin_of(recorded), username=REPLAY_CREDENTIALS[0], password=REPLAY_CREDENTIALS[1], max_retries=0
        ) as client:
            return (await client.get_employee(path_id(recorded))).to_dict()

    with replaying("get-employee-200") as (cassette, recorded):
        employee = asyncio.run(fetch())
    assert employee["id"] == path_id(recorded)
    assert cassette.all_played


def test_the_first_page_of_employees() -> None:
    with replaying("list-employees-200") as (_, recorded):
        page = next(layer_client(recorded).list_employees(per_page=10).pages())
    recorded_page = body_of(recorded)["data"]
    assert [employee.id for employee in page.items] == [item["id"] for item in recorded_page["data"]]
    assert (page.page, page.per_page, page.total) == (1, 10, recorded_page["total"])


def test_the_email_filter_finds_the_employee_with_that_email() -> None:
    with replaying("list-employees-email-filter-200") as (cassette, recorded):
        client = layer_client(recorded)
        employee = client.get_employee(path_id(recorded, 0))
        found = client.list_employees(email=employee.email).to_list()
    assert [item.id for item in found] == [employee.id]
    assert query(recorded)["email"] == employee.email
    assert cassette.all_played


def test_per_page_above_the_maximum_is_a_field_error() -> None:
    with replaying("list-employees-422") as (_, recorded), pytest.raises(UnprocessableEntityError) as error:
        layer_client(recorded).list_employees(per_page=101).to_list()
    assert list(error.value.field_errors) == ["perPage"]


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("get-employee-404", JobTicket.get_employee),
        ("get-hr-integration-404", JobTicket.get_hr_integration),
    ],
)
def test_unknown_ids_raise_not_found(name: str, call: Callable[[JobTicket, int], object]) -> None:
    with replaying(name) as (_, recorded), pytest.raises(NotFoundError) as error:
        call(layer_client(recorded), path_id(recorded))
    assert error.value.status_code == 404
    assert error.value.body is not None
    assert error.value.body.message == body_of(recorded)["message"]


def test_documents_of_one_employee() -> None:
    with replaying("list-employee-documents-200") as (_, recorded):
        documents = layer_client(recorded).list_employee_documents(path_id(recorded)).to_list()
    assert [document.id for document in documents] == [
        item["id"] for item in body_of(recorded)["data"]["data"]
    ]
    assert {document.employee_id for document in documents} == {path_id(recorded)}


def test_first_page_of_all_documents() -> None:
    with replaying("list-all-documents-200") as (_, recorded):
        page = next(layer_client(recorded).list_documents(per_page=10).pages())
    assert [document.id for document in page.items] == [
        item["id"] for item in body_of(recorded)["data"]["data"]
    ]


def test_document_metadata() -> None:
    with replaying("get-document-200") as (_, recorded):
        document = layer_client(recorded).get_document(path_id(recorded))
    assert document.downloadable is True
    assert document.document_name == body_of(recorded)["data"]["documentName"]


def test_download_writes_the_recorded_pdf_byte_for_byte(tmp_path: Path) -> None:
    target = tmp_path / "document.pdf"
    with replaying("download-document-200") as (cassette, recorded):
        result = layer_client(recorded).download_document(path_id(recorded), target)
    pdf = recorded.interactions[-1].body
    assert target.read_bytes() == pdf
    assert pdf.startswith(b"%PDF-")
    assert (result.bytes_written, result.content_type) == (len(pdf), "application/pdf")
    assert cassette.all_played  # metadata first (downloadable is checked), then the file


def test_a_blocked_document_is_refused_before_any_download() -> None:
    with replaying("download-document-409") as (cassette, recorded):
        client = layer_client(recorded)
        with pytest.raises(NotDownloadableError):
            client.download_document(path_id(recorded), io.BytesIO())
        assert cassette.play_count == 1  # only the metadata: the client never asked for the file
        with pytest.raises(ConflictError) as error:
            client.request("GET", f"/employee-documents/{path_id(recorded)}/download")
    assert error.value.status_code == 409


def test_hr_integrations() -> None:
    with replaying("list-hr-integrations-200") as (_, recorded):
        integrations = layer_client(recorded).list_hr_integrations().to_list()
    assert [item.id for item in integrations] == [item["id"] for item in body_of(recorded)["data"]["data"]]
    with replaying("get-hr-integration-200") as (_, recorded):
        integration = layer_client(recorded).get_hr_integration(path_id(recorded))
    assert (integration.id, integration.status) == (path_id(recorded), body_of(recorded)["data"]["status"])


@pytest.mark.parametrize(
    ("name", "error_type"),
    [
        ("auth-401-missing-credentials", AuthenticationError),
        ("auth-401-invalid-credentials", AuthenticationError),
        ("auth-401-disabled-key", AuthenticationError),
        ("permission-403-view-employees", PermissionDeniedError),
    ],
)
def test_credential_problems_raise_typed_errors(name: str, error_type: type[Exception]) -> None:
    with replaying(name) as (_, recorded), pytest.raises(error_type):
        layer_client(recorded).get_employee(path_id(recorded))


def test_a_missing_integration_permission_raises_permission_denied() -> None:
    with (
        replaying("permission-403-view-hr-integrations") as (_, recorded),
        pytest.raises(PermissionDeniedError),
    ):
        layer_client(recorded).get_hr_integration(path_id(recorded))


def test_a_rate_limit_block_surfaces_at_once_with_retry_after() -> None:
    with replaying("rate-limit-429") as (_, recorded), pytest.raises(RateLimitError) as error:
        layer_client(recorded).get_employee(path_id(recorded))  # never sleeps: it would raise
    assert error.value.retry_after == float(recorded.interactions[-1].header("retry-after") or "nan")


def test_the_guarded_sync_reads_every_page_then_sends_the_roster() -> None:
    with replaying("trigger-hr-sync-204") as (cassette, recorded):
        sent = request_json(recorded)
        result = layer_client(recorded).sync_roster(  # the cassette holds no read-back (see test_hr_sync)
            path_id(recorded), sent["employees"], sync_id=sent["syncId"], read_back=False
        )
    assert result.sent
    assert result.sync_id == sent["syncId"]
    assert cassette.all_played  # every page of employees, then the POST


def test_an_invalid_roster_is_refused_locally_and_its_422_is_typed() -> None:
    with replaying("trigger-hr-sync-422") as (cassette, recorded):
        client = layer_client(recorded)
        sent = request_json(recorded)
        with pytest.raises(RosterError):
            client.sync_roster(path_id(recorded), sent["employees"], sync_id=sent["syncId"])
        assert cassette.play_count == 0  # the guard refused before any request
        with pytest.raises(UnprocessableEntityError) as error:
            client.request("POST", f"/hr-integrations/{path_id(recorded)}/sync", json=sent)
    assert set(error.value.field_errors) == {"employees.0.hrId", "employees.0.startDate"}


def test_an_unparseable_sync_body_is_a_bad_request() -> None:
    with replaying("trigger-hr-sync-400") as (_, recorded), pytest.raises(BadRequestError):
        layer_client(recorded).request(
            "POST",
            f"/hr-integrations/{path_id(recorded)}/sync",
            content=b"not json",
            headers={"Content-Type": "text/plain"},
        )
