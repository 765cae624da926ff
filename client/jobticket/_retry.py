"""When to retry and how long to wait, kept free of I/O so the sync and async transports share it.

Only what cannot do harm is retried: 502/503/504 and connection failures of idempotent calls, a
connect failure of any call (nothing was sent), and one 429 whose ``Retry-After`` is within the cap.
A 500 is reported, never retried, and a POST that may have reached the server is never sent twice.
"""

from __future__ import annotations

import email.utils
import math
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from ._window import MAX_BLOCK_SECONDS

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["RetryPolicy", "parse_retry_after"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({502, 503, 504})
# A connect failure means the request never left this process, so even a POST may be sent again.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date (``now`` is Unix time)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:  # an HTTP date without a zone is GMT by definition
            return None
        return max(0.0, moment.timestamp() - now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """How many retries are allowed and how the back-off grows.

    ``max_retries`` bounds retries of 502/503/504 and connection errors; 429 gets at most
    ``max_rate_limit_retries`` more tries, and only when ``Retry-After`` is at most ``retry_after_cap``.
    A ``Retry-After`` above ``max_block_seconds`` (the documented 5-minute block) is taken as that block.
    """

    max_retries: int = 2
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    retry_after_cap: float = 60.0
    max_rate_limit_retries: int = 1
    max_block_seconds: float = MAX_BLOCK_SECONDS
    jitter: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.max_rate_limit_retries < 0:
            raise ValueError("max_retries and max_rate_limit_retries must be >= 0")
        if self.initial_backoff < 0 or self.max_backoff < self.initial_backoff:
            raise ValueError("need 0 <= initial_backoff <= max_backoff")
        if self.retry_after_cap < 0:
            raise ValueError("retry_after_cap must be >= 0")
        if self.max_block_seconds <= 0:
            raise ValueError("max_block_seconds must be > 0")

    def backoff(self, retry_number: int) -> float:
        """Exponential back-off with jitter for the ``retry_number``-th retry (1-based)."""
        base = min(self.initial_backoff * 2.0 ** (retry_number - 1), self.max_backoff)
        # Subtract up to 25 %: spreads clients apart without ever waiting longer than the cap.
        return base * (1 - 0.25 * self.jitter())

    @staticmethod
    def is_idempotent(method: str) -> bool:
        """Whether sending ``method`` twice can do no more harm than sending it once."""
        return method.upper() in IDEMPOTENT_METHODS

    def may_retry_status(self, method: str, status: int, retries_done: int) -> bool:
        """Retry a gateway error only for idempotent calls, within the budget."""
        return status in RETRYABLE_STATUSES and self.is_idempotent(method) and retries_done < self.max_retries

    def may_retry_error(self, method: str, error: Exception, retries_done: int) -> bool:
        """Retry a transport error when the call is idempotent or was certainly not sent."""
        if retries_done >= self.max_retries or not isinstance(error, httpx.TransportError):
            return False
        if isinstance(error, _NOT_SENT_ERRORS):
            return True
        return self.is_idempotent(method) and isinstance(
            error, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError
        )

    def clamp_block(self, retry_after: float | None) -> float | None:
        """``Retry-After`` bounded by the documented block: a server cannot lock the key out for years."""
        return None if retry_after is None else min(retry_after, self.max_block_seconds)

    def may_wait_rate_limit(self, retry_after: float | None, rate_limit_retries_done: int) -> bool:
        """Wait out a 429 once, and only when the server says how long and it is within the cap."""
        return (
            retry_after is not None
            and retry_after <= self.retry_after_cap
            and rate_limit_retries_done < self.max_rate_limit_retries
        )
