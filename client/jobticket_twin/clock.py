"""Clocks: the twin reads Unix seconds from an injectable callable, so tests can move time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

__all__ = ["DEFAULT_FAKE_START", "FakeClock", "iso_date", "iso_datetime"]

# 2026-05-13T08:48:02Z, the timestamp of the docs' webhook example.
DEFAULT_FAKE_START = 1_778_662_082.0


class FakeClock:
    """A clock that only moves when told to; shared safely between the test and the server thread."""

    def __init__(self, start: float = DEFAULT_FAKE_START) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        """Return the current fake time in Unix seconds."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (never backwards) and return the new time."""
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds}")
        with self._lock:
            self._now += seconds
            return self._now


def iso_datetime(seconds: float) -> str:
    """Format Unix seconds the way the API does: ISO 8601 in UTC with ``Z``."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(seconds: float) -> str:
    """Format Unix seconds as the API's ``YYYY-MM-DD`` date (UTC)."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%d")
