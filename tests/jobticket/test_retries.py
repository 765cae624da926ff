"""Retries happen only where they are safe, back off exponentially, and honour Retry-After up to a cap."""

from __future__ import annotations

import asyncio
import email.utils
import logging
from collections.abc import Callable

import httpx
import pytest

from jobticket import (
    APIConnectionError,
    APITimeoutError,
    FakeClock,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
)
from jobticket._retry import parse_retry_after

from .fakes import (
    FakeEmployeesApi,
    employee_json,
    error_body,
    json_response,
    make_async_client,
    make_client,
)

OK = json_response(200, {"data": employee_json(42)})


def scripted(
    *outcomes: httpx.Response | Exception,
) -> tuple[Callable[[httpx.Request], httpx.Response], list[str]]:
    """A handler that plays ``outcomes`` in order (the last repeats) and records each request's method."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        outcome = outcomes[min(len(seen), len(outcomes) - 1)]
        seen.append(request.method)
        if isinstance(outcome, Exception):
            raise outcome
        # A fresh copy each time: a response object cannot be sent twice, or by sync and async clients.
        return httpx.Response(outcome.status_code, headers=outcome.headers, content=outcome.content)

    return handler, seen


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_on_get_are_retried_with_exponential_backoff(status: int) -> None:
    handler, seen = scripted(json_response(status, error_body()), json_response(status, error_body()), OK)
    clock = FakeClock()
    with make_client(handler, clock) as client:
        employee = client.get_employee(42)
    assert employee.id == 42
    assert len(seen) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_retries_stop_after_max_retries_and_raise_the_typed_error() -> None:
    handler, seen = scripted(json_response(503, error_body("Service unavailable.")))
    with make_client(handler) as client, pytest.raises(InternalServerError) as raised:
        client.get_employee(42)
    assert len(seen) == 3  # one try plus max_retries=2
    assert raised.value.status_code == 503
    assert raised.value.body is not None
    assert raised.value.body.message == "Service unavailable."


def test_500_is_reported_not_retried() -> None:
    handler, seen = scripted(json_response(500, error_body()), OK)
    clock = FakeClock()
    with make_client(handler, clock) as client, pytest.raises(InternalServerError):
        client.get_employee(42)
    assert len(seen) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    handler, seen = scripted(json_response(status, error_body()), OK)
    with make_client(handler) as client, pytest.raises(Exception, match=str(status)):
        client.get_employee(42)
    assert seen == ["GET"]


def test_connection_errors_on_get_are_retried() -> None:
    handler, seen = scripted(httpx.ReadError("reset"), httpx.ConnectError("refused"), OK)
    with make_client(handler) as client:
        assert client.get_employee(42).id == 42
    assert len(seen) == 3


def test_connection_errors_left_after_retries_become_typed_errors() -> None:
    handler, seen = scripted(httpx.ConnectError("refused"))
    with make_client(handler) as client, pytest.raises(APIConnectionError):
        client.get_employee(42)
    assert len(seen) == 3
    handler, seen = scripted(httpx.ReadTimeout("slow"))
    with make_client(handler) as client, pytest.raises(APITimeoutError):
        client.get_employee(42)
    assert len(seen) == 3


def roster() -> list[dict[str, str]]:
    return [{"firstName": "A", "lastName": "B", "email": "a@example.com", "hrId": "emp_HR_001"}]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_the_sync_post_is_never_retried_on_server_errors(status: int) -> None:
    api = FakeEmployeesApi([employee_json(42, email="a@example.com", links=[(7, "emp_HR_001")])])
    api.sync_status = status
    with make_client(api) as client, pytest.raises(InternalServerError):
        client.sync_roster(7, roster())
    assert api.count("POST", "/sync") == 1


def test_the_sync_post_is_not_retried_after_a_read_error_but_is_after_a_connect_error() -> None:
    api = FakeEmployeesApi([employee_json(42, email="a@example.com", links=[(7, "emp_HR_001")])])
    posts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(1)
            raise httpx.ReadError("connection reset after sending") if len(posts) == 1 else AssertionError
        return api(request)

    with make_client(handler) as client, pytest.raises(APIConnectionError):
        client.sync_roster(7, roster())
    assert len(posts) == 1

    posts.clear()

    def refused_once(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(1)
            if len(posts) == 1:
                raise httpx.ConnectError("refused: nothing was sent")
            return httpx.Response(204)
        return api(request)

    with make_client(refused_once) as client:  # the fake applies no sync: nothing to read back
        assert client.sync_roster(7, roster(), read_back=False).sent
    assert len(posts) == 2


def test_retry_after_within_the_cap_is_waited_once_then_retried() -> None:
    handler, seen = scripted(json_response(429, error_body("Too many."), {"Retry-After": "5"}), OK)
    clock = FakeClock()
    with make_client(handler, clock) as client:
        assert client.get_employee(42).id == 42
    assert len(seen) == 2
    assert clock.sleeps == [5.0]


def test_a_second_429_is_raised_instead_of_retried_again() -> None:
    handler, seen = scripted(json_response(429, error_body(), {"Retry-After": "5"}))
    clock = FakeClock()
    with make_client(handler, clock) as client, pytest.raises(RateLimitError) as raised:
        client.get_employee(42)
    assert len(seen) == 2
    assert raised.value.retry_after == 5.0


def test_a_five_minute_block_raises_at_once_without_sleeping() -> None:
    handler, seen = scripted(
        json_response(429, error_body("Blocked."), {"Retry-After": "300", "X-Request-Id": "r-1"})
    )
    clock = FakeClock()
    with make_client(handler, clock) as client:
        with pytest.raises(RateLimitError) as raised:
            client.get_employee(42)
        assert raised.value.retry_after == 300.0
        assert raised.value.request_id == "r-1"
        assert raised.value.response is not None
        assert raised.value.response.status_code == 429
        # Later calls of the same credential are refused locally: no request during the block.
        with pytest.raises(RateLimitError) as again:
            client.get_employee(42)
        assert again.value.retry_after == pytest.approx(300.0)
        assert again.value.response is None
    assert len(seen) == 1
    assert clock.sleeps == []


def test_the_block_ends_when_retry_after_has_passed() -> None:
    handler, seen = scripted(json_response(429, error_body(), {"Retry-After": "300"}), OK)
    clock = FakeClock()
    with make_client(handler, clock) as client:
        with pytest.raises(RateLimitError):
            client.get_employee(42)
        clock.advance(300)
        assert client.get_employee(42).id == 42
    assert len(seen) == 2


def test_the_retry_after_cap_is_configurable() -> None:
    handler, _seen = scripted(json_response(429, error_body(), {"Retry-After": "300"}), OK)
    clock = FakeClock()
    with make_client(
        handler, clock, retry_policy=RetryPolicy(retry_after_cap=600, jitter=lambda: 0.0)
    ) as client:
        assert client.get_employee(42).id == 42
    assert clock.sleeps == [300.0]


def test_an_absurd_retry_after_is_clamped_to_the_documented_block_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler, seen = scripted(json_response(429, error_body(), {"Retry-After": "99999999"}), OK)
    clock = FakeClock()
    with make_client(handler, clock) as client:
        with caplog.at_level(logging.WARNING, logger="jobticket"), pytest.raises(RateLimitError) as raised:
            client.get_employee(42)
        assert raised.value.retry_after == 300.0
        assert client.pacer.blocked_for() == 300.0  # not three years
        assert "Retry-After 99999999 s, above the documented 300 s block" in caplog.text
        clock.advance(300)
        assert client.get_employee(42).id == 42
    assert len(seen) == 2


def test_the_documented_block_is_configurable() -> None:
    handler, _seen = scripted(json_response(429, error_body(), {"Retry-After": "3600"}), OK)
    clock = FakeClock()
    policy = RetryPolicy(max_block_seconds=30, jitter=lambda: 0.0)
    with make_client(handler, clock, retry_policy=policy) as client:
        assert client.get_employee(42).id == 42  # 30 s is within the 60 s cap: waited out once
    assert clock.sleeps == [30.0]
    with pytest.raises(ValueError, match="max_block_seconds"):
        RetryPolicy(max_block_seconds=0)


def test_429_without_retry_after_is_raised_with_unknown_wait() -> None:
    handler, seen = scripted(json_response(429, error_body()))
    with make_client(handler) as client, pytest.raises(RateLimitError) as raised:
        client.get_employee(42)
    assert raised.value.retry_after is None
    assert len(seen) == 1


def test_retry_after_as_http_date() -> None:
    clock = FakeClock()
    when = email.utils.formatdate(clock() + 20, usegmt=True)
    handler, _seen = scripted(json_response(429, error_body(), {"Retry-After": when}), OK)
    with make_client(handler, clock) as client:
        client.get_employee(42)
    assert clock.sleeps == [pytest.approx(20.0, abs=1.0)]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("Wed, 13 May 2026 08:49:02 GMT", 60.0),
        ("Wed, 13 May 2026 08:40:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=1_778_662_082.0) == expected


def test_backoff_grows_exponentially_is_capped_and_jittered_downwards() -> None:
    policy = RetryPolicy(initial_backoff=0.5, max_backoff=8.0, jitter=lambda: 0.0)
    assert [policy.backoff(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    jittered = RetryPolicy(initial_backoff=0.5, max_backoff=8.0, jitter=lambda: 0.999)
    assert 0.75 * 4.0 <= jittered.backoff(4) < 4.0


def test_invalid_policies_are_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="backoff"):
        RetryPolicy(initial_backoff=10, max_backoff=1)


def test_the_async_transport_follows_the_same_rules() -> None:
    gateway, gateway_seen = scripted(json_response(503, error_body()), OK)
    blocked, blocked_seen = scripted(json_response(429, error_body(), {"Retry-After": "300"}))
    posted, posted_seen = scripted(json_response(503, error_body()))
    clock = FakeClock()

    async def main() -> None:
        async with make_async_client(gateway, clock) as client:
            assert (await client.get_employee(42)).id == 42
        async with make_async_client(blocked, clock) as client:
            with pytest.raises(RateLimitError) as raised:
                await client.get_employee(42)
            assert raised.value.retry_after == 300
        async with make_async_client(posted, clock) as client:
            with pytest.raises(InternalServerError):
                await client.request("POST", "/hr-integrations/7/sync", json={"syncId": "s", "employees": []})

    asyncio.run(main())
    assert len(gateway_seen) == 2
    assert len(blocked_seen) == 1
    assert posted_seen == ["POST"]
    assert clock.sleeps == [0.5]
