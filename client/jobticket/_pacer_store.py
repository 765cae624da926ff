"""Where the pacer keeps a credential's sent requests and its 429 block: this process, this host or Redis.

A credential's limit holds for every process that uses it, so by default the slots live in a file that
every process of the user on the host shares (``fcntl`` locking); ``memory`` keeps them in the process,
``redis://…`` shares them between hosts (:mod:`._redis_store`). Each store answers the same question
atomically: "may I send now, and if not, how long until I may?", and records a block for everyone.

Times are seconds; ``now=None`` means the real time as the store best knows it (the monotonic clock in
one process, the wall clock on one host, the Redis server's clock between hosts). A pacer on a test clock
passes its own time instead.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ._exceptions import ConfigurationError, PacerStoreError
from ._file_store import FileStore
from ._logging import logger
from ._window import Window
from .variables import PACER_STORE

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "DEFAULT_STORE",
    "FileStore",
    "MemoryStore",
    "PacerStore",
    "credential_key",
    "default_file_store_dir",
    "open_store",
    "process_memory_store",
]

DEFAULT_STORE = "file"


class PacerStore(Protocol):
    """The shared state of the pacers of one credential: sent times within the window, and a block."""

    def acquire(self, key: str, limit: int, window: float, now: float | None = None) -> float:
        """Take a slot now and return 0, or return the seconds until a slot frees or the block ends."""
        ...

    def block(self, key: str, seconds: float, now: float | None = None) -> None:
        """Record that the server blocks ``key`` for ``seconds`` from now (a longer block is kept)."""
        ...

    def blocked_for(self, key: str, now: float | None = None) -> float:
        """Seconds left of the block of ``key``, 0 when there is none."""
        ...


def credential_key(base_url: str, username: str) -> str:
    """The store key of one credential: a digest, so no key id appears in file names or Redis keys."""
    identity = f"{base_url.rstrip('/').lower()}\n{username}"
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


class MemoryStore:
    """Slots in this process only (thread-safe): one process, or a test."""

    def __init__(self) -> None:
        self._windows: dict[str, Window] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "MemoryStore()"

    def acquire(self, key: str, limit: int, window: float, now: float | None = None) -> float:
        with self._lock:
            return self._window(key).acquire(limit, window, _now(now, time.monotonic))

    def block(self, key: str, seconds: float, now: float | None = None) -> None:
        with self._lock:
            self._window(key).block(seconds, _now(now, time.monotonic))

    def blocked_for(self, key: str, now: float | None = None) -> float:
        with self._lock:
            return self._window(key).blocked_for(_now(now, time.monotonic))

    def _window(self, key: str) -> Window:
        return self._windows.setdefault(key, Window())


def _now(now: float | None, real: Callable[[], float]) -> float:
    return real() if now is None else now


def default_file_store_dir(env: Mapping[str, str] = os.environ) -> Path | None:
    """``$XDG_CACHE_HOME/jobticket/pacer``, else ``~/.cache/jobticket/pacer``; None without a home."""
    cache = env.get("XDG_CACHE_HOME", "").strip()
    if cache and os.path.isabs(cache):
        return Path(cache) / "jobticket" / "pacer"
    home = env.get("HOME", "").strip()
    return Path(home) / ".cache" / "jobticket" / "pacer" if home and os.path.isabs(home) else None


_process_memory = MemoryStore()
_opened: dict[str, PacerStore] = {}
_opened_lock = threading.Lock()
_warned_fallback = False


def process_memory_store() -> MemoryStore:
    """The one memory store of this process (``JOBTICKET_PACER_STORE=memory``)."""
    return _process_memory


def open_store(spec: str | None, env: Mapping[str, str]) -> PacerStore:
    """The store named by ``spec`` (else ``JOBTICKET_PACER_STORE`` in ``env``, else ``file``), one per place.

    ``memory``, ``file`` (the user's cache directory, from the process's ``XDG_CACHE_HOME`` or ``HOME``),
    ``file:<absolute dir>``, ``redis://…`` or ``rediss://…``. A file store that cannot be created falls
    back to memory with one warning.
    """
    name = (spec if spec is not None else env.get(PACER_STORE, "")).strip() or DEFAULT_STORE
    source = "pacer_store=" if spec is not None else f"{PACER_STORE}="
    if name == "file":
        directory = default_file_store_dir()
        if directory is None:
            return _fallback("no home or cache directory is set")
        name = f"file:{directory}"
    with _opened_lock:
        if name not in _opened:
            _opened[name] = _create(name, source)
        return _opened[name]


def _create(name: str, source: str) -> PacerStore:
    if name == "memory":
        return _process_memory
    if name.startswith(("redis://", "rediss://")):
        from ._redis_store import RedisStore  # noqa: PLC0415 - redis is an optional extra

        return RedisStore.from_url(name, source)
    if name.startswith("file:"):
        directory = Path(name.removeprefix("file:"))
        if not directory.is_absolute():
            raise ConfigurationError(f"{source}{name!r}: the directory after 'file:' must be absolute")
        try:
            return FileStore(directory)
        except (OSError, ImportError, PacerStoreError) as error:
            return _fallback(f"{directory} is not usable ({type(error).__name__}: {error})")
    raise ConfigurationError(
        f"{source}{name!r}: expected 'memory', 'file', 'file:<absolute dir>', 'redis://…' or 'rediss://…'"
    )


def _fallback(reason: str) -> MemoryStore:
    """The process's memory store, with one warning per process that pacing is no longer shared."""
    global _warned_fallback  # noqa: PLW0603 - one warning per process, however many clients
    if not _warned_fallback:
        _warned_fallback = True
        logger.warning(
            "pacing is per process: %s, so the pacer keeps its slots in memory; processes sharing a "
            "credential may together exceed its rate limit (set %s)",
            reason,
            PACER_STORE,
        )
    return _process_memory
