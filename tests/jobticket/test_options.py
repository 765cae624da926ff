"""One way to set each option: conflicting arguments raise, ``with_options`` derives a client per call.

``with_options`` is checked against a twin process (its own interpreter, reached over a real socket): the
derived client shares the connection pool (one open connection serves both) and the pacer, and its
options are the ones used (retries counted at the socket, timeouts met for real).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from jobticket import (
    APITimeoutError,
    AsyncJobTicket,
    ConfigurationError,
    FakeClock,
    InternalServerError,
    JobTicket,
    Pacer,
    RateLimitError,
    RetryPolicy,
)
from jobticket._base import ClientCore
from jobticket_twin import TwinConfig
from jobticket_twin.kit import TwinKit
from jobticket_twin.seed import SEED_KEYS
from tests.helpers.twins import Twin

from .fakes import BASE_URL, PASSWORD, USERNAME, employee_json, json_response

ADMIN = SEED_KEYS["admin"]
CLIENTS = [JobTicket, AsyncJobTicket]
# One twin process for the module's socket tests, reset to its seed before each.
TWIN_PROCESS = pytest.mark.twin(process=True, shared=True, rate_limit=0)


def no_jitter() -> float:
    return 0.0


# Each pair of arguments that set the same thing, and the two names the error must show.
CONFLICTS: list[tuple[dict[str, Any], tuple[str, str]]] = [
    ({"retry_policy": RetryPolicy(max_retries=0), "max_retries": 5}, ("retry_policy=", "max_retries=")),
    ({"retry_policy": RetryPolicy(), "retry_after_cap": 10.0}, ("retry_policy=", "retry_after_cap=")),
    ({"pacer": Pacer(), "pacer_store": "memory"}, ("pacer=", "pacer_store=")),
    ({"pacer": Pacer(), "rate_limit": 10}, ("pacer=", "rate_limit=")),
    ({"pacer": Pacer(), "rate_window_seconds": 30.0}, ("pacer=", "rate_window_seconds=")),
    ({"pacer": Pacer(clock=FakeClock()), "clock": FakeClock()}, ("pacer=", "clock=")),
    ({"headers": {"Authorization": "Bearer x"}}, ("headers=", "username/password=")),
    ({"headers": {"host": "elsewhere.example"}}, ("headers=", "base_url=")),
]


@pytest.mark.parametrize("client_class", CLIENTS)
@pytest.mark.parametrize(("arguments", "names"), CONFLICTS, ids=lambda value: "-".join(map(str, value)))
def test_each_conflicting_pair_raises_naming_both(
    client_class: type[JobTicket | AsyncJobTicket], arguments: dict[str, Any], names: tuple[str, str]
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        client_class(BASE_URL, username=USERNAME, password=PASSWORD, **arguments)
    message = str(raised.value)
    assert all(name in message for name in names), message


@pytest.mark.parametrize(
    ("option", "value", "shared"), [("rate_limit", 10, 90), ("rate_window_seconds", 30.0, 60)]
)
def test_another_limit_for_a_key_with_a_shared_pacer_raises_naming_both(
    option: str, value: float, shared: int
) -> None:
    options: dict[str, Any] = {option: shared}
    clock = FakeClock()  # a fresh clock: this test's own shared pacers, in this process's memory
    first = JobTicket(BASE_URL, username=USERNAME, password=PASSWORD, clock=clock)
    same = AsyncJobTicket(BASE_URL, username=USERNAME, password=PASSWORD, clock=clock, **options)
    assert same.pacer is first.pacer
    with pytest.raises(ConfigurationError) as raised:
        AsyncJobTicket(
            BASE_URL, username=USERNAME, password=PASSWORD, clock=clock, **{**options, option: value}
        )
    assert f"{option}={value!r} and the shared pacer of this API key (90 requests per 60 s" in str(
        raised.value
    )
    first.close()


def test_the_testing_kit_refuses_another_limit_for_a_key_as_one_process_would(
    jobticket_twin: TwinKit,
) -> None:
    first = jobticket_twin.client(rate_limit=5)
    assert jobticket_twin.client().pacer is first.pacer
    assert jobticket_twin.async_client(rate_limit=5).pacer is first.pacer
    with pytest.raises(ConfigurationError, match=r"rate_limit=90 and the shared pacer"):
        jobticket_twin.client(rate_limit=90)
    assert jobticket_twin.client("reader", rate_limit=90).pacer is not first.pacer


@pytest.mark.parametrize(
    ("option", "value", "owner"),
    [
        ("username", "u", "key="),
        ("clock", FakeClock(), "the kit's clock"),
        ("transport", None, "the kit's in-process transport"),
    ],
)
def test_the_testing_kit_refuses_what_it_sets_itself(
    jobticket_twin: TwinKit, option: str, value: object, owner: str
) -> None:
    options: dict[str, Any] = {option: value}
    with pytest.raises(ConfigurationError, match=rf"{option}= and {owner}.* both given"):
        jobticket_twin.client(**options)
    with pytest.raises(ConfigurationError, match=rf"{option}= and {owner}"):
        jobticket_twin.async_client(**options)


def test_the_defaults_apply_when_nothing_is_given_and_one_argument_is_enough() -> None:
    client = JobTicket(BASE_URL, username=USERNAME, password=PASSWORD, clock=FakeClock(), max_retries=5)
    assert client._core.policy == RetryPolicy(max_retries=5)
    assert client._core.deadline == 90.0
    assert (client.pacer.limit, client.pacer.window_seconds) == (90, 60.0)
    client.close()


def test_a_new_timeout_moves_the_default_deadline_and_a_chosen_deadline_stays() -> None:
    core = ClientCore.build(
        BASE_URL, username=USERNAME, password=PASSWORD, timeout=30.0, deadline=None, max_retries=None,
        retry_after_cap=None, rate_limit=None, rate_window_seconds=None, pacer=Pacer(clock=FakeClock()),
        pacer_store=None, retry_policy=None, headers=None, clock=None, env={},
    )  # fmt: skip
    assert core.deadline == 90.0
    assert core.derive(timeout=5).deadline == 15.0
    chosen = core.derive(deadline=40)
    assert chosen.derive(timeout=5).deadline == 40.0
    assert chosen.derive(max_retries=0).policy.max_retries == 0
    with pytest.raises(ConfigurationError, match="deadline must be a positive number"):
        core.derive(deadline=0)


def test_with_options_adds_headers_and_refuses_the_managed_ones() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, {"data": employee_json(42)})

    client = JobTicket(
        BASE_URL, username=USERNAME, password=PASSWORD, clock=FakeClock(), pacer_store="memory",
        headers={"X-Team": "payroll"}, transport=httpx.MockTransport(handler),
    )  # fmt: skip
    client.with_options(headers={"X-Trace": "t-1"}).get_employee(42)
    client.get_employee(42)
    assert [(r.headers.get("x-team"), r.headers.get("x-trace")) for r in seen] == [
        ("payroll", "t-1"),
        ("payroll", None),
    ]
    assert all(r.headers["authorization"].startswith("Basic ") for r in seen)
    with pytest.raises(ConfigurationError, match=r"headers= and username/password= both given"):
        client.with_options(headers={"authorization": "Basic eA=="})
    client.close()


class Counting(httpx.HTTPTransport):
    """The real socket transport, counting what reaches the wire."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path}")
        return super().handle_request(request)

    @property
    def open_connections(self) -> int:
        return len(self._pool.connections)


