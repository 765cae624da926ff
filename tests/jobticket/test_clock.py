"""One clock for pacing, retries and back-off: a client on a FakeClock never waits in real time."""

from __future__ import annotations

import asyncio

import httpx
import pytest

import jobticket_twin
from jobticket import AsyncJobTicket, ConfigurationError, FakeClock, JobTicket, Pacer, SystemClock

from .fakes import BASE_URL, PASSWORD, employee_json, json_response


def _employee(request: httpx.Request) -> httpx.Response:
    return json_response(200, {"data": employee_json(42)})


def test_fake_sleep_advances_the_clock_and_records_the_wait() -> None:
    clock = FakeClock(100.0)
    clock.sleep(2.5)
    asyncio.run(clock.asleep(0.5))
    assert clock() == clock.monotonic() == clock.time() == 103.0
    assert clock.sleeps == [2.5, 0.5]
    assert clock.advance(7) == 110.0
    with pytest.raises(ValueError, match=">= 0"):
        clock.advance(-1)


def test_system_clocks_are_interchangeable_and_fake_ones_are_not() -> None:
    assert SystemClock() == SystemClock()
    assert hash(SystemClock()) == hash(SystemClock())
    assert FakeClock() != FakeClock()
    assert jobticket_twin.FakeClock is FakeClock  # the twin, the client and the tests share one type


def test_92_calls_on_a_fake_clock_pace_in_fake_time_with_one_wait() -> None:
    clock = FakeClock()
    start = clock()
    with JobTicket(
        BASE_URL,
        username="clock-key-1",
        password=PASSWORD,
        transport=httpx.MockTransport(_employee),
        clock=clock,
    ) as client:
        for _ in range(92):
            client.get_employee(42)
        assert client.pacer.clock is clock
    # Call 91 waits for the first minute's slots to free; the clock jumps instead of spinning.
    assert clock.sleeps == [60.0]
    assert clock() - start == 60.0


def test_the_async_client_waits_on_the_same_clock() -> None:
    clock = FakeClock()

    async def main() -> None:
        async with AsyncJobTicket(
            BASE_URL,
            username="clock-key-2",
            password=PASSWORD,
            transport=httpx.MockTransport(_employee),
            clock=clock,
        ) as client:
            for _ in range(91):
                await client.get_employee(42)

    asyncio.run(main())
    assert clock.sleeps == [60.0]


def test_clients_on_different_clocks_do_not_share_a_pacer() -> None:
    fake = JobTicket(BASE_URL, username="clock-key-3", password=PASSWORD, clock=FakeClock())
    real = JobTicket(BASE_URL, username="clock-key-3", password=PASSWORD)
    assert fake.pacer is not real.pacer
    assert real.pacer.clock == SystemClock()
    fake.close()
    real.close()


def test_a_pacer_on_another_clock_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="one clock"):
        JobTicket(
            BASE_URL,
            username="clock-key-4",
            password=PASSWORD,
            pacer=Pacer(clock=FakeClock()),
            clock=FakeClock(),
        )
    clock = FakeClock()
    client = JobTicket(BASE_URL, username="clock-key-4", password=PASSWORD, pacer=Pacer(clock=clock))
    assert client.pacer.clock is clock  # the pacer's clock becomes the client's
    client.close()
