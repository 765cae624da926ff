"""Where a download goes: a path written atomically, or a writable binary stream.

A path is written to a temporary sibling file and renamed into place only when the whole body arrived, so
a failure never leaves a partial file (and an existing file stays untouched). A stream is written as the
body arrives; on failure the caller's stream holds a partial body, which :class:`DownloadResult` never
claims to be complete.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from ._errors import APIConnectionError

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

__all__ = ["Destination", "DownloadResult", "Sink", "open_sink"]


class _Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


Destination = str | os.PathLike[str] | _Writable


@dataclass(frozen=True)
class DownloadResult:
    """What was downloaded: bytes written, the server's content type and the target path, if any."""

    document_id: int
    bytes_written: int
    content_type: str | None
    path: Path | None


class Sink:
    """Receives the body chunk by chunk and checks it is complete against ``Content-Length``."""

    def __init__(self, target: IO[bytes] | _Writable) -> None:
        self._target = target
        self.bytes_written = 0

    def write(self, chunk: bytes) -> None:
        self._target.write(chunk)
        self.bytes_written += len(chunk)

    def check_complete(self, response: httpx.Response) -> None:
        """Raise when fewer bytes arrived than the server announced (a truncated body)."""
        announced = response.headers.get("content-length")
        encoded = "content-encoding" in response.headers  # then the length counts compressed bytes
        if (
            announced is not None
            and announced.isdigit()
            and not encoded
            and int(announced) != self.bytes_written
        ):
            raise APIConnectionError(
                f"download truncated: {self.bytes_written} of {announced} bytes", request=response.request
            )


@contextlib.contextmanager
def open_sink(destination: Destination) -> Iterator[tuple[Sink, Path | None]]:
    """Yield a sink for ``destination``; for a path, publish the file only if the block succeeds."""
    if not isinstance(destination, str | os.PathLike):
        yield Sink(destination), None
        return
    path = Path(destination)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield Sink(handle), path
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
