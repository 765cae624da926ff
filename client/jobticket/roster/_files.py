"""The roster application's own files: written privately, atomically and durably, never over an input.

Plans and the history hold personal data or decide what is sent, so each is written 0600 through a
temporary file in the same folder, flushed to disk (``fsync`` of the file and of the folder) and moved
into place: a crash leaves the old file or the new one. An output path that names one of the command's
inputs (the HR export itself, the history) is refused before anything is read from the API.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["read_bounded", "same_file", "write_private"]


def read_bounded(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it holds more than ``limit`` (read no further than that)."""
    with path.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > limit:
            return None
        data = stream.read(size + 1)  # a file growing meanwhile is caught by the length check below
    return data if len(data) <= limit else None


def write_private(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to ``path``, 0600, atomically and durably (``OSError`` on failure, nothing left)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); where folders cannot be opened, the file is still synced."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name the same file (links and spellings resolved); False if either is missing."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return Path(os.path.abspath(one)) == Path(os.path.abspath(other))
