"""The pacer's slots in one small JSON file per credential, shared by every process of the user on the host.

The folder is shared, so nothing in it is trusted. It must be a real folder (not a symlink) owned by
this user and private (0700, tightened when it is looser); each file is opened relative to it without
following a symlink, must be a regular file owned by this user, and is kept 0600. A planted symlink,
FIFO or foreign file at a credential's name is removed (never followed, never written through) and the
file starts afresh; so does a file that cannot be read (garbage, deep or huge JSON, values that are not
finite numbers), with one warning. What a file says is then bounded by the documented block
(:mod:`._window`). A folder that is not usable as a whole is an ``OSError`` when the store is opened
(the client then paces in memory, with a warning); a file that cannot be repaired is a
:class:`PacerStoreError` and the request is not sent.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import stat
import time
from collections import deque
from typing import TYPE_CHECKING

from ._exceptions import PacerStoreError
from ._logging import logger
from ._window import Window

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["MAX_FILE_BYTES", "MAX_SENT", "FileStore"]

MAX_FILE_BYTES = 1024 * 1024  # ~50,000 send times: far beyond any limit the API allows per window
MAX_SENT = 50_000
_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


class FileStore:
    """Slots in one small JSON file per credential under ``directory``, locked with ``fcntl.flock``.

    Every process of the user on the host that uses the same directory shares them; the lock is held
    only for the read-modify-write of one decision. Times are wall-clock seconds (one host, one clock).
    """

    def __init__(self, directory: Path) -> None:
        import fcntl  # noqa: PLC0415 - POSIX only; open_store falls back to memory without it

        self._flock = fcntl.flock
        self._exclusive = fcntl.LOCK_EX
        self.directory = directory
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        _make_private(directory)
        with self._locked(".probe"):  # fails here, not at the first request, when the place is not usable
            pass

    def __repr__(self) -> str:
        return f"FileStore({str(self.directory)!r})"

    def acquire(self, key: str, limit: int, window: float, now: float | None = None) -> float:
        """Take a slot now and return 0, or return the seconds until a slot frees or the block ends."""
        with self._updating(key) as state:
            return state.acquire(limit, window, time.time() if now is None else now)

    def block(self, key: str, seconds: float, now: float | None = None) -> None:
        """Record that the server blocks ``key`` for ``seconds`` from now (a longer block is kept)."""
        with self._updating(key) as state:
            state.block(seconds, time.time() if now is None else now)

    def blocked_for(self, key: str, now: float | None = None) -> float:
        """Seconds left of the block of ``key``, 0 when there is none."""
        with self._updating(key) as state:
            return state.blocked_for(time.time() if now is None else now)

    @contextlib.contextmanager
    def _locked(self, key: str) -> Iterator[int]:
        try:
            folder = os.open(self.directory, _DIRECTORY_FLAGS)
        except OSError as error:
            raise PacerStoreError(_failed(self.directory, error)) from error
        try:
            fd = _open_private(f"{key}.json", folder, self.directory)
        finally:
            os.close(folder)
        try:
            self._flock(fd, self._exclusive)  # released by close
            yield fd
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _updating(self, key: str) -> Iterator[Window]:
        with self._locked(key) as fd:
            before = _read_bounded(fd)
            state = _decode(before, self.directory / f"{key}.json")
            yield state
            after = json.dumps({"sent": list(state.sent), "blockedUntil": state.blocked_until}).encode()
            if after != before:
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, after)
                os.ftruncate(fd, len(after))


def _make_private(directory: Path) -> None:
    """Check that ``directory`` is a real folder of this user, and make it 0700; ``OSError`` otherwise."""
    info = os.lstat(directory)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(errno.ENOTDIR, "not a folder of its own (a link or a file)", str(directory))
    if info.st_uid != os.geteuid():
        raise PermissionError(errno.EPERM, f"owned by user id {info.st_uid}, not this user", str(directory))
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(directory, 0o700, follow_symlinks=False)


def _open_private(name: str, folder: int, directory: Path) -> int:
    """Open (or create) ``name`` in ``folder`` as a private regular file of this user, never via a link.

    Anything else at that name (a symlink, a FIFO, another user's file, a folder) is removed, with a
    warning, and the file is created afresh.
    """
    for attempt in range(2):
        try:
            fd = os.open(name, _OPEN_FLAGS, 0o600, dir_fd=folder)
        except OSError as error:
            if attempt or error.errno not in (errno.ELOOP, errno.EISDIR, errno.ENXIO, errno.EACCES):
                raise PacerStoreError(_failed(directory / name, error)) from error
            _replace(name, folder, directory, "is not a regular file of this user")
            continue
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            if stat.S_IMODE(info.st_mode) != 0o600:
                os.fchmod(fd, 0o600)
            return fd
        os.close(fd)
        if attempt:
            break
        _replace(name, folder, directory, "is not a regular file of this user")
    raise PacerStoreError(f"pacer store file {directory / name} cannot be made private; not sending")


def _replace(name: str, folder: int, directory: Path, why: str) -> None:
    """Remove what is at ``name`` (a link is removed, not followed), so the file can start afresh."""
    logger.warning("pacer store %s %s; removing it and starting afresh", directory / name, why)
    try:
        try:
            os.unlink(name, dir_fd=folder)
        except IsADirectoryError:
            os.rmdir(name, dir_fd=folder)
    except OSError as error:
        raise PacerStoreError(_failed(directory / name, error)) from error


def _failed(path: Path, error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    return f"pacer store {path} is not usable ({reason}); not sending, so as not to exceed the rate limit"


def _read_bounded(fd: int) -> bytes:
    """The file's bytes, at most one byte beyond :data:`MAX_FILE_BYTES` (which marks it too large)."""
    chunks = []
    size = 0
    while size <= MAX_FILE_BYTES and (chunk := os.read(fd, 65536)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _decode(raw: bytes, path: Path) -> Window:
    """The window a file holds, or a fresh one (with one warning) when it is not one we could have written."""
    if not raw:
        return Window()
    try:
        if len(raw) > MAX_FILE_BYTES:
            raise ValueError("too large")
        data = json.loads(raw)
        sent, blocked_until = data["sent"], data["blockedUntil"]
        if not (isinstance(sent, list) and len(sent) <= MAX_SENT):
            raise ValueError("not a list of send times")
        if not all(map(_is_time, [*sent, blocked_until])):
            raise ValueError("a time that is not a finite number")
        return Window(deque(float(moment) for moment in sent), float(blocked_until))
    except (ValueError, KeyError, TypeError, RecursionError):
        logger.warning("pacer store %s is unreadable; starting it afresh", path)
        return Window()


def _is_time(value: object) -> bool:
    """A finite number of seconds, as this module writes them (a bool or a string is not)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
