"""The pacer keeps a credential under its rolling-window limit, shared by every client of the credential."""

from __future__ import annotations

import asyncio
import threading
from collections import deque

import httpx
import pytest

from jobticket import ConfigurationError, FakeClock, JobTicket, Pacer
from jobticket._exceptions import BlockedError
from jobticket._pacer import shared_pacer

from .fakes import employee_json, json_response, make_client


def max_in_any_window(times: list[float], window: float) -> int:
    """The most requests that fall in any half-open window (t - window, t]."""
    best = 0
    recent: deque[float] = deque()
    for t in sorted(times):
        recent.append(t)
        while recent[0] <= t - window:
            recent.popleft()
        best = max(best, len(recent))
    return best


def test_a_burst_of_300_stays_under_the_limit_in_every_rolling_window() -> None:
    clock = FakeClock()
    pacer = Pacer(90, 60.0, clock=clock)
    sent: list[float] = []
    for _ in range(300):
        pacer.acquire()
        sent.append(clock())
    assert max_in_any_window(sent, 60.0) == 90
    # The first 90 go at once; then the pacer releases slots as they leave the window.
    assert sent[89] == sent[0]
    assert sent[90] == sent[0] + 60.0
    assert sent[-1] - sent[0] == pytest.approx(180.0)


def test_try_acquire_reports_the_wait_without_taking_a_slot() -> None:
    clock = FakeClock()
    pacer = Pacer(2, 10.0, clock=clock)
    assert pacer.try_acquire() == 0.0
    clock.advance(4)
    assert pacer.try_acquire() == 0.0
    assert pacer.try_acquire() == pytest.approx(6.0)
    assert pacer.try_acquire() == pytest.approx(6.0)
    clock.advance(6)
    assert pacer.try_acquire() == 0.0


def test_a_recorded_block_holds_every_caller_and_long_blocks_raise() -> None:
    clock = FakeClock()
    pacer = Pacer(90, 60.0, clock=clock)
    pacer.block(300)
    assert pacer.blocked_for() == 300
    with pytest.raises(BlockedError) as raised:
        pacer.acquire(max_block=60)
    assert raised.value.remaining == 300
    assert clock.sleeps == []
    pacer.acquire()  # no cap: waits the block out
    assert clock.sleeps == [300]


def test_threads_share_the_slots() -> None:
    lock = threading.Lock()

    class LockedClock(FakeClock):
        def sleep(self, seconds: float) -> None:
            with lock:
                super().sleep(seconds)

    clock = LockedClock()
    pacer = Pacer(10, 60.0, clock=clock)
    sent: list[float] = []

    def worker() -> None:
        for _ in range(10):
            pacer.acquire()
            with lock:
                sent.append(clock())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 40
    assert max_in_any_window(sent, 60.0) <= 10


def test_async_acquire_uses_the_same_bookkeeping() -> None:
    clock = FakeClock()
    pacer = Pacer(5, 60.0, clock=clock)

    async def burst() -> list[float]:
        sent = []
        for _ in range(12):
            await pacer.acquire_async()
            sent.append(clock())
        return sent

    sent = asyncio.run(burst())
    assert max_in_any_window(sent, 60.0) == 5
    assert sent[-1] - sent[0] == pytest.approx(120.0)


def test_clients_of_one_credential_share_one_pacer_and_others_do_not() -> None:
    first = JobTicket("https://shared.test.invalid", username="key-1", password="a")
    second = JobTicket("https://SHARED.test.invalid/", username="key-1", password="a", rate_limit=90)
    other = JobTicket("https://shared.test.invalid", username="key-2", password="b")
    assert first.pacer is second.pacer
    assert first.pacer is shared_pacer("https://shared.test.invalid", "key-1")
    assert first.pacer.limit == 90
    assert other.pacer is not first.pacer
    # Another limit for the same key is not silently paced at the first client's: it is refused.
    with pytest.raises(ConfigurationError, match=r"rate_limit=50 and the shared pacer of this API key \(90 "):
        JobTicket("https://shared.test.invalid", username="key-1", password="a", rate_limit=50)
    for client in (first, second, other):
        client.close()


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        Pacer(0, 60)
    with pytest.raises(ValueError, match="window"):
        Pacer(10, 0)


def test_health_checks_carry_no_credential_and_are_not_paced() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = {"status": "ok"} if request.url.path == "/health" else {"data": employee_json(42)}
        return json_response(200, body)

    clock = FakeClock()
    client = make_client(handler, clock, rate_limit=2)
    for _ in range(5):
        assert client.health().status == "ok"
    assert clock.sleeps == []
    assert all("authorization" not in request.headers for request in seen)
    # The two paced slots are still free for calls that carry the key.
    client.get_employee(42)
    client.get_employee(42)
    assert clock.sleeps == []
    assert seen[-1].headers["authorization"].startswith("Basic ")
