"""Webhook receiving: verify ``X-Signing-Signature`` over the raw body, then parse a typed event.

The signature scheme is not documented publicly (O-29). The default is the working assumption,
HMAC-SHA256 over the exact raw body as lowercase hex with no prefix; algorithm, encoding and prefix are
settings, so a correction after the contract run is a configuration change. Verify before parsing and
pass the body exactly as received: re-serialised JSON does not verify.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from jobticket_api.models import EmployeeSubscriptionChangedEvent, NewEmployeeDocumentGeneratedEvent

from ._exceptions import InvalidSignatureError, WebhookPayloadError

__all__ = [
    "SIGNATURE_HEADER",
    "InvalidSignatureError",
    "UnknownEvent",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookVerifier",
    "parse_event",
]

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
    """Check deliveries against one endpoint's signing secret."""

    secret: bytes | str = field(repr=False)
    algorithm: str = "sha256"
    encoding: Literal["hex", "base64"] = "hex"
    prefix: str = ""

    def __post_init__(self) -> None:
        if not self.secret:
            raise ValueError("the webhook signing secret is empty")
        if self.algorithm not in hashlib.algorithms_guaranteed:
            raise ValueError(f"unknown hash algorithm {self.algorithm!r}")
        if self.encoding not in ("hex", "base64"):
            raise ValueError("encoding must be 'hex' or 'base64'")

    def sign(self, body: bytes) -> str:
        """Compute the header value a sender puts on ``body`` (for tests and the twin)."""
        key = self.secret.encode() if isinstance(self.secret, str) else self.secret
        digest = hmac.new(key, body, self.algorithm).digest()
        encoded = digest.hex() if self.encoding == "hex" else base64.b64encode(digest).decode()
        return self.prefix + encoded

    def verify(self, body: bytes, signature: str | None) -> None:
        """Raise :class:`InvalidSignatureError` unless ``signature`` matches ``body`` (constant time)."""
        if not isinstance(body, bytes | bytearray):
            raise TypeError("verify the raw body bytes, not parsed or re-serialised JSON")
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
        """Verify, then parse: the one call a webhook handler needs."""
        self.verify(body, signature)
        return parse_event(body)


def parse_event(body: bytes | str | dict[str, Any]) -> WebhookEvent:
    """Parse a delivery into its typed event; an unknown ``event.type`` gives :class:`UnknownEvent`."""
    try:
        data = json.loads(body) if isinstance(body, bytes | str) else body
    except ValueError as error:
        raise WebhookPayloadError(f"webhook body is not JSON: {error}") from None
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
