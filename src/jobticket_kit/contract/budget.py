"""The run's one request budget: it paces every request under the rate limit, counts it, and stops at a 429.

The API blocks a credential for 5 minutes after 100 requests in a rolling minute, and schemathesis'
own limiter cannot ride out such a block (field notes). So every request of a contract run, whether
schemathesis or a named check sends it, asks this object for a slot first: it waits for a free slot
of its credential (default 80 per minute), counts the request per credential and per operation, and
after a 429 refuses every further request with :class:`TargetBlocked`, so the run ends with a clear
"blocked" verdict instead of a retry storm.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass

from jobticket import Clock, Pacer, SystemClock

__all__ = [
    "DEFAULT_PER_MINUTE",
    "Block",
    "Clock",
    "RequestBudget",
    "SystemClock",
    "TargetBlocked",
]

DEFAULT_PER_MINUTE = 80  # below the documented 100 per minute per credential


@dataclass(frozen=True)
class Block:
    """What the 429 that stopped the run said."""

    request: str
    retry_after: str | None

    def describe(self) -> str:
        """One line for the verdict."""
        wait = f", Retry-After {self.retry_after} s" if self.retry_after else ""
        return f"the target answered 429 to {self.request}{wait}; the run stopped to avoid a longer block"


class TargetBlocked(RuntimeError):
    """A 429 arrived: no further request may be sent in this run."""

    def __init__(self, block: Block) -> None:
        super().__init__(block.describe())
        self.block = block


class RequestBudget:
    """Paces, counts and guards every request of one contract run (thread-safe)."""

    def __init__(
        self,
        *,
        per_minute: int | None = DEFAULT_PER_MINUTE,
        window_seconds: float = 60.0,
        clock: Clock | None = None,
    ) -> None:
        if per_minute is not None and per_minute < 1:
            raise ValueError(f"per_minute must be >= 1 or None (no pacing), got {per_minute}")
        self.per_minute = per_minute
        self.window_seconds = window_seconds
        self.clock = clock or SystemClock()
        self._pacers: dict[str, Pacer] = {}
        self._by_credential: Counter[str] = Counter()
        self._by_operation: Counter[str] = Counter()
        self._exempt: set[str] = set()
        self._waited = 0.0
        self._block: Block | None = None
        self._lock = threading.Lock()

    @property
    def spent(self) -> int:
        """Requests sent so far, all credentials together."""
        with self._lock:
            return sum(self._by_credential.values())

    @property
    def by_credential(self) -> dict[str, int]:
        """Requests per credential label (never the secret)."""
        with self._lock:
            return dict(self._by_credential)

    @property
    def by_operation(self) -> dict[str, int]:
        """Requests per operation id (or ``METHOD path`` when no operation matched)."""
        with self._lock:
            return dict(self._by_operation)

    @property
    def waited_seconds(self) -> float:
        """How long pacing made the run wait (fake seconds on a fake clock)."""
        with self._lock:
            return self._waited

    @property
    def block(self) -> Block | None:
        """The 429 that stopped the run, if one did."""
        with self._lock:
            return self._block

    def exempt(self, credential: str) -> None:
        """Let ``credential``'s 429s through without stopping the run (the rate-limit probe's own key)."""
        with self._lock:
            self._exempt.add(credential)

    def acquire(self, credential: str, operation: str) -> None:
        """Wait for a slot of ``credential`` and count the request; raise once the run is blocked."""
        with self._lock:
            if self._block is not None:
                raise TargetBlocked(self._block)
            pacer = self._pacer(credential)
        if pacer is not None:
            while (wait := pacer.try_acquire()) > 0:
                with self._lock:
                    self._waited += wait
                self.clock.sleep(wait)
        with self._lock:
            self._by_credential[credential] += 1
            self._by_operation[operation] += 1

    def observe(self, credential: str, request: str, status: int, retry_after: str | None) -> None:
        """Look at a response; a 429 stops the run (unless the credential is exempt)."""
        if status != 429:
            return
        with self._lock:
            if credential in self._exempt:
                return
            if self._block is None:
                self._block = Block(request=request, retry_after=retry_after)
            block = self._block
        raise TargetBlocked(block)

    def _pacer(self, credential: str) -> Pacer | None:
        if self.per_minute is None or credential in self._exempt:
            return None
        pacer = self._pacers.get(credential)
        if pacer is None:
            pacer = self._pacers[credential] = Pacer(self.per_minute, self.window_seconds, clock=self.clock)
        return pacer
