"""The per-credential rate limit of working assumption O-15: a rolling window, then a hard block."""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["RateLimiter"]


@dataclass
class _KeyUsage:
    hits: deque[float] = field(default_factory=deque)
    blocked_until: float | None = None


class RateLimiter:
    """Counts accepted requests per key; the one over the limit starts a block.

    Rejected requests neither count nor extend the block, and the window starts empty when the block
    ends. ``limit == 0`` turns the limiter off.
    """

    def __init__(self, limit: int, window: float, block: float, clock: Callable[[], float]) -> None:
        self.limit = limit
        self.window = window
        self.block = block
        self._clock = clock
        self._usage: dict[str, _KeyUsage] = {}
        self._lock = threading.Lock()

    def hit(self, key_id: str) -> int | None:
        """Count one request of ``key_id``; return None if allowed, else Retry-After seconds."""
        if self.limit == 0:
            return None
        now = self._clock()
        with self._lock:
            usage = self._usage.setdefault(key_id, _KeyUsage())
            if usage.blocked_until is not None:
                if now < usage.blocked_until:
                    return self._retry_after(usage.blocked_until - now)
                usage.blocked_until = None
                usage.hits.clear()
            while usage.hits and usage.hits[0] <= now - self.window:
                usage.hits.popleft()
            if len(usage.hits) >= self.limit:
                usage.blocked_until = now + self.block
                return self._retry_after(self.block)
            usage.hits.append(now)
            return None

    def reset(self) -> None:
        """Forget every key's history and block."""
        with self._lock:
            self._usage.clear()

    def _retry_after(self, remaining: float) -> int:
        return max(1, min(math.ceil(remaining), math.ceil(self.block)))
