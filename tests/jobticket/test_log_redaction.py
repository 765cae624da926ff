"""With the root logger at DEBUG, no record at INFO or above, httpx's own included, carries a personal
value or a credential from our requests; httpx's records still say which request was made. A long
pacing wait is logged once, with its length and reason."""

from __future__ import annotations

import base64
import logging

import httpx
import pytest

from jobticket import FakeClock, JobTicket, Pacer, UnprocessableEntityError
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
