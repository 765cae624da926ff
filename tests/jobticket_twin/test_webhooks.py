"""Webhook delivery over real sockets: signed events, retries, at-least-once, both event types."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from jobticket_kit.spec.validation import default_validator
from jobticket_twin import WebhookReceiver
from tests.helpers.loopback import Connection, LoopbackServer, Received
from tests.helpers.twins import Twin, TwinOptions
from tests.jobticket_twin.helpers import auth, spec_checked

SECRET = "whsec-test-only"


@dataclass
class Receiver:
    """A webhook endpoint on loopback that fails its first ``failures`` deliveries."""

    failures: int = 0
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    attempts: list[tuple[bytes, str]] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def endpoint(self, request: Received, connection: Connection) -> None:
        body = request.body
        with self.lock:
            status = 500 if len(self.answered) < self.failures else 204
            self.answered.append(status)
            self.attempts.append((body, request.headers["x-signing-signature"]))
            if status == 204:
                self.received.append((body, dict(request.headers)))
        connection.respond(status)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return [json.loads(body) for body, _ in self.received]
            time.sleep(0.01)
        raise AssertionError(f"expected {count} deliveries, got {len(self.received)}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver()
    with LoopbackServer(endpoint.endpoint) as server:
        endpoint.url = server.url("/hook")
        yield endpoint


@pytest.fixture
def twin_options(receiver: Receiver) -> TwinOptions:
    return TwinOptions(
        webhooks=(WebhookReceiver(receiver.url, SECRET),),
        config={"webhook_attempts": 4, "webhook_backoff_seconds": 0.01},
    )


@pytest.fixture
def api(twin: Twin) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=twin.base_url, trust_env=False) as client:
        yield spec_checked(client)


def test_a_subscription_change_is_delivered_signed_and_spec_valid(
    api: httpx.Client, receiver: Receiver
) -> None:
    response = api.post(
        "/_twin/employees/42/subscription", json={"status": "scheduled-pause", "pausedAt": "2026-06-01"}
    )
    assert response.status_code == 200
    (event,) = receiver.wait_for(1)
    body, headers = receiver.received[0]
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-signing-signature"], expected)
    assert headers["content-type"] == "application/json"
    default_validator().validate_webhook("employee-subscription-changed", headers, body)
    assert event["event"]["type"] == "employee-subscription-changed"
    assert event["event"]["timestamp"] == 1_778_662_082
    assert event["payload"]["id"] == 42
    assert event["payload"]["subscription"]["status"] == "scheduled-pause"
    assert api.get("/employees/42", auth=auth()).json()["data"]["subscription"]["pausedAt"] == "2026-06-01"


def test_a_generated_document_is_announced_and_readable(api: httpx.Client, receiver: Receiver) -> None:
    created = api.post("/_twin/employees/42/documents", json={"documentName": "July 2026 Transit Invoice"})
    assert created.status_code == 201
    document_id = created.json()["data"]["id"]
    (event,) = receiver.wait_for(1)
    body, headers = receiver.received[0]
    default_validator().validate_webhook("new-employee-document-generated", headers, body)
    assert event["payload"] == {"id": document_id, "employeeId": 42, "resource": "employee-document"}
    download = api.get(f"/employee-documents/{document_id}/download", auth=auth())
    assert download.content.startswith(b"%PDF")


def test_failed_deliveries_are_retried_until_a_2xx(api: httpx.Client, receiver: Receiver, twin: Twin) -> None:
    receiver.failures = 2
    api.post("/_twin/employees/42/subscription", json={"status": "paused"})
    receiver.wait_for(1)
    twin.wait_for_webhooks()
    assert receiver.answered == [500, 500, 204]
    assert len(set(receiver.attempts)) == 1  # the same event, byte for byte: receivers dedupe on event.id
    log = [(item.attempt, item.status, item.delivered) for item in twin.state.webhooks.deliveries()]
    assert log == [(1, 500, False), (2, 500, False), (3, 204, True)]


def test_a_sync_that_offboards_sends_one_event_per_changed_subscription(
    api: httpx.Client, receiver: Receiver, twin: Twin
) -> None:
    roster = [
        {"firstName": "P", "lastName": "Q", "email": f"p{n}@example.com", "hrId": f"p{n}"} for n in range(3)
    ]
    assert (
        api.post(
            "/hr-integrations/8/sync", json={"syncId": "a", "employees": roster}, auth=auth()
        ).status_code
        == 204
    )
    assert receiver.answered == []  # new employees start pending: no subscription changed
    assert (
        api.post(
            "/hr-integrations/8/sync", json={"syncId": "b", "employees": roster[:1]}, auth=auth()
        ).status_code
        == 204
    )
    events = receiver.wait_for(2)
    assert sorted(event["payload"]["subscription"]["status"] for event in events) == [
        "cancelled",
        "cancelled",
    ]
    assert len({event["event"]["id"] for event in events}) == 2


def test_receivers_can_be_registered_through_the_control_interface(api: httpx.Client) -> None:
    second = Receiver()
    with LoopbackServer(second.endpoint) as server:
        second.url = server.url("/other")
        assert (
            api.post("/_twin/webhooks", json={"url": second.url, "secret": "other-secret"}).status_code == 201
        )
        api.post("/_twin/employees/43/documents", json={})
        body, headers = second.received[0] if second.wait_for(1) else (b"", {})
        assert headers["x-signing-signature"] == hmac.new(b"other-secret", body, hashlib.sha256).hexdigest()
    listing = api.get("/_twin/webhooks").json()
    assert second.url in listing["receivers"]


def test_invalid_receiver_registrations_are_422(api: httpx.Client) -> None:
    response = api.post("/_twin/webhooks", json={"url": "ftp://x", "secret": ""})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"url", "secret"}
