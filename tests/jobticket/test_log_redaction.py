"""With the root logger at DEBUG, no record at INFO or above, httpx's own included, carries a personal
value or a credential from our requests; httpx's records still say which request was made. A long
pacing wait is logged once, with its length and reason."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import Iterator

import httpx
import pytest

from jobticket import (
    APIConnectionError,
    AsyncJobTicket,
    FakeClock,
    JobTicket,
    Pacer,
    UnprocessableEntityError,
)
from tests.helpers.loopback import Connection, LoopbackServer, Received
from tests.helpers.twins import Twin

from .fakes import employee_json, json_response, make_client

EMAIL = "anna.mueller@example.com"
PERSONAL_QUERY = {"firstName": "Annabelle", "lastName": "Zwicky-Oberholzer", "dateOfBirth": "1987-11-23"}


pytestmark = pytest.mark.twin(shared=True, rate_limit=0, fake_clock=False)


def secrets_of(twin: Twin) -> list[str]:
    username, password = twin.credentials("admin")
    basic = base64.b64encode(f"{username}:{password}".encode()).decode()
    return [password, basic, EMAIL, "anna.mueller%40example.com", *PERSONAL_QUERY.values()]


def test_no_record_at_info_or_above_leaks_a_personal_value_or_a_credential(
    twin: Twin, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger, as a downstream app might configure it
    username, password = twin.credentials("admin")
    with JobTicket(twin.base_url, username=username, password=password, pacer=Pacer(1000, 60.0)) as client:
        client.list_employees(email=EMAIL).to_list()
        client.request("GET", "/employees", params={**PERSONAL_QUERY, "perPage": 5})
        with pytest.raises(UnprocessableEntityError):
            client.request("GET", "/employees", params={"perPage": 0, "email": EMAIL})
    loud = [record for record in caplog.records if record.levelno >= logging.INFO]
    httpx_lines = [record.getMessage() for record in loud if record.name == "httpx"]
    assert len(httpx_lines) == 3  # httpx still logs every request...
    assert f"GET {twin.base_url}/employees?page=1&perPage=100&email=[redacted] " in httpx_lines[0]
    assert "firstName=[redacted]&lastName=[redacted]&dateOfBirth=[redacted]&perPage=5" in httpx_lines[1]
    for record in loud:  # ...but no record says anything personal or secret
        text = record.getMessage()
        for secret in secrets_of(twin):
            assert secret not in text, (record.name, text)


def test_our_debug_records_are_redacted_too(twin: Twin, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    username, password = twin.credentials("admin")
    with JobTicket(twin.base_url, username=username, password=password, pacer=Pacer(1000, 60.0)) as client:
        client.list_employees(email=EMAIL).to_list()
    ours = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("jobticket", "httpx")]
    assert any("email=[redacted]" in line for line in ours)
    for line in ours:
        for secret in secrets_of(twin):
            assert secret not in line


def test_records_of_other_hosts_are_left_as_they_are(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    JobTicket("https://api.test.invalid", username="u", password="p").close()  # installs the filter
    with httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(204))) as other:
        other.get("https://elsewhere.test.invalid/search", params={"q": "kept"})
    assert "https://elsewhere.test.invalid/search?q=kept" in caplog.text


def test_a_pacing_wait_over_five_seconds_logs_one_warning_with_the_wait_and_the_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = FakeClock()
    with make_client(
        lambda request: json_response(200, {"data": employee_json(1)}), clock, rate_limit=2
    ) as client:
        for _ in range(3):
            client.get_employee(1)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "pacing: the next request waits 60.0 s: 2 requests per 60 s were already sent with this key"
    ]
    assert clock.sleeps == [60.0]


def test_a_wait_for_a_block_names_the_block_and_short_waits_stay_quiet(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = FakeClock()
    pacer = Pacer(3, 4.0, clock=clock)
    for _ in range(7):
        pacer.acquire()  # waits of up to 4 s: pacing as usual, nothing to warn about
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    pacer.block(30.0)
    pacer.acquire()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "pacing: the next request waits 30.0 s: the key is blocked after a 429 for another 30 s"
    ]


# -- httpcore's DEBUG records and httpx's status phrase: what a server sends stays out of every record ---

NAME = "Anna-Lena Müller"
LEAKS = ("Anna", "Müller", "Mueller", "M%C3%BCller", "sick-note", "anna@example.com")
LEAKY_HEADERS = [
    ("Content-Type", "application/pdf"),
    ("Content-Disposition", 'attachment; filename="sick-note Anna-Lena Mueller.pdf"'),
    ("Location", "/employees?email=anna@example.com"),
    ("Set-Cookie", "who=Anna"),
    ("X-Debug", NAME),
]


def _leaky_download(request: Received, connection: Connection) -> None:
    body = b"%PDF-1.7 not really"
    headers = [*LEAKY_HEADERS, ("Content-Length", str(len(body)))]
    connection.send_head(200, headers, reason="OK for Anna-Lena Mueller")
    connection.send(body)


def _records_say_nothing_personal(caplog: pytest.LogCaptureFixture) -> list[str]:
    lines = [record.getMessage() for record in caplog.records]
    for line in lines:
        for leak in LEAKS:
            assert leak not in line, line
    return lines


def test_httpcore_and_httpx_records_of_our_requests_quote_no_header_or_reason_the_server_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every level, every logger
    with LoopbackServer(_leaky_download) as server, _client(server) as client:
        response = client.request("GET", "/employee-documents/101/download")
    assert response.headers["x-debug"] == NAME  # the caller still gets the answer whole
    lines = _records_say_nothing_personal(caplog)
    headers_line = next(line for line in lines if line.startswith("receive_response_headers.complete"))
    assert "(b'Content-Type', b'application/pdf')" in headers_line
    assert "(b'Content-Disposition', b'[redacted]')" in headers_line
    assert "b'OK'" in headers_line  # the standard phrase, not the server's
    assert any(line.endswith('"HTTP/1.1 200 OK"') for line in lines if line.startswith("HTTP Request"))


def test_the_async_client_redacts_httpcore_records_too(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def download(url: str) -> None:
        async with AsyncJobTicket(url, username="u", password="p", pacer=Pacer(1000, 60.0)) as client:
            await client.request("GET", "/employee-documents/101/download")

    with LoopbackServer(_leaky_download) as server:
        asyncio.run(download(server.base_url))
    lines = _records_say_nothing_personal(caplog)
    assert any(line.startswith("receive_response_headers.complete") for line in lines)


def test_a_protocol_error_names_its_type_not_the_bytes_received(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    def broken(request: Received, connection: Connection) -> None:
        connection.send(f"HTTP/1.1 200 OK\r\nX-Name {NAME}\r\n\r\n".encode())  # no colon: illegal
        connection.close()

    with (
        LoopbackServer(broken) as server,
        _client(server) as client,
        pytest.raises(APIConnectionError) as raised,
    ):
        client.get_employee(42)
    assert str(raised.value) == "connection failed: RemoteProtocolError"
    lines = _records_say_nothing_personal(caplog)
    assert "receive_response_headers.failed exception=RemoteProtocolError" in lines


def test_other_clients_httpcore_records_are_left_as_they_are(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    JobTicket("https://api.test.invalid", username="u", password="p").close()  # installs the filters
    with LoopbackServer(_leaky_download) as server, httpx.Client(trust_env=False) as other:
        other.get(server.url("/elsewhere"))
    assert "sick-note Anna-Lena Mueller.pdf" in caplog.text


@contextlib.contextmanager
def _client(server: LoopbackServer) -> Iterator[JobTicket]:
    with JobTicket(
        server.base_url, username="u", password="p", pacer=Pacer(1000, 60.0), max_retries=0
    ) as client:
        yield client
