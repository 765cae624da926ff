"""Where a download goes: a path written atomically, or a writable binary stream.

A path is checked before any request (a directory, a missing or unwritable folder fail at once), written
to a temporary sibling file created with the process's umask, and renamed into place only when the whole
body arrived, so a failure never leaves a partial file (and an existing file stays untouched). A stream
is written as the body arrives; on failure the caller's stream holds a partial body, which
:class:`DownloadResult` never claims to be complete. A body is complete only when its end is framed: a
matching ``Content-Length`` or a chunked body's terminator (HTTP/2 frames every end). A body that just
stops when the server closes cannot be told from a dropped connection, so it is refused. A body is
counted as it is decoded, and a file larger than ``max_download_bytes`` (announced, or as it arrives) is
refused with :class:`ResponseTooLargeError`: a gzip-encoded file that inflates without end leaves no file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from ._bounds import check_encoding
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    ConflictError,
    NotDownloadableError,
    ResponseTooLargeError,
    error_from_response,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

__all__ = ["Destination", "DownloadResult", "Sink", "download_error", "open_sink"]


class _Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


Destination = str | os.PathLike[str] | _Writable

_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class DownloadResult:
    """What was downloaded: bytes written, the server's content type and the target path, if any."""

    document_id: int
    bytes_written: int
    content_type: str | None
    path: Path | None


class Sink:
    """Receives the body chunk by chunk, within ``limit`` bytes, and checks that its end was framed."""

    def __init__(self, target: IO[bytes] | _Writable, limit: int) -> None:
        self._target = target
        self._limit = limit
        self.bytes_written = 0

    def check_framing(self, response: httpx.Response) -> None:
        """Refuse, before reading it, a body that could not be bounded or told from a lost connection."""
        check_encoding(response)
        if response.http_version.startswith("HTTP/1") and not _length_or_chunked(response.headers):
            raise APIConnectionError(
                "download refused: the response has neither Content-Length nor chunked encoding, so a "
                "connection lost mid-body would look complete",
                request=response.request,
            )
        announced = response.headers.get("content-length", "")
        encoded = "content-encoding" in response.headers  # then the length counts compressed bytes
        if not encoded and announced.isdigit() and int(announced) > self._limit:
            raise ResponseTooLargeError("download", limit=self._limit, response=response)

    def write(self, chunk: bytes, response: httpx.Response) -> None:
        """Write one decoded chunk, or refuse it when it would take the file past the limit."""
        if self.bytes_written + len(chunk) > self._limit:
            raise ResponseTooLargeError("download", limit=self._limit, response=response)
        self._target.write(chunk)
        self.bytes_written += len(chunk)

    def check_complete(self, response: httpx.Response) -> None:
        """Raise when fewer bytes arrived than the server announced (a truncated body)."""
        announced = response.headers.get("content-length")
        encoded = "content-encoding" in response.headers  # then the length counts compressed bytes
        if (
            announced is not None
            and announced.isascii()
            and announced.isdigit()
            and not encoded
            and int(announced) != self.bytes_written
        ):
            raise APIConnectionError(
                f"download truncated: {self.bytes_written} of {announced} bytes", request=response.request
            )


def _length_or_chunked(headers: httpx.Headers) -> bool:
    if "content-length" in headers:
        return True
    codings = [part.strip().lower() for part in headers.get("transfer-encoding", "").split(",")]
    return codings[-1:] == ["chunked"]


def download_error(response: httpx.Response, document_id: int) -> APIStatusError:
    """The typed error of a failed download (body read): a 409 is :class:`NotDownloadableError`."""
    error = error_from_response(response)
    if isinstance(error, ConflictError):
        return NotDownloadableError(document_id, response=response, body=error.body)
    return error


def _check_destination(path: Path) -> None:
    """Fail with a clear ``OSError`` when ``path`` could never receive the file."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "download destination is a directory", str(path))
    folder = path.parent
    if not folder.exists():
        raise FileNotFoundError(errno.ENOENT, "download destination's folder does not exist", str(folder))
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "download destination's folder is a file", str(folder))


def _create_temp(path: Path) -> tuple[int, Path]:
    """Create a new sibling file with mode 0666 minus the umask, as ``open(path, "wb")`` would."""
    for _ in range(100):
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(temp, _TEMP_FLAGS, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name next to", str(path))


@contextlib.contextmanager
def open_sink(destination: Destination, limit: int) -> Iterator[tuple[Sink, Path | None]]:
    """Yield a sink of at most ``limit`` bytes; for a path, publish the file only if the block succeeds.

    The path is checked and its temporary file created on entry, so call this before any request: a
    destination that is a directory, or a folder that is missing or not writable, fails at once.
    """
    if not isinstance(destination, str | os.PathLike):
        yield Sink(destination, limit), None
        return
    path = Path(destination)
    _check_destination(path)
    fd, temp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield Sink(handle, limit), path
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
