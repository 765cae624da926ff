"""Clocks: the twin reads Unix seconds from an injectable callable, so tests can move time.

The fake clock is the client's own :class:`jobticket.FakeClock` (one type for the twin, the client and
the tests): a client and a twin given the same instance agree on every second.
"""

from __future__ import annotations

from datetime import UTC, datetime

from jobticket import FakeClock

__all__ = ["FakeClock", "iso_date", "iso_datetime"]


def iso_datetime(seconds: float) -> str:
    """Format Unix seconds the way the API does: ISO 8601 in UTC with ``Z``."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(seconds: float) -> str:
    """Format Unix seconds as the API's ``YYYY-MM-DD`` date (UTC)."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%d")
