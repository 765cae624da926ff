"""Client-side pacing that keeps one credential under the API's rate limit.

The API blocks a credential for 5 minutes after 100 requests in a rolling minute, so this sliding-window
limiter (default 90 per 60 s) makes every request wait for a free slot instead. The slots live in a
:class:`PacerStore`: by default a file that every process of the user on the host shares, so cron jobs,
workers and CI steps with one credential pace together; ``redis://…`` extends that to several hosts. All
clients of one credential share one pacer (see :func:`shared_pacer`), sync and async alike. A 429's
``Retry-After`` is recorded as a block in the store, so that no client of the credential keeps knocking.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from ._clock import Clock, SystemClock
from ._exceptions import BlockedError, ConfigurationError
from ._logging import logger
from ._pacer_store import MemoryStore, PacerStore, credential_key, open_store, process_memory_store
from ._window import bounded_wait

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_RATE_LIMIT", "DEFAULT_WINDOW_SECONDS", "Pacer", "choose_store", "shared_pacer"]

DEFAULT_RATE_LIMIT = 90  # below the documented 100, because one mistake costs a 5-minute block
DEFAULT_WINDOW_SECONDS = 60.0
LONG_WAIT_SECONDS = 5.0  # a longer wait is logged at WARNING, once per request


class Pacer:
    """A thread- and process-safe sliding-window limiter on a :class:`Clock` and a :class:`PacerStore`.

    ``store`` is a store or its name (``"memory"``, ``"file"``, ``"redis://…"``); without one, this pacer
    keeps its slots to itself in memory. ``key`` names the credential in a shared store.
    """

    def __init__(
        self,
        limit: int = DEFAULT_RATE_LIMIT,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        *,
        clock: Clock | None = None,
        store: PacerStore | str | None = None,
        key: str = "default",
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("the pacer needs limit >= 1 and window_seconds > 0")
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock or SystemClock()
        if store is None:
            store = MemoryStore()
        self.store = open_store(store, os.environ) if isinstance(store, str) else store
        self.key = key

    def __repr__(self) -> str:
        return f"Pacer(limit={self.limit}, window_seconds={self.window_seconds}, store={self.store!r})"

    def try_acquire(self) -> float:
        """Take a slot now and return 0, or return how many seconds to wait before trying again.

        Whatever the store answers is bounded (:func:`._window.bounded_wait`): a shared store cannot
        hold a client for longer than the documented block, nor make it send with a NaN.
        """
        wait = self.store.acquire(self.key, self.limit, self.window_seconds, self._now())
        return bounded_wait(wait, self.window_seconds)

    def blocked_for(self) -> float:
        """Seconds left of a block recorded from a 429 (by any client sharing the store), 0 when none."""
        return bounded_wait(self.store.blocked_for(self.key, self._now()))

    def block(self, seconds: float) -> None:
        """Record that the server blocks this credential for ``seconds`` from now."""
        self.store.block(self.key, seconds, self._now())

    def _now(self) -> float | None:
        # On the real clock the store reads the time itself (a shared store then agrees across processes
        # and hosts); on a test clock, the test's time is the only time there is.
        return None if isinstance(self.clock, SystemClock) else self.clock.time()

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
        while (wait := await self._try_acquire_async()) > 0:
            self._check_block(max_block)
            announced = announced or self._announce(wait)
            await self.clock.asleep(wait)

    async def _try_acquire_async(self) -> float:
        if isinstance(self.store, MemoryStore):
            return self.try_acquire()
        import asyncio  # noqa: PLC0415 - sync-only programs need not import asyncio

        # A file lock or a Redis round trip must not stall the event loop (Redis may take its timeout).
        return await asyncio.to_thread(self.try_acquire)

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


_registry: dict[tuple[str, str, Clock, PacerStore], Pacer] = {}
_registry_lock = threading.Lock()


def choose_store(
    store: PacerStore | str | None, clock: Clock, env: Mapping[str, str] | None = None
) -> PacerStore:
    """The store a client uses: the one given, else ``JOBTICKET_PACER_STORE`` (default ``file``).

    A client on a test clock defaults to this process's memory: fake times in a shared store would
    make real clients of the credential wait.
    """
    if store is not None and not isinstance(store, str):
        return store
    if store is None and not isinstance(clock, SystemClock):
        return process_memory_store()
    return open_store(store, os.environ if env is None else env)


def shared_pacer(
    base_url: str,
    username: str,
    *,
    limit: int | None = None,
    window_seconds: float | None = None,
    clock: Clock | None = None,
    store: PacerStore | str | None = None,
) -> Pacer:
    """Return the process-wide pacer of one credential on one clock and store, creating it on first use.

    The first client of a credential fixes its limit and window (``None``: 90 per 60 s); a later client
    that asks for another limit or window raises :class:`ConfigurationError`, because two pacers for
    one credential would together exceed the limit, and silently pacing by the first one's would not be
    what was asked (other processes pace by their own limit against the same sent times). Clients on a
    test clock get a pacer of that clock, so fake time never mixes with real time.
    """
    clock = clock or SystemClock()
    chosen = choose_store(store, clock)
    key = (base_url.rstrip("/").lower(), username, clock, chosen)
    with _registry_lock:
        pacer = _registry.get(key)
        if pacer is None:
            pacer = _registry[key] = Pacer(
                DEFAULT_RATE_LIMIT if limit is None else limit,
                DEFAULT_WINDOW_SECONDS if window_seconds is None else window_seconds,
                clock=clock,
                store=chosen,
                key=credential_key(base_url, username),
            )
            return pacer
    for name, asked, shared in (
        ("rate_limit", limit, pacer.limit),
        ("rate_window_seconds", window_seconds, pacer.window_seconds),
    ):
        if asked is not None and asked != shared:
            raise ConfigurationError(
                f"{name}={asked!r} and the shared pacer of this API key ({pacer.limit} requests per "
                f"{pacer.window_seconds:g} s, fixed by its first client) disagree: every client of a key "
                f"shares one pacer; ask for the same {name}=, or pass pacer= to choose one"
            )
    return pacer
