"""Webhook receiving: verify ``X-Signing-Signature`` over the raw body, then parse a typed event.

The signature scheme is not documented publicly (O-29). The default is the working assumption,
HMAC-SHA256 over the exact raw body as lowercase hex with no prefix; algorithm, encoding and prefix are
settings, so a correction after the contract run is a configuration change. Verify before parsing and
pass the body exactly as received: re-serialised JSON does not verify.

A valid signature says who sent a body, not when: the signature covers no timestamp (O-29), so an old
delivery captured anywhere verifies for ever. :meth:`WebhookVerifier.construct_event` therefore also
refuses an event whose ``event.timestamp`` is more than ``tolerance_seconds`` (default 5 minutes) from
now (:class:`StaleWebhookError`). Deliveries are at least once (O-30): :class:`SeenEvents` drops a
repeated event id. Bodies are bounded before anything reads them (size and nesting depth,
:class:`WebhookTooLargeError`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from jobticket_api.models import EmployeeSubscriptionChangedEvent, NewEmployeeDocumentGeneratedEvent

from ._clock import Clock, SystemClock
from ._exceptions import InvalidSignatureError, StaleWebhookError, WebhookPayloadError, WebhookTooLargeError
from ._seen_events import MemorySeenEventStore, SeenEvents, SeenEventStore

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "MAX_BODY_BYTES",
    "MAX_DEPTH",
    "SIGNATURE_HEADER",
    "InvalidSignatureError",
    "MemorySeenEventStore",
    "SeenEventStore",
    "SeenEvents",
    "StaleWebhookError",
    "UnknownEvent",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookTooLargeError",
    "WebhookVerifier",
    "parse_event",
]

DEFAULT_TOLERANCE_SECONDS = 300.0
MAX_BODY_BYTES = 64 * 1024  # the documented events are a few hundred bytes
MAX_DEPTH = 16  # the envelope is four levels deep
SIGNATURE_HEADER = "X-Signing-Signature"
SUBSCRIPTION_CHANGED = "employee-subscription-changed"
DOCUMENT_GENERATED = "new-employee-document-generated"


@dataclass(frozen=True)
class UnknownEvent:
    """An event type this client does not know (O-31); acknowledge it with 2xx and ignore it."""

    id: str | None
    type: str
    timestamp: int | None
    payload: dict[str, Any] = field(repr=False)


WebhookEvent = EmployeeSubscriptionChangedEvent | NewEmployeeDocumentGeneratedEvent | UnknownEvent
_EVENT_MODELS: dict[str, type[EmployeeSubscriptionChangedEvent] | type[NewEmployeeDocumentGeneratedEvent]] = {
    SUBSCRIPTION_CHANGED: EmployeeSubscriptionChangedEvent,
    DOCUMENT_GENERATED: NewEmployeeDocumentGeneratedEvent,
}


@dataclass(frozen=True)
class WebhookVerifier:
    """Check deliveries against one endpoint's signing secret.

    ``tolerance_seconds`` bounds how far ``event.timestamp`` may be from ``clock``'s time (either way);
    ``None`` turns the check off (not recommended: then an old delivery can be replayed for ever).
    """

    secret: bytes | str = field(repr=False)
    algorithm: str = "sha256"
    encoding: Literal["hex", "base64"] = "hex"
    prefix: str = ""
    tolerance_seconds: float | None = DEFAULT_TOLERANCE_SECONDS
    clock: Clock = field(default_factory=SystemClock, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.secret:
            raise ValueError("the webhook signing secret is empty")
        if self.algorithm not in hashlib.algorithms_guaranteed:
            raise ValueError(f"unknown hash algorithm {self.algorithm!r}")
        if self.encoding not in ("hex", "base64"):
            raise ValueError("encoding must be 'hex' or 'base64'")
        tolerance = self.tolerance_seconds
        if tolerance is not None and not (isinstance(tolerance, int | float) and 0 < tolerance < math.inf):
            raise ValueError(
                f"tolerance_seconds must be a positive number of seconds or None, got {tolerance!r}"
            )

    def sign(self, body: bytes) -> str:
        """Compute the header value a sender puts on ``body`` (for tests and the twin)."""
        key = self.secret.encode() if isinstance(self.secret, str) else self.secret
        digest = hmac.new(key, body, self.algorithm).digest()
        encoded = digest.hex() if self.encoding == "hex" else base64.b64encode(digest).decode()
        return self.prefix + encoded

    def verify(self, body: bytes, signature: str | None) -> None:
        """Raise :class:`InvalidSignatureError` unless ``signature`` matches ``body`` (constant time).

        A body over :data:`MAX_BODY_BYTES` raises :class:`WebhookTooLargeError` before it is hashed.
        """
        if not isinstance(body, bytes | bytearray):
            raise TypeError("verify the raw body bytes, not parsed or re-serialised JSON")
        _check_size(body)
        if not signature:
            raise InvalidSignatureError(f"missing {SIGNATURE_HEADER} header")
        received = self._digest_of(signature.strip())
        key = self.secret.encode() if isinstance(self.secret, str) else self.secret
        expected = hmac.new(key, bytes(body), self.algorithm).digest()
        if received is None or not hmac.compare_digest(received, expected):
            raise InvalidSignatureError(f"{SIGNATURE_HEADER} does not match the body")

    def _digest_of(self, signature: str) -> bytes | None:
        if self.prefix and not signature.startswith(self.prefix):
            return None
        encoded = signature[len(self.prefix) :]
        try:
            if self.encoding == "hex":
                if encoded != encoded.lower():  # the assumed scheme is lowercase hex exactly
                    return None
                return bytes.fromhex(encoded)
            return base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            return None

    def construct_event(self, body: bytes, signature: str | None) -> WebhookEvent:
        """Verify, parse, then check the event's age: the one call a webhook handler needs.

        Raises :class:`InvalidSignatureError` (a wrong or missing signature), :class:`StaleWebhookError`
        (signed, but ``event.timestamp`` is outside the tolerance or missing), or
        :class:`WebhookPayloadError` (:class:`WebhookTooLargeError` for an oversized or deep body).
        """
        self.verify(body, signature)
        event = parse_event(body)
        self.check_age(event)
        return event

    def check_age(self, event: WebhookEvent) -> None:
        """Raise :class:`StaleWebhookError` unless ``event.timestamp`` is within the tolerance of now."""
        if self.tolerance_seconds is None:
            return
        timestamp = event.timestamp if isinstance(event, UnknownEvent) else event.event.timestamp
        if not isinstance(timestamp, int) or isinstance(timestamp, bool):
            raise StaleWebhookError("the event has no integer event.timestamp to check its age", age=math.inf)
        age = self.clock.time() - timestamp
        if abs(age) > self.tolerance_seconds:
            when = f"{age:.0f} s old" if age > 0 else f"{-age:.0f} s in the future"
            raise StaleWebhookError(
                f"the event is {when}; deliveries are accepted within {self.tolerance_seconds:g} s "
                "(a replay, or a clock that is off)",
                age=age,
            )


def parse_event(body: bytes | str | dict[str, Any]) -> WebhookEvent:
    """Parse a delivery into its typed event; an unknown ``event.type`` gives :class:`UnknownEvent`.

    A body over :data:`MAX_BODY_BYTES` or nested deeper than :data:`MAX_DEPTH` raises
    :class:`WebhookTooLargeError` before it is parsed.
    """
    if isinstance(body, bytes | bytearray | str):
        _check_size(body)
        _check_depth(body)
    try:
        data = json.loads(body) if isinstance(body, bytes | bytearray | str) else body
    except (ValueError, RecursionError) as error:
        raise WebhookPayloadError(f"webhook body is not JSON: {type(error).__name__}") from None
    event = data.get("event") if isinstance(data, dict) else None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise WebhookPayloadError("webhook body has no event.type")
    model = _EVENT_MODELS.get(event["type"])
    if model is None:
        payload = data.get("payload")
        timestamp = event.get("timestamp")
        return UnknownEvent(
            id=str(event["id"]) if event.get("id") is not None else None,
            type=event["type"],
            timestamp=timestamp if isinstance(timestamp, int) else None,
            payload=payload if isinstance(payload, dict) else {},
        )
    try:
        return model.from_dict(data)
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise WebhookPayloadError(  # the reason's type only: its text may quote the payload
            f"cannot read the {event['type']} event: {type(error).__name__}"
        ) from None


def _check_size(body: bytes | bytearray | str) -> None:
    if len(body) > MAX_BODY_BYTES:
        raise WebhookTooLargeError(
            f"webhook body of {len(body)} bytes is over the {MAX_BODY_BYTES}-byte bound"
        )


def _check_depth(body: bytes | bytearray | str) -> None:
    """Refuse JSON nested deeper than :data:`MAX_DEPTH`, counted on the text (strings skipped)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else body
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise WebhookTooLargeError(f"webhook body is nested deeper than {MAX_DEPTH} levels")
        elif char in "]}":
            depth -= 1
