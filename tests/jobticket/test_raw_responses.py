"""Raw variants of every typed call and the first page's total, against a twin process over a socket."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobticket import AsyncJobTicket, FakeClock, JobTicket, NotFoundError, RawResponse, RetryPolicy
from jobticket_twin.seed import EMPLOYEE_COUNT, SEED_KEYS
from tests.helpers.twins import Twin

ADMIN = SEED_KEYS["admin"]
pytestmark = pytest.mark.twin(process=True, shared=True, rate_limit=0)  # reset to its seed before each test
PENDING_INTEGRATION = 8  # nobody linked: a sync there only adds


class Counting(httpx.HTTPTransport):
    """The real socket transport, counting the requests that reach the wire."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path}?{request.url.query.decode()}")
        return super().handle_request(request)


@pytest.fixture
def wire() -> Counting:
    return Counting()


@pytest.fixture
def client(twin: Twin, wire: Counting) -> Iterator[JobTicket]:
    with JobTicket(
        twin.base_url, username=ADMIN.key_id, password=ADMIN.secret, clock=FakeClock(), transport=wire,
        retry_policy=RetryPolicy(jitter=lambda: 0.0), pacer_store="memory",
    ) as opened:  # fmt: skip
        yield opened


def check(raw: RawResponse[Any], status: int = 200, content_type: str = "application/json") -> Any:
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.status_code == status
    if status != 204:  # a 204 has no body, so no content type
        assert raw.headers["content-type"] == content_type
    assert raw.http_response.request.method in ("GET", "POST")
    return raw.parse()


def test_every_typed_call_has_a_raw_variant_returning_the_response_and_the_value(
    client: JobTicket, wire: Counting, tmp_path: Path
) -> None:
    raw = client.with_raw_response
    assert check(raw.health()).status == "ok"
    assert check(raw.get_employee(42)).first_name == "Anna"
    assert check(raw.get_document(101)).id == 101
    assert check(raw.get_hr_integration(7)).id == 7
    employees = check(raw.list_employees(status="active", per_page=10))
    assert employees.total == len([e for e in client.list_employees(status="active")])
    assert len(employees.items) == 10
    assert check(raw.list_employee_documents(42)).total == 2
    assert check(raw.list_documents(per_page=5)).page == 1
    assert check(raw.list_hr_integrations()).total == 3
    download = raw.download_document(101, tmp_path / "invoice.pdf")
    result = check(download, content_type="application/pdf")
    assert result.bytes_written == (tmp_path / "invoice.pdf").stat().st_size
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.http_response.request.url.path == "/employee-documents/101/download"

    roster = [{"hrId": "kit-raw-1", "firstName": "Raw", "lastName": "Kit", "email": "raw.kit@example.com"}]
    dry = raw.sync_roster(PENDING_INTEGRATION, roster, dry_run=True)
    assert not check(dry).sent
    assert dry.http_response.request.url.path == "/employees"  # a dry run sends nothing: its listing's page
    sent = raw.sync_roster(PENDING_INTEGRATION, roster)
    assert check(sent, status=204).sent
    assert sent.http_response.request.url.path == f"/hr-integrations/{PENDING_INTEGRATION}/sync"


def test_a_raw_variant_raises_the_typed_error_like_its_call(client: JobTicket) -> None:
    with pytest.raises(NotFoundError) as raised:
        client.with_raw_response.get_employee(999_999)
    assert raised.value.status_code == 404


def test_the_first_pages_total_needs_one_request_and_the_walk_goes_on_from_it(
    client: JobTicket, wire: Counting
) -> None:
    employees = client.list_employees()
    first = employees.first_page()
    assert (first.total, first.total_pages, len(first.items)) == (EMPLOYEE_COUNT, 3, 100)
    assert employees.first_page() is first
    assert wire.sent == ["GET /employees?page=1&perPage=100"]
    assert len(employees.to_list()) == EMPLOYEE_COUNT
    assert wire.sent[1:] == ["GET /employees?page=2&perPage=100", "GET /employees?page=3&perPage=100"]
    assert len(employees.to_list()) == EMPLOYEE_COUNT  # a later walk starts again from page 1
    assert len(wire.sent) == 6


def test_async_raw_variants_and_the_first_page(twin: Twin, tmp_path: Path) -> None:
    async def main() -> None:
        async with AsyncJobTicket(
            twin.base_url,
            username=ADMIN.key_id,
            password=ADMIN.secret,
            clock=FakeClock(),
            pacer_store="memory",
        ) as client:
            raw = client.with_raw_response
            assert (await raw.get_employee(42)).parse().id == 42
            assert (await raw.health()).status_code == 200
            page = await raw.list_employees(per_page=50)
            assert (page.status_code, page.parse().total) == (200, EMPLOYEE_COUNT)
            download = await raw.download_document(101, tmp_path / "a.pdf")
            assert download.headers["content-type"] == "application/pdf"
            pager = client.list_employees(per_page=100)
            assert (await pager.first_page()).total == EMPLOYEE_COUNT
            assert len(await pager.to_list()) == EMPLOYEE_COUNT

    asyncio.run(main())
