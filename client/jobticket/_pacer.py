"""Client-side pacing that keeps one credential under the API's rate limit.

The API blocks a credential for 5 minutes after 100 requests in a rolling minute, so this sliding-window
limiter (default 90 per 60 s) makes every request wait for a free slot instead. All clients of one
credential in a process share one pacer (see :func:`shared_pacer`), sync and async alike. A 429's
``Retry-After`` is recorded as a block so that no client of the credential keeps knocking during it.
"""

from __future__ import annotations

import threading
from collections import deque

from ._clock import Clock, SystemClock
from ._logging import logger

__all__ = ["DEFAULT_RATE_LIMIT", "DEFAULT_WINDOW_SECONDS", "Pacer", "shared_pacer"]

DEFAULT_RATE_LIMIT = 90  # below the documented 100, because one mistake costs a 5-minute block
DEFAULT_WINDOW_SECONDS = 60.0
LONG_WAIT_SECONDS = 5.0  # a longer wait is logged at WARNING, once per request


class Pacer:
    """A thread-safe sliding-window limiter; it reads the time from and waits on its :class:`Clock`."""

    def __init__(
        self,
        limit: int = DEFAULT_RATE_LIMIT,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        *,
        clock: Clock | None = None,
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("the pacer needs limit >= 1 and window_seconds > 0")
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock or SystemClock()
        self._sent: deque[float] = deque()
        self._blocked_until = float("-inf")
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Pacer(limit={self.limit}, window_seconds={self.window_seconds})"

    def try_acquire(self) -> float:
        """Take a slot now and return 0, or return how many seconds to wait before trying again."""
        with self._lock:
            now = self.clock.monotonic()
            if now < self._blocked_until:
                return self._blocked_until - now
            horizon = now - self.window_seconds
            while self._sent and self._sent[0] <= horizon:
                self._sent.popleft()
            if len(self._sent) < self.limit:
                self._sent.append(now)
                return 0.0
            return self._sent[0] - horizon

    def blocked_for(self) -> float:
        """Seconds left of a block recorded from a 429, 0 when there is none."""
        with self._lock:
            return max(0.0, self._blocked_until - self.clock.monotonic())

    def block(self, seconds: float) -> None:
        """Record that the server blocks this credential for ``seconds`` from now."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self.clock.monotonic() + seconds)

    def acquire(self, *, max_block: float = float("inf")) -> None:
        """Wait until a slot is free; raise :class:`BlockedError` rather than wait out a long block."""
        announced = False
        while (wait := self.try_acquire()) > 0:
            self._check_block(max_block)
            announced = announced or self._announce(wait)
            self.clock.sleep(wait)

    async def acquire_async(self, *, max_block: float = float("inf")) -> None:
        """Async twin of :meth:`acquire`; the slot bookkeeping is shared with sync callers."""
        announced = False
        while (wait := self.try_acquire()) > 0:
            self._check_block(max_block)
            announced = announced or self._announce(wait)
            await self.clock.asleep(wait)

    def _announce(self, wait: float) -> bool:
        """Log one WARNING, with the wait and its reason, when a request is held for long."""
        if wait <= LONG_WAIT_SECONDS:
            return False
        blocked = self.blocked_for()
        reason = (
            f"the key is blocked after a 429 for another {blocked:.0f} s"
            if blocked > 0
            else f"{self.limit} requests per {self.window_seconds:g} s were already sent with this key"
        )
        logger.warning("pacing: the next request waits %.1f s: %s", wait, reason)
        return True

    def _check_block(self, max_block: float) -> None:
        remaining = self.blocked_for()
        if remaining > max_block:
            raise BlockedError(remaining)


class BlockedError(Exception):
    """The credential is blocked for longer than the caller is willing to wait."""

    def __init__(self, remaining: float) -> None:
        super().__init__(f"credential blocked for another {remaining:.0f} s")
        self.remaining = remaining


_registry: dict[tuple[str, str, Clock], Pacer] = {}
_registry_lock = threading.Lock()


def shared_pacer(
    base_url: str,
    username: str,
    *,
    limit: int = DEFAULT_RATE_LIMIT,
    window_seconds: float = DEFAULT_WINDOW_SECONDS,
    clock: Clock | None = None,
) -> Pacer:
    """Return the process-wide pacer of one credential on one clock, creating it on first use.

    The first client of a credential fixes its limit; later clients with other settings share it anyway,
    because two pacers for one credential would together exceed the limit. Clients on a test clock get
    a pacer of that clock, so fake time never mixes with real time.
    """
    clock = clock or SystemClock()
    key = (base_url.rstrip("/").lower(), username, clock)
    with _registry_lock:
        pacer = _registry.get(key)
        if pacer is None:
            pacer = _registry[key] = Pacer(limit, window_seconds, clock=clock)
        return pacer
