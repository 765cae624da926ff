"""An overall deadline per call, because httpx's timeouts are per read.

A server that drips one byte per second never trips a 30 s read timeout, and would keep a call alive
for as long as it likes.

The deadline starts when the first attempt is sent and covers every retry, back-off and the body; the
pacer's waits (for a free slot, or a ``Retry-After`` within ``retry_after_cap``) are the client's own,
bounded and logged, so they are not charged to it. Each attempt's httpx timeouts are cut to the
time left, a retry that could not start in time is not made, and the body is checked between chunks: a
call ends at its deadline, or at the latest one read (itself cut to the time left) after it. A dripped
response head is bounded only per read and by h11's 100 KiB head limit; once it is complete, nothing
more is read past the deadline.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import httpx

from ._exceptions import DeadlineExceededError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

__all__ = ["DEFAULT_DEADLINE", "Deadline", "default_deadline"]

DEFAULT_DEADLINE_FACTOR = 3  # a few read timeouts: room for the retries of a slow but honest answer
DEFAULT_DEADLINE = 90.0  # with the default 30 s read timeout, and when reads never time out


def default_deadline(timeout: httpx.Timeout) -> float:
    """The deadline used when none is given: three times the read timeout (90 s if reads never time out)."""
    if timeout.read is None:
        return DEFAULT_DEADLINE
    return DEFAULT_DEADLINE_FACTOR * timeout.read


class Deadline:
    """The deadline of one call, on the client's monotonic clock."""

    def __init__(self, seconds: float, monotonic: Callable[[], float], request: httpx.Request) -> None:
        self.seconds = seconds
        self._monotonic = monotonic
        self._request = request
        self._end: float | None = None
        self._timeouts: dict[str, float | None] = dict(request.extensions.get("timeout", {}))

    def start_attempt(self) -> None:
        """Start the clock on the first attempt; cut this attempt's httpx timeouts to the time left."""
        if self._end is None:
            self._end = self._monotonic() + self.seconds
        left = self.remaining()
        if left <= 0:
            raise self.exceeded()
        self._request.extensions["timeout"] = {
            name: left if value is None else min(value, left) for name, value in self._timeouts.items()
        } or {"connect": left, "read": left, "write": left, "pool": left}

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Do not charge the time spent in the block to the deadline."""
        before = self._monotonic()
        try:
            yield
        finally:
            if self._end is not None:
                self._end += self._monotonic() - before

    def remaining(self) -> float:
        """Seconds left (the whole deadline before the first attempt)."""
        if self._end is None:
            return self.seconds
        return self._end - self._monotonic()

    def allows(self, delay: float) -> bool:
        """Whether a retry after ``delay`` seconds would still start before the deadline."""
        return delay < self.remaining()

    def exceeded(self) -> DeadlineExceededError:
        return DeadlineExceededError(
            f"overall deadline of {self.seconds:g} s per call exceeded", request=self._request
        )

    def guard(self, response: httpx.Response, *, asynchronous: bool) -> None:
        """Make reading the body raise once the deadline passed (checked before and after every chunk)."""
        stream = response.stream
        if asynchronous and isinstance(stream, httpx.AsyncByteStream):
            response.stream = _AsyncGuardedStream(stream, self)
        elif not asynchronous and isinstance(stream, httpx.SyncByteStream):
            response.stream = _GuardedStream(stream, self)

    def check(self) -> None:
        if self.remaining() <= 0:
            raise self.exceeded()


class _GuardedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        self._deadline.check()  # the head itself may have come too late
        for chunk in self._inner:
            self._deadline.check()
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncGuardedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self._deadline.check()  # the head itself may have come too late
        async for chunk in self._inner:
            self._deadline.check()
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()
