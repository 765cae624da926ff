"""Webhook signatures are checked in constant time over the raw body; events parse to typed objects."""

from __future__ import annotations

import hmac
import json
from unittest import mock
from uuid import UUID

import pytest

from jobticket import FakeClock
from jobticket.webhooks import (
    InvalidSignatureError,
    UnknownEvent,
    WebhookPayloadError,
    WebhookVerifier,
    parse_event,
)
from jobticket_api.models import EmployeeSubscriptionChangedEvent, NewEmployeeDocumentGeneratedEvent

# Published HMAC-SHA256 vectors (RFC 4231 test case 2, and the widely quoted "quick brown fox").
VECTORS = [
    (
        b"Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ),
    (
        b"key",
        b"The quick brown fox jumps over the lazy dog",
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
    ),
]

# The docs' example delivery, as raw bytes, signed with a test secret under the working assumption O-29.
SUBSCRIPTION_BODY = (
    b'{"event":{"id":"5abc1524-41f1-4454-9245-0ceb7b0d6382","type":"employee-subscription-changed",'
    b'"timestamp":1778662082},"payload":{"id":4443,"resource":"employee","subscription":{"status":'
    b'"scheduled-pause","startAt":"2026-05-01","pausedAt":"2026-06-01","cancelledAt":null,"nextTicketAt":'
    b'null,"reactivatedAt":null}}}'
)
SECRET = "whsec_test_secret"
EXAMPLE_TIMESTAMP = 1778662082
SUBSCRIPTION_HEX = "ca7c343e5f7800d90637de288a15fc1d9409dbb91fb62de9d336cdda91d2fbec"
SUBSCRIPTION_B64 = "ynw0Pl94ANkGN94oihX8HZQJ27kfti3p0zbN2pHS++w="


@pytest.mark.parametrize(("key", "body", "expected"), VECTORS)
def test_published_vectors(key: bytes, body: bytes, expected: str) -> None:
    verifier = WebhookVerifier(key)
    assert verifier.sign(body) == expected
    verifier.verify(body, expected)


def test_the_docs_example_verifies_and_parses() -> None:
    verifier = WebhookVerifier(SECRET, clock=FakeClock(start=EXAMPLE_TIMESTAMP + 10))  # 10 s after the event
    event = verifier.construct_event(SUBSCRIPTION_BODY, SUBSCRIPTION_HEX)
    assert isinstance(event, EmployeeSubscriptionChangedEvent)
    assert event.event.id == UUID("5abc1524-41f1-4454-9245-0ceb7b0d6382")
    assert event.event.timestamp == 1778662082
    assert event.payload.id == 4443
    assert event.payload.subscription.status == "scheduled-pause"


@pytest.mark.parametrize(
    "signature",
    [
        SUBSCRIPTION_HEX.upper(),  # the assumed encoding is lowercase hex exactly
        "sha256=" + SUBSCRIPTION_HEX,  # no prefix by default
        SUBSCRIPTION_HEX[:-2],
        "zz" + SUBSCRIPTION_HEX[2:],
        SUBSCRIPTION_B64,
        "",
        None,
    ],
)
def test_wrong_or_missing_signatures_are_rejected(signature: str | None) -> None:
    with pytest.raises(InvalidSignatureError):
        WebhookVerifier(SECRET).verify(SUBSCRIPTION_BODY, signature)


def test_a_changed_body_or_secret_does_not_verify() -> None:
    reformatted = json.dumps(json.loads(SUBSCRIPTION_BODY), indent=1).encode()
    with pytest.raises(InvalidSignatureError):
        WebhookVerifier(SECRET).verify(reformatted, SUBSCRIPTION_HEX)
    with pytest.raises(InvalidSignatureError):
        WebhookVerifier("another-secret").verify(SUBSCRIPTION_BODY, SUBSCRIPTION_HEX)


def test_parsed_json_is_refused_so_nobody_verifies_a_reserialisation() -> None:
    with pytest.raises(TypeError, match="raw body"):
        WebhookVerifier(SECRET).verify(json.loads(SUBSCRIPTION_BODY), SUBSCRIPTION_HEX)


def test_the_comparison_is_constant_time() -> None:
    with mock.patch("jobticket.webhooks.hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        WebhookVerifier(SECRET).verify(SUBSCRIPTION_BODY, SUBSCRIPTION_HEX)
    compare.assert_called_once()


def test_algorithm_encoding_and_prefix_are_configurable() -> None:
    base64_verifier = WebhookVerifier(SECRET, encoding="base64")
    base64_verifier.verify(SUBSCRIPTION_BODY, SUBSCRIPTION_B64)
    prefixed = WebhookVerifier(SECRET, prefix="sha256=")
    prefixed.verify(SUBSCRIPTION_BODY, "sha256=" + SUBSCRIPTION_HEX)
    with pytest.raises(InvalidSignatureError):
        prefixed.verify(SUBSCRIPTION_BODY, SUBSCRIPTION_HEX)
    sha512 = WebhookVerifier(SECRET, algorithm="sha512")
    sha512.verify(SUBSCRIPTION_BODY, hmac.new(SECRET.encode(), SUBSCRIPTION_BODY, "sha512").hexdigest())
    with pytest.raises(ValueError, match="algorithm"):
        WebhookVerifier(SECRET, algorithm="md4-nope")
    with pytest.raises(ValueError, match="secret"):
        WebhookVerifier("")


def test_the_secret_stays_out_of_repr() -> None:
    assert SECRET not in repr(WebhookVerifier(SECRET))


def test_document_event_parses() -> None:
    body = {
        "event": {
            "id": "0b7c1e4e-4d55-4bb0-9d87-0f1f3c3e8a10",
            "type": "new-employee-document-generated",
            "timestamp": 1,
        },
        "payload": {"id": 101, "employeeId": 42, "resource": "employee-document"},
    }
    event = parse_event(json.dumps(body).encode())
    assert isinstance(event, NewEmployeeDocumentGeneratedEvent)
    assert (event.payload.id, event.payload.employee_id) == (101, 42)


def test_unknown_event_types_are_returned_not_raised() -> None:
    body = {
        "event": {"id": "x-1", "type": "employee-birthday", "timestamp": 5},
        "payload": {"id": 42, "new": True},
    }
    event = parse_event(json.dumps(body))
    assert event == UnknownEvent(
        id="x-1", type="employee-birthday", timestamp=5, payload={"id": 42, "new": True}
    )


def test_known_events_with_new_fields_still_parse() -> None:
    body = json.loads(SUBSCRIPTION_BODY)
    body["payload"]["subscription"]["status"] = "suspended-by-vendor"
    body["payload"]["newField"] = {"x": 1}
    body["deliveryAttempt"] = 2
    event = parse_event(body)
    assert isinstance(event, EmployeeSubscriptionChangedEvent)
    assert event.payload.subscription.status == "suspended-by-vendor"


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"payload": {}}', b'{"event": {"type": "employee-subscription-changed"}}']
)
def test_unreadable_bodies_raise_a_payload_error(body: bytes) -> None:
    with pytest.raises(WebhookPayloadError):
        parse_event(body)
