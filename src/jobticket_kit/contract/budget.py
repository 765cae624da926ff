"""The run's one request budget: one pace for every request, a cap on their number, a stop at a 429.

The API blocks a credential for 5 minutes after 100 requests in a rolling minute, and schemathesis'
own limiter cannot ride out such a block (field notes). So every request of a contract run, whether
schemathesis or a named check sends it, asks this object for a slot first. There is one pace for the
whole run (default 80 per minute, all credentials together: requests without credentials, with a
wrong one or with a limited key count too), because staging may limit per client address or throttle
failed logins rather than count strictly per key. The run also has a total (``limit``) it never
exceeds, and a ``ceiling`` below it that the plan moves as it goes (what fuzzing may use, what the
rate-limit probe keeps in reserve). After a 429 every further request is refused with
:class:`TargetBlocked`, so the run ends with a clear "blocked" verdict instead of a retry storm; after a
:meth:`RequestBudget.halt` (an answer the run refused, a sandbox guard that refused, an incident) with
:class:`RunHalted`.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass

from jobticket import Clock, Pacer, SystemClock
from jobticket_kit.settings import DEFAULT_RATE_LIMIT, DEFAULT_WINDOW

__all__ = [
    "Block",
    "BudgetSpent",
    "Clock",
    "RequestBudget",
    "RunHalted",
    "SystemClock",
    "TargetBlocked",
]


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


class BudgetSpent(RuntimeError):
    """The run (or the current step of its plan) has used every request it may send."""

    def __init__(self, spent: int, allowed: int) -> None:
        super().__init__(f"request budget spent: {spent} of {allowed} request(s) used")
        self.spent = spent
        self.allowed = allowed


class RunHalted(RuntimeError):
    """The run was halted (see :meth:`RequestBudget.halt`): no further request may be sent."""


class RequestBudget:
    """Paces, counts, caps and guards every request of one contract run (thread-safe)."""

    def __init__(
        self,
        *,
        per_minute: int | None = DEFAULT_RATE_LIMIT,
        window_seconds: float = DEFAULT_WINDOW,
        clock: Clock | None = None,
        limit: int | None = None,
    ) -> None:
        if per_minute is not None and per_minute < 1:
            raise ValueError(f"per_minute must be >= 1 or None (no pacing), got {per_minute}")
        if limit is not None and limit < 1:
            raise ValueError(f"limit must be >= 1 or None (no cap), got {limit}")
        self.per_minute = per_minute
        self.window_seconds = window_seconds
        self.limit = limit
        self.clock = clock or SystemClock()
        self._pace = Pacer(per_minute, window_seconds, clock=self.clock) if per_minute else None
        self._by_credential: Counter[str] = Counter()
        self._by_operation: Counter[str] = Counter()
        self._statuses: Counter[tuple[str, int]] = Counter()
        self._retries = 0
        self._exempt: set[str] = set()
        self._ceiling: int | None = None
        self._waited = 0.0
        self._block: Block | None = None
        self._halt: str | None = None
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
    def statuses(self) -> dict[tuple[str, int], int]:
        """Answers per (operation, status code): what the run reached."""
        with self._lock:
            return dict(self._statuses)

    @property
    def retries(self) -> int:
        """Requests that were re-sends after a transient fault (counted in ``spent`` too)."""
        with self._lock:
            return self._retries

    @property
    def waited_seconds(self) -> float:
        """How long pacing made the run wait (fake seconds on a fake clock: see :attr:`real_time`)."""
        with self._lock:
            return self._waited

    @property
    def real_time(self) -> bool:
        """Whether the run paces on the wall clock (else on a fake clock: its waits cost no time)."""
        return isinstance(self.clock, SystemClock)

    @property
    def block(self) -> Block | None:
        """The 429 that stopped the run, if one did."""
        with self._lock:
            return self._block

    @property
    def halted(self) -> str | None:
        """Why the run was halted, if it was."""
        with self._lock:
            return self._halt

    def halt(self, reason: str) -> None:
        """Refuse every further request of the run (the first reason is kept)."""
        with self._lock:
            self._halt = self._halt or reason

    @property
    def allowed(self) -> int | None:
        """How many requests the run may have sent by now: the lower of limit and ceiling."""
        with self._lock:
            return self._allowed()

    def set_ceiling(self, ceiling: int | None) -> None:
        """Allow at most ``ceiling`` requests in total until further notice (None: only the limit)."""
        with self._lock:
            self._ceiling = ceiling

    def exempt(self, credential: str) -> None:
        """Let ``credential``'s 429s through and leave it out of the pace (the rate-limit probe's own key).

        The probe must send 101 requests within a minute on its own key to see the limit; it runs
        last, so nothing else of the run can be blocked by it.
        """
        with self._lock:
            self._exempt.add(credential)

    def acquire(self, credential: str, operation: str, *, retry: bool = False) -> None:
        """Wait for a slot and count the request; raise once the run is blocked or its budget spent."""
        with self._lock:
            if self._block is not None:
                raise TargetBlocked(self._block)
            if self._halt is not None:
                raise RunHalted(self._halt)
            allowed = self._allowed()
            spent = sum(self._by_credential.values())
            if allowed is not None and spent >= allowed:
                raise BudgetSpent(spent, allowed)
            # Reserve the slot now, so that parallel senders never overshoot the cap.
            self._by_credential[credential] += 1
            self._by_operation[operation] += 1
            self._retries += retry
            paced = self._pace is not None and credential not in self._exempt
        if paced:
            assert self._pace is not None
            while (wait := self._pace.try_acquire()) > 0:
                with self._lock:
                    self._waited += wait
                self.clock.sleep(wait)

    def observe(
        self,
        credential: str,
        request: str,
        status: int,
        retry_after: str | None,
        *,
        operation: str | None = None,
    ) -> None:
        """Look at a response: count what it reached; a 429 stops the run (unless the key is exempt)."""
        with self._lock:
            if operation is not None:
                self._statuses[(operation, status)] += 1
            if status != 429 or credential in self._exempt:
                return
            if self._block is None:
                self._block = Block(request=request, retry_after=retry_after)
            block = self._block
        raise TargetBlocked(block)

    def _allowed(self) -> int | None:
        caps = [cap for cap in (self.limit, self._ceiling) if cap is not None]
        return min(caps) if caps else None
