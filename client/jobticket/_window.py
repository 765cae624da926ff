"""The one sliding-window algorithm every pacer store applies, and the bound on what a store may say.

A store shares its state with other processes (a file, Redis), so what it holds is not trusted: no
block lasts longer than the API's documented one (5 minutes, facts section 3) from now, whatever a
store was told or says, and a wait that is not a finite number is taken as that longest wait rather
than as "send now".
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

__all__ = ["MAX_BLOCK_SECONDS", "Window", "bounded_wait"]

#: The API blocks a credential for 5 minutes after a 429 [DOC]; nothing a store holds blocks longer.
MAX_BLOCK_SECONDS = 300.0


def bounded_wait(seconds: float, window: float = 0.0) -> float:
    """``seconds`` within 0 and the longest wait there can be (the block, or one whole ``window``)."""
    longest = max(MAX_BLOCK_SECONDS, window)
    if math.isnan(seconds):
        return longest
    return min(max(seconds, 0.0), longest)


@dataclass
class Window:
    """Sent times (oldest first) and the end of a block of one credential."""

    sent: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0

    def acquire(self, limit: int, window: float, now: float) -> float:
        """Take a slot at ``now`` and return 0, or return the seconds until one frees or the block ends."""
        self._bound_block(now)
        if now < self.blocked_until:
            return self.blocked_until - now
        horizon = now - window
        while self.sent and (self.sent[0] <= horizon or self.sent[0] > now + window):
            self.sent.popleft()  # left the window (or written by a clock that has since gone back)
        if len(self.sent) < limit:
            self.sent.append(now)
            return 0.0
        # With another process's smaller limit the window may hold more than ours: wait for enough to leave.
        return bounded_wait(self.sent[len(self.sent) - limit] - horizon, window)

    def block(self, seconds: float, now: float) -> None:
        """Record a block of ``seconds`` from ``now`` (a longer one is kept; none beyond the bound)."""
        self._bound_block(now)
        self.blocked_until = max(self.blocked_until, now + bounded_wait(seconds))

    def blocked_for(self, now: float) -> float:
        """Seconds left of the block, 0 when there is none."""
        self._bound_block(now)
        return max(0.0, self.blocked_until - now)

    def _bound_block(self, now: float) -> None:
        if not self.blocked_until <= now + MAX_BLOCK_SECONDS:  # NaN and infinity included
            self.blocked_until = now + MAX_BLOCK_SECONDS
