"""Webhook events and their delivery: signed POSTs with retries, at least once (O-29, O-30).

Each event goes to every registered receiver (O-31). The body is compact JSON; the
``X-Signing-Signature`` header is the lowercase hex HMAC-SHA256 of exactly those bytes with the
receiver's secret. Any 2xx within the timeout counts as delivered; anything else is retried with
exponential back-off (``backoff * 2**n``) up to ``attempts`` times. Deliveries run as tasks on the
server's event loop; events published from another thread are handed over to that loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from jobticket_twin.representation import subscription_json

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jobticket_twin.config import WebhookReceiver
    from jobticket_twin.models import Document, Employee

__all__ = [
    "SIGNATURE_HEADER",
    "Delivery",
    "WebhookDispatcher",
    "WebhookEvent",
    "document_generated_event",
    "sign",
    "subscription_changed_event",
]

SIGNATURE_HEADER = "X-Signing-Signature"
_LOG_SIZE = 2000


def sign(secret: str, body: bytes) -> str:
    """Return the signature of ``body``: lowercase hex HMAC-SHA256 with ``secret`` (O-29)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class WebhookEvent:
    """One event: the envelope ``{"event": {id, type, timestamp}, "payload": ...}``."""

    id: str
    type: str
    timestamp: int
    payload: dict[str, Any]

    def body(self) -> bytes:
        """The exact bytes that are sent and signed."""
        envelope = {
            "event": {"id": self.id, "type": self.type, "timestamp": self.timestamp},
            "payload": self.payload,
        }
        return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def subscription_changed_event(employee: Employee, now: float) -> WebhookEvent:
    """``employee-subscription-changed``: the employee's id, resource and new subscription."""
    payload = {
        "id": employee.id,
        "resource": "employee",
        "subscription": subscription_json(employee.subscription),
    }
    return WebhookEvent(str(uuid.uuid4()), "employee-subscription-changed", int(now), payload)


def document_generated_event(document: Document, now: float) -> WebhookEvent:
    """``new-employee-document-generated``: the document and employee IDs (O-31)."""
    payload = {"id": document.id, "employeeId": document.employee_id, "resource": "employee-document"}
    return WebhookEvent(str(uuid.uuid4()), "new-employee-document-generated", int(now), payload)


@dataclass(frozen=True)
class Delivery:
    """One delivery attempt, as the twin's delivery log shows it (no bodies: they hold IDs only)."""

    event_id: str
    event_type: str
    url: str
    attempt: int
    status: int | None
    delivered: bool
    error: str | None = None


class WebhookDispatcher:
    """Holds the receivers and sends every published event to each of them."""

    def __init__(
        self,
        receivers: Iterable[WebhookReceiver] = (),
        *,
        attempts: int = 3,
        backoff_seconds: float = 0.2,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.timeout_seconds = timeout_seconds
        self._receivers: list[WebhookReceiver] = list(receivers)
        self._log: deque[Delivery] = deque(maxlen=_LOG_SIZE)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def receivers(self) -> list[WebhookReceiver]:
        """The registered receivers."""
        with self._lock:
            return list(self._receivers)

    def add_receiver(self, receiver: WebhookReceiver) -> None:
        """Register one more receiver; it gets every later event."""
        with self._lock:
            self._receivers.append(receiver)

    def clear_receivers(self) -> None:
        """Forget every receiver."""
        with self._lock:
            self._receivers.clear()

    def deliveries(self) -> list[Delivery]:
        """The delivery log, oldest first."""
        with self._lock:
            return list(self._log)

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Use ``loop`` for deliveries published from outside it (called at server start-up)."""
        self._loop = loop

    @property
    def pending(self) -> int:
        """How many deliveries are still running (including their retries)."""
        return len(self._tasks)

    def publish(self, events: Iterable[WebhookEvent]) -> None:
        """Queue ``events`` for every receiver; returns at once."""
        jobs = [(event, receiver) for event in events for receiver in self.receivers]
        if not jobs:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not None and (self._loop is None or running is self._loop):
            self._spawn(jobs)
        elif self._loop is not None:
            self._loop.call_soon_threadsafe(self._spawn, jobs)
        else:
            raise RuntimeError("webhook events published with no running event loop to deliver them")

    def _spawn(self, jobs: list[tuple[WebhookEvent, WebhookReceiver]]) -> None:
        for event, receiver in jobs:
            task = asyncio.get_running_loop().create_task(self._deliver(event, receiver))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, event: WebhookEvent, receiver: WebhookReceiver) -> None:
        body = event.body()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(receiver.secret, body)}
        async with httpx.AsyncClient(timeout=self.timeout_seconds, trust_env=False) as client:
            for attempt in range(1, self.attempts + 1):
                status: int | None = None
                error: str | None = None
                try:
                    response = await client.post(receiver.url, content=body, headers=headers)
                    status = response.status_code
                except httpx.HTTPError as exc:
                    error = type(exc).__name__
                delivered = status is not None and 200 <= status < 300
                self._record(Delivery(event.id, event.type, receiver.url, attempt, status, delivered, error))
                if delivered:
                    return
                if attempt < self.attempts:
                    await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))

    def _record(self, delivery: Delivery) -> None:
        with self._lock:
            self._log.append(delivery)

    async def aclose(self) -> None:
        """Stop every delivery still running (called at server shutdown)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
