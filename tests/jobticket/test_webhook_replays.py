"""A signed webhook is accepted only when it is recent, once per event id, and small and shallow enough.

The signature covers the body, not the moment (O-29), so a delivery captured in 2010 verifies today:
the verifier's tolerance on ``event.timestamp`` refuses it. Deliveries are at least once (O-30), so a
repeated event id is dropped by ``SeenEvents``. Both are shown on the twin's own signed deliveries,
received over real sockets from a twin process.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from jobticket import FakeClock
from jobticket.webhooks import (
    MAX_BODY_BYTES,
    MAX_DEPTH,
    InvalidSignatureError,
    MemorySeenEventStore,
    SeenEvents,
    StaleWebhookError,
    UnknownEvent,
    WebhookPayloadError,
    WebhookTooLargeError,
    WebhookVerifier,
    parse_event,
)
from jobticket_api.models import EmployeeSubscriptionChangedEvent
from jobticket_twin.webhooks import sign
from tests.helpers.loopback import Connection, LoopbackServer, Received
from tests.helpers.twins import Twin

SECRET = "whsec-replays"
NOW = 1_800_000_000


def delivery(
    timestamp: object, event_id: str | None = None, kind: str = "employee-subscription-changed"
) -> bytes:
    payload: dict[str, Any] = {"id": 42, "resource": "employee"}
    if kind == "employee-subscription-changed":
        payload["subscription"] = {
            "status": "paused",
            "startAt": None,
            "pausedAt": "2026-06-01",
            "cancelledAt": None,
            "nextTicketAt": None,
            "reactivatedAt": None,
        }
    event = {"id": str(uuid.uuid4()), "type": kind, "timestamp": timestamp}
    return json.dumps({"event": event, "payload": payload}, separators=(",", ":")).encode()


def verifier(**options: Any) -> WebhookVerifier:
    return WebhookVerifier(SECRET, clock=FakeClock(start=NOW), **options)


def test_a_correctly_signed_event_from_2010_is_refused() -> None:
    body = delivery(1_262_304_000)  # 2010-01-01
    with pytest.raises(StaleWebhookError, match=r"s old; deliveries are accepted within 300 s") as raised:
        verifier().construct_event(body, sign(SECRET, body))
    assert isinstance(
        raised.value, InvalidSignatureError
    )  # handlers that refuse bad signatures refuse it too
    assert raised.value.age == NOW - 1_262_304_000


@pytest.mark.parametrize(
    ("offset", "accepted"), [(0, True), (-300, True), (-301, False), (300, True), (301, False)]
)
def test_the_tolerance_is_five_minutes_either_way(offset: int, accepted: bool) -> None:
    body = delivery(NOW + offset)
    if accepted:
        assert verifier().construct_event(body, sign(SECRET, body)) is not None
    else:
        with pytest.raises(StaleWebhookError):
            verifier().construct_event(body, sign(SECRET, body))


def test_the_tolerance_is_configurable_and_can_be_turned_off() -> None:
    body = delivery(NOW - 3600)
    assert verifier(tolerance_seconds=7200).construct_event(body, sign(SECRET, body)) is not None
    assert verifier(tolerance_seconds=None).construct_event(body, sign(SECRET, body)) is not None
    for bad in (0, -5, float("nan"), float("inf"), "300"):
        with pytest.raises(ValueError, match="tolerance_seconds"):
            verifier(tolerance_seconds=bad)


@pytest.mark.parametrize("timestamp", [None, "1800000000", True, 1.8e9])
def test_an_event_without_an_integer_timestamp_has_no_age_and_is_refused(timestamp: object) -> None:
    body = delivery(timestamp, kind="some-future-event")
    event = parse_event(body)
    assert isinstance(event, UnknownEvent)
    with pytest.raises(StaleWebhookError, match=r"no integer event\.timestamp"):
        verifier().construct_event(body, sign(SECRET, body))


def test_the_signature_is_checked_before_the_age() -> None:
    body = delivery(1_262_304_000)
    with pytest.raises(InvalidSignatureError) as raised:
        verifier().construct_event(body, "0" * 64)
    assert not isinstance(raised.value, StaleWebhookError)


def test_a_repeated_event_id_is_dropped_and_a_failed_one_can_come_again() -> None:
    seen = SeenEvents()
    first = verifier().construct_event(body := delivery(NOW), sign(SECRET, body))
    again = verifier().construct_event(body, sign(SECRET, body))
    other = verifier().construct_event(body2 := delivery(NOW), sign(SECRET, body2))
    assert [seen.first_delivery(event) for event in (first, again, other)] == [True, False, True]
    seen.forget(other)  # processing failed: the sender's retry must be processed
    assert seen.first_delivery(other) is True
    assert seen.first_delivery(UnknownEvent(None, "x", NOW, {})) is True  # no id: nothing to compare


def test_the_memory_store_is_bounded_and_forgets_after_its_ttl() -> None:
    clock = FakeClock(start=0)
    store = MemorySeenEventStore(max_events=3, clock=clock)
    seen = SeenEvents(store, ttl_seconds=60)
    assert [seen.first_delivery(f"e-{n}") for n in range(5)] == [True] * 5
    assert len(store) == 3  # the two oldest went first
    assert seen.first_delivery("e-4") is False
    assert seen.first_delivery("e-0") is True  # evicted, so it counts as new (documented)
    clock.advance(61)
    assert len(store) == 0
    assert seen.first_delivery("e-4") is True


def test_concurrent_deliveries_of_one_event_let_exactly_one_through() -> None:
    seen = SeenEvents()
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def receive() -> None:
        barrier.wait()
        results.append(seen.first_delivery("same-event"))

    threads = [threading.Thread(target=receive) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_a_pluggable_store_decides() -> None:
    class Shared:
        def __init__(self) -> None:
            self.ids: dict[str, float] = {}

        def add(self, event_id: str, ttl_seconds: float) -> bool:
            if event_id in self.ids:
                return False
            self.ids[event_id] = ttl_seconds
            return True

        def discard(self, event_id: str) -> None:
            self.ids.pop(event_id, None)

    store = Shared()
    seen = SeenEvents(store, ttl_seconds=90)
    assert [seen.first_delivery("a"), seen.first_delivery("a")] == [True, False]
    assert store.ids == {"a": 90}


def test_an_oversized_body_is_refused_before_it_is_hashed_or_parsed() -> None:
    body = b'{"event": {"id": "x", "type": "t", "timestamp": 1}, "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    with pytest.raises(WebhookTooLargeError, match="over the 65536-byte bound"):
        verifier().construct_event(body, sign(SECRET, body))
    with pytest.raises(WebhookTooLargeError):
        parse_event(body)


@pytest.mark.parametrize(
    "body", [b"[" * 60_000, b'{"event": ' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1)]
)
def test_a_deep_body_is_a_typed_error_not_a_recursion_error(body: bytes) -> None:
    with pytest.raises(WebhookTooLargeError, match="nested deeper than"):
        verifier().construct_event(body, sign(SECRET, body))
    assert issubclass(WebhookTooLargeError, WebhookPayloadError)


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    body = delivery(NOW).replace(b'"paused"', b'"' + b"[{" * 50 + b'"')
    event = verifier().construct_event(body, sign(SECRET, body))
    assert event is not None


@pytest.mark.slow
@pytest.mark.twin(process=True, rate_limit=0)
def test_the_twins_signed_deliveries_are_accepted_once_and_a_replay_is_refused(twin: Twin) -> None:
    """A twin process delivers over real sockets; its repeated delivery is dropped, a replay refused."""
    received: list[tuple[bytes, str]] = []

    def endpoint(request: Received, connection: Connection) -> None:
        received.append((request.body, request.headers["x-signing-signature"]))
        connection.respond(500 if len(received) == 1 else 204)  # the first attempt fails: a retry comes

    with LoopbackServer(endpoint) as receiver:
        control = httpx.Client(base_url=f"{twin.base_url}/_twin", trust_env=False, timeout=10)
        assert (
            control.post("/webhooks", json={"url": receiver.url("/hook"), "secret": SECRET}).status_code
            == 201
        )
        assert control.post("/employees/42/subscription", json={"status": "paused"}).status_code == 200
        _wait_until(lambda: len(received) >= 2)
    seen = SeenEvents()
    real_time = WebhookVerifier(SECRET)  # the twin process runs on the real clock
    events = [real_time.construct_event(body, signature) for body, signature in received]
    assert received[0][0] == received[1][0]  # at least once: the same event, delivered again
    assert [seen.first_delivery(event) for event in events] == [True, False]
    assert isinstance(events[0], EmployeeSubscriptionChangedEvent)
    replayed_later = WebhookVerifier(SECRET, clock=FakeClock(start=events[0].event.timestamp + 3600))
    with pytest.raises(StaleWebhookError):
        replayed_later.construct_event(*received[0])


def _wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