@pytest.fixture
def faults(twin: Twin) -> Iterator[Any]:
    """Switch the shared twin process's faults (``faults("error=1")``); they are off again after the test."""

    def switch(spec: str | None) -> None:
        httpx.put(f"{twin.base_url}/_twin/faults", json={"spec": spec}, trust_env=False).raise_for_status()

    yield switch
    switch(None)


def twin_client(twin: Twin, transport: httpx.BaseTransport, **options: Any) -> JobTicket:
    return JobTicket(
        twin.base_url, username=ADMIN.key_id, password=ADMIN.secret, clock=FakeClock(), transport=transport,
        retry_policy=RetryPolicy(jitter=no_jitter), pacer_store="memory", **options,
    )  # fmt: skip


@TWIN_PROCESS
def test_with_options_shares_the_pool_and_the_pacer_and_uses_its_own_retries(twin: Twin, faults: Any) -> None:
    wire = Counting()
    client = twin_client(twin, wire)
    quick = client.with_options(max_retries=0)
    assert quick.pacer is client.pacer
    assert quick.get_employee(42).first_name == client.get_employee(42).first_name == "Anna"
    assert wire.open_connections == 1  # one connection served both clients

    faults("error=1,statuses=503")
    wire.sent.clear()
    with pytest.raises(InternalServerError):
        quick.get_employee(42)
    assert wire.sent == ["GET /employees/42"]  # no retry
    with pytest.raises(InternalServerError):
        client.get_employee(42)
    assert len(wire.sent) == 1 + 3  # the client's own two retries

    faults(None)
    quick.close()  # a derived client leaves the pool to its origin
    assert client.get_employee(42).id == 42
    client.close()


