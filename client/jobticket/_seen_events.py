"""Idempotent webhook handling: each event id is processed once, however often it is delivered.

Deliveries are at least once (O-30): a receiver that answered slowly, or whose 2xx was lost, gets the
same event again. :class:`SeenEvents` remembers the ids it let through, for ``ttl_seconds``, in a
:class:`SeenEventStore`: in memory by default (bounded: the oldest ids go first when it is full), or any
store of your own, such as one in Redis shared by every replica of the receiver::

    class RedisSeenEvents:  # a SeenEventStore
        def __init__(self, client: redis.Redis) -> None:
            self.client = client

        def add(self, event_id: str, ttl_seconds: float) -> bool:
            return bool(self.client.set(f"webhook:{event_id}", 1, nx=True, px=int(ttl_seconds * 1000)))

        def discard(self, event_id: str) -> None:
            self.client.delete(f"webhook:{event_id}")
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "DEFAULT_MAX_EVENTS",
    "DEFAULT_TTL_SECONDS",
    "MemorySeenEventStore",
    "SeenEventStore",
    "SeenEvents",
]

DEFAULT_MAX_EVENTS = 10_000
DEFAULT_TTL_SECONDS = 24 * 3600.0


class SeenEventStore(Protocol):
    """Where :class:`SeenEvents` keeps the ids it let through; each call is atomic."""

    def add(self, event_id: str, ttl_seconds: float) -> bool:
        """Remember ``event_id`` for ``ttl_seconds``; True when it was not remembered yet."""
        ...

    def discard(self, event_id: str) -> None:
        """Forget ``event_id`` (its processing failed: the next delivery should be processed)."""
        ...


class MemorySeenEventStore:
    """Ids in this process, at most ``max_events`` of them (the oldest go first), each for its ttl."""

    def __init__(
        self, max_events: int = DEFAULT_MAX_EVENTS, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if max_events < 1:
            raise ValueError(f"max_events must be >= 1, got {max_events}")
        self.max_events = max_events
        self._clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()  # id -> when it is forgotten, oldest first
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._expiry)

    def add(self, event_id: str, ttl_seconds: float) -> bool:
        now = self._clock()
        with self._lock:
            self._expire(now)
            if event_id in self._expiry:
                return False
            self._expiry[event_id] = now + ttl_seconds
            while len(self._expiry) > self.max_events:
                self._expiry.popitem(last=False)
            return True

    def discard(self, event_id: str) -> None:
        with self._lock:
            self._expiry.pop(event_id, None)

    def _expire(self, now: float) -> None:
        # Entries are in insertion order; with one ttl per store that is also expiry order.
        while self._expiry and next(iter(self._expiry.values())) <= now:
            self._expiry.popitem(last=False)


class SeenEvents:
    """Lets each event id through once: :meth:`first_delivery` is False for a repeated delivery.

    Use it after the verifier: ``if not seen.first_delivery(event): return 200`` (acknowledge, do
    nothing). When processing fails, call :meth:`forget` so that the sender's retry is processed.
    An event without an id (an unknown type may lack one) always counts as a first delivery.
    """

    def __init__(
        self, store: SeenEventStore | None = None, *, ttl_seconds: float = DEFAULT_TTL_SECONDS
    ) -> None:
        if not 0 < ttl_seconds < math.inf:
            raise ValueError(f"ttl_seconds must be a positive number of seconds, got {ttl_seconds!r}")
        self.store: SeenEventStore = MemorySeenEventStore() if store is None else store
        self.ttl_seconds = ttl_seconds

    def first_delivery(self, event: object) -> bool:
        """Record the event's id and return True, or return False when it was already let through."""
        key = _id_of(event)
        return True if key is None else self.store.add(key, self.ttl_seconds)

    def forget(self, event: object) -> None:
        """Forget the event's id, so its next delivery is let through (after a failed processing)."""
        key = _id_of(event)
        if key is not None:
            self.store.discard(key)


def _id_of(event: object) -> str | None:
    """The event id of a parsed event (``event.event.id``, or ``event.id`` of an unknown one) or a str."""
    if isinstance(event, str):
        return event
    meta = getattr(event, "event", None)
    value = getattr(meta, "id", None) if meta is not None else getattr(event, "id", None)
    return None if value is None else str(value)
