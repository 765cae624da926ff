"""The client stays bounded against hostile answers, served by real loopback sockets where that matters:
slow drips end at the deadline, contradicting pages stop the walk, unframed downloads are refused."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobticket import (
    APIConnectionError,
    APITimeoutError,
    AsyncJobTicket,
    ConfigurationError,
    DuplicateItemError,
    InternalServerError,
    JobTicket,
    ListingChangedError,
    Pacer,
    PageCountError,
    PageNumberError,
    PaginationError,
    RetryPolicy,
)
from jobticket_api.models import EmployeeDocument
from tests.helpers.loopback import Connection, Handler, LoopbackServer, Received, chunked, head

from .fakes import PASSWORD, USERNAME, document_json, employee_json, make_async_client, page_json
from .test_hr_sync import person

PDF = b"%PDF-1.4\n" + b"y" * 20_000 + b"\n%%EOF\n"
DOCUMENT = EmployeeDocument.from_dict(document_json(101))


def client_for(server: LoopbackServer, **options: Any) -> JobTicket:
    options.setdefault("retry_policy", RetryPolicy(jitter=lambda: 0.0))
    return JobTicket(
        server.base_url, username=USERNAME, password=PASSWORD, pacer=Pacer(1000, 60.0), **options
    )


def async_client_for(server: LoopbackServer, **options: Any) -> AsyncJobTicket:
    options.setdefault("retry_policy", RetryPolicy(jitter=lambda: 0.0))
    return AsyncJobTicket(
        server.base_url, username=USERNAME, password=PASSWORD, pacer=Pacer(1000, 60.0), **options
    )


# -- the overall deadline ------------------------------------------------------------------------------


def dripping_json(request: Received, connection: Connection) -> None:
    body = b'{"data": ' + b" " * 4000 + b"}"
    connection.send_head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
    connection.drip(body, every=0.01)  # 40 s for the whole body, each read well in time


def test_a_slow_drip_ends_at_the_deadline_although_every_read_is_in_time() -> None:
    with LoopbackServer(dripping_json) as server:
        with (
            client_for(server, timeout=5.0, deadline=0.5) as client,
            pytest.raises(APITimeoutError, match=r"deadline of 0\.5 s"),
        ):
            client.get_employee(42)
        assert server.bytes_sent < 1000  # far from the 4000+ bytes: the call did not wait for them
        assert len(server.requests) == 1  # a passed deadline is never retried


def test_the_default_deadline_is_three_read_timeouts() -> None:
    with (
        LoopbackServer(dripping_json) as server,
        client_for(server, timeout=0.2) as client,
        pytest.raises(APITimeoutError, match=r"of 0\.6 s"),
    ):
        client.get_employee(42)


def test_an_async_slow_drip_ends_at_the_deadline() -> None:
    async def main(server: LoopbackServer) -> None:
        async with async_client_for(server, timeout=5.0, deadline=0.5) as client:
            with pytest.raises(APITimeoutError, match="deadline"):
                await client.get_employee(42)

    with LoopbackServer(dripping_json) as server:
        asyncio.run(main(server))
        assert server.bytes_sent < 1000


def test_a_dripped_download_ends_at_the_deadline_and_leaves_no_file(tmp_path: Path) -> None:
    def answer(request: Received, connection: Connection) -> None:
        connection.send_head(200, {"Content-Type": "application/pdf", "Content-Length": str(len(PDF))})
        connection.drip(PDF, every=0.005)

    with (
        LoopbackServer(answer) as server,
        client_for(server, timeout=5.0, deadline=0.5) as client,
        pytest.raises(APITimeoutError),
    ):
        client.download_document(DOCUMENT, tmp_path / "invoice.pdf")
    assert list(tmp_path.iterdir()) == []


def test_no_retry_starts_when_its_back_off_would_pass_the_deadline() -> None:
    def answer(request: Received, connection: Connection) -> None:
        connection.json({"message": "Service unavailable."}, status=503)

    policy = RetryPolicy(max_retries=2, initial_backoff=0.2, max_backoff=0.2, jitter=lambda: 0.0)
    with LoopbackServer(answer) as server:
        with (
            client_for(server, deadline=0.1, retry_policy=policy) as client,
            pytest.raises(InternalServerError),
        ):
            client.get_employee(42)
        assert len(server.requests) == 1  # the 503 is reported, not retried into a passed deadline
        with (
            client_for(server, deadline=30.0, retry_policy=policy) as client,
            pytest.raises(InternalServerError),
        ):
            client.get_employee(42)
        assert len(server.requests) == 1 + 3


@pytest.mark.parametrize("deadline", [0.0, -1.0, float("nan")])
def test_a_deadline_must_be_positive(deadline: float) -> None:
    with pytest.raises(ConfigurationError, match="deadline"):
        JobTicket("http://127.0.0.1:9", username=USERNAME, password=PASSWORD, deadline=deadline)


# -- the pager -----------------------------------------------------------------------------------------


def paging_server(page_body: Any) -> Handler:
    def answer(request: Received, connection: Connection) -> None:
        if request.path == "/employees":
            page = int(request.query("page", "1"))
            connection.json(page_body(page, int(request.query("perPage", "100"))))
        else:
            connection.json({"message": "Not found."}, status=404)

    return answer


def repeating(page: int, per_page: int) -> dict[str, Any]:
    """Page 1's items for every page, with an absurd page count."""
    body = page_json([employee_json(i) for i in range(1, per_page + 1)], page, per_page, 10**11)
    body["data"]["totalPages"] = 10**9
    return body


