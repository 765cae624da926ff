"""One source of time for the pacer, retries and back-off: the system's, or a fake one that tests move.

Everything in the client that reads the time or waits asks one :class:`Clock`, so a client built with
``clock=FakeClock()`` never waits in real time: sleeping on a fake clock moves it forward at once.
"""

from __future__ import annotations

import abc
import threading
import time

__all__ = ["DEFAULT_FAKE_START", "Clock", "FakeClock", "SystemClock"]

# 2026-05-13T08:48:02Z, the timestamp of the docs' webhook example.
DEFAULT_FAKE_START = 1_778_662_082.0


class Clock(abc.ABC):
    """Monotonic time, wall time and sleeping (sync and async) from one source."""

    @abc.abstractmethod
    def monotonic(self) -> float:
        """Seconds that never go backwards, for measuring waits and windows in one host."""

    @abc.abstractmethod
    def time(self) -> float:
        """Unix seconds, for ``Retry-After`` dates, today's date and stores shared between hosts."""

    @abc.abstractmethod
    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""

    @abc.abstractmethod
    async def asleep(self, seconds: float) -> None:
        """Wait ``seconds`` without blocking the event loop."""


class SystemClock(Clock):
    """The real clock: :func:`time.monotonic`, :func:`time.time`, :func:`time.sleep`, ``asyncio.sleep``.

    Every instance is equal to every other, so clients on the system clock share one pacer.
    """

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        import asyncio  # noqa: PLC0415 - sync-only programs need not import asyncio

        await asyncio.sleep(seconds)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return "SystemClock()"


class FakeClock(Clock):
    """A clock that moves only when told to or slept on; thread-safe, for tests.

    Monotonic and wall time are one value (Unix seconds, from ``start``), and calling the clock returns
    it, so it also serves where a plain ``() -> float`` is expected (the twin's ``TwinConfig(clock=)``).
    ``sleep`` and ``asleep`` advance it and record the seconds asked for in :attr:`sleeps`.
    """

    def __init__(self, start: float = DEFAULT_FAKE_START) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        """The current fake time in Unix seconds."""
        with self._lock:
            return self._now

    def __repr__(self) -> str:
        return f"FakeClock(now={self()})"

    def monotonic(self) -> float:
        return self()

    def time(self) -> float:
        return self()

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (never backwards) and return the new time."""
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds}")
        with self._lock:
            self._now += seconds
            return self._now

    def sleep(self, seconds: float) -> None:
        """Record the wait and move the clock past it, at once."""
        with self._lock:
            self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))

    async def asleep(self, seconds: float) -> None:
        """Like :meth:`sleep`, then let other tasks run (as a real wait would)."""
        import asyncio  # noqa: PLC0415 - sync-only programs need not import asyncio

        self.sleep(seconds)
        await asyncio.sleep(0)