@TWIN_PROCESS
def test_with_options_timeout_and_deadline_are_met_against_a_slow_twin(twin: Twin, faults: Any) -> None:
    client = twin_client(twin, Counting())
    faults("latency=0.3")
    with pytest.raises(APITimeoutError, match="request timed out: ReadTimeout"):
        client.with_options(timeout=0.05, max_retries=0).get_employee(42)
    with pytest.raises(APITimeoutError):
        client.with_options(deadline=0.05).get_employee(42)
    assert client.get_employee(42).id == 42  # the client itself keeps its 30 s timeout
    client.close()


@TWIN_PROCESS
def test_derived_clients_pace_against_the_one_pacer(twin: Twin) -> None:
    clock = FakeClock()
    wire = Counting()
    client = JobTicket(
        twin.base_url,
        username=ADMIN.key_id,
        password=ADMIN.secret,
        transport=wire,
        pacer=Pacer(2, 60.0, clock=clock),
    )
    client.get_employee(42)
    client.with_options(timeout=10).get_employee(42)
    assert clock.sleeps == []
    client.with_options(max_retries=1).get_employee(42)
    assert clock.sleeps == [60.0]  # the third request of the key waited for a slot
    client.close()


@TWIN_PROCESS
def test_async_with_options_shares_the_pool_and_the_pacer(twin: Twin) -> None:
    async def main() -> None:
        wire = httpx.AsyncHTTPTransport()
        async with AsyncJobTicket(
            twin.base_url, username=ADMIN.key_id, password=ADMIN.secret, clock=FakeClock(), transport=wire,
            pacer_store="memory",
        ) as client:  # fmt: skip
            quick = client.with_options(timeout=5, max_retries=0)
            assert quick.pacer is client.pacer
            assert (await quick.get_employee(42)).id == (await client.get_employee(42)).id == 42
            assert len(wire._pool.connections) == 1
            await quick.aclose()
            assert (await client.get_employee(42)).id == 42

    asyncio.run(main())


def test_a_raised_429_is_not_also_logged_as_an_error(caplog: pytest.LogCaptureFixture) -> None:
    from jobticket_twin.kit import in_process_twin  # noqa: PLC0415

    with in_process_twin(TwinConfig(rate_limit=1)) as twin, twin.client() as client:
        client.get_employee(42)
        with caplog.at_level(logging.DEBUG, logger="jobticket"):
            with pytest.raises(RateLimitError) as raised:
                client.get_employee(42)  # 429, Retry-After 300 s: above the cap, so raised at once
            with pytest.raises(RateLimitError):
                client.get_employee(42)  # blocked locally: not sent at all
    assert raised.value.retry_after == 300
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert "-> 429; rate limited, retry after 300 s" in caplog.text
    assert "not sent: credential blocked" in caplog.text