def growing(page: int, per_page: int) -> dict[str, Any]:
    """Fresh items on every page, and always one page more than the one asked for."""
    items = [employee_json((page - 1) * per_page + i) for i in range(1, per_page + 1)]
    return page_json(items, page, per_page, (page + 1) * per_page)


def beyond_total(page: int, per_page: int) -> dict[str, Any]:
    """``total`` 150 but ``totalPages`` a billion, with fresh items on every page."""
    items = [employee_json((page - 1) * per_page + i) for i in range(1, per_page + 1)]
    body = page_json(items, page, per_page, 150)
    body["data"]["totalPages"] = 10**9
    return body


@pytest.mark.parametrize(
    ("pages", "strict", "error", "page", "requests"),
    [
        (repeating, True, PageCountError, 1, 1),  # a total beyond any company: refused at once
        (repeating, False, PageCountError, 1, 1),
        (growing, True, ListingChangedError, 2, 2),
        (growing, False, ListingChangedError, 2, 2),
        (beyond_total, True, PageCountError, 1, 1),  # totalPages contradicts total on page 1
        (beyond_total, False, PageNumberError, 3, 2),  # lenient: walks the 2 pages total allows
    ],
)
def test_contradicting_pages_stop_the_walk_with_a_typed_error(
    pages: Any, strict: bool, error: type[PaginationError], page: int, requests: int
) -> None:
    with LoopbackServer(paging_server(pages)) as server, client_for(server) as client:
        seen: list[int] = []
        pager = client.list_employees() if strict else client.list_employees().lenient()
        with pytest.raises(error, match=f"GET /employees: page {page} breaks a rule") as raised:
            seen.extend(employee.id for employee in pager)
        assert len(server.requests) == requests
    assert raised.value.page == page
    assert error.rule in str(raised.value)
    assert len(seen) == len(set(seen))  # nothing from the contradicting page was handed out


def repeating_page_one(page: int, per_page: int) -> dict[str, Any]:
    """Page 1's items for every page (the page number is ignored), with consistent counts."""
    return page_json([employee_json(i) for i in range(1, per_page + 1)], page, per_page, 5 * per_page)


def test_a_dry_run_sync_stops_on_a_repeating_listing_instead_of_running_forever() -> None:
    with LoopbackServer(paging_server(repeating_page_one)) as server, client_for(server) as client:
        with pytest.raises(DuplicateItemError, match="distinct ids") as raised:
            client.sync_roster(7, [person(1)], dry_run=True)
        assert [r.method for r in server.requests] == ["GET", "GET"]
    assert raised.value.found == 1  # the repeated id is kept on the error, never in its message


def test_the_async_pager_has_the_same_bounds() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        return httpx.Response(200, json=growing(page, int(request.url.params["perPage"])))

    async def main() -> None:
        async with make_async_client(handler) as client:
            with pytest.raises(ListingChangedError, match="the same on every page") as raised:
                await client.list_employees(per_page=10).to_list()
        assert raised.value.page == 2

    asyncio.run(main())


# -- downloads without a length ------------------------------------------------------------------------


def download_server(raw: bytes) -> Handler:
    """Answer the download with ``raw`` bytes after a PDF head without Content-Length, then close."""

    def answer(request: Received, connection: Connection) -> None:
        connection.send(raw)
        connection.close()

    return answer


PDF_HEAD = {"Content-Type": "application/pdf", "Connection": "close"}


@pytest.mark.parametrize("body", [PDF, PDF[:5000]], ids=["whole", "cut-off"])
def test_a_body_that_ends_when_the_server_closes_is_refused(tmp_path: Path, body: bytes) -> None:
    existing = tmp_path / "invoice.pdf"
    existing.write_bytes(b"previous version")
    with (
        LoopbackServer(download_server(head(200, PDF_HEAD) + body)) as server,
        client_for(server) as client,
        pytest.raises(APIConnectionError, match="neither Content-Length nor chunked"),
    ):
        client.download_document(DOCUMENT, existing)
    assert existing.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["invoice.pdf"]


def test_a_chunked_body_with_its_terminator_is_published(tmp_path: Path) -> None:
    raw = head(200, {**PDF_HEAD, "Transfer-Encoding": "chunked"}) + chunked(PDF) + b"0\r\n\r\n"
    target = tmp_path / "invoice.pdf"
    with LoopbackServer(download_server(raw)) as server, client_for(server) as client:
        result = client.download_document(DOCUMENT, target)
    assert target.read_bytes() == PDF
    assert result.bytes_written == len(PDF)


def test_a_chunked_body_cut_before_its_terminator_is_not_published(tmp_path: Path) -> None:
    raw = head(200, {**PDF_HEAD, "Transfer-Encoding": "chunked"}) + chunked(PDF[:12_000])
    with (
        LoopbackServer(download_server(raw)) as server,
        client_for(server) as client,
        pytest.raises(APIConnectionError, match="incomplete chunked read"),
    ):
        client.download_document(DOCUMENT, tmp_path / "invoice.pdf")
    assert list(tmp_path.iterdir()) == []


def test_an_async_download_that_ends_on_close_is_refused(tmp_path: Path) -> None:
    async def main(server: LoopbackServer) -> None:
        async with async_client_for(server) as client:
            with pytest.raises(APIConnectionError, match="neither Content-Length nor chunked"):
                await client.download_document(DOCUMENT, tmp_path / "invoice.pdf")

    with LoopbackServer(download_server(head(200, PDF_HEAD) + PDF)) as server:
        asyncio.run(main(server))
    assert list(tmp_path.iterdir()) == []
