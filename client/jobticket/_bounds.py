"""Bounds on what a server controls in an answer: the decoded size of a body and the nesting of its JSON.

A body is decoded here, chunk by chunk, with zlib's ``max_length``: no decoded chunk exceeds 64 KiB however
compressed the wire bytes were (httpx's own decoder would turn 64 KiB of a gzip bomb into 64 MiB at
once), and reading stops at the first chunk past the cap. A bomb or an endless body costs at most the
cap plus one chunk. Only ``gzip`` and ``deflate`` are asked for and accepted; any other encoding (``br``,
``zstd``) is refused unread. JSON is measured before it is parsed, so a body nested 100,000 deep is a
typed error, never a ``RecursionError`` (the parser's, or that of any code that walks the parsed value).

The kit's contract run and ``update-spec`` read their answers within the same bounds.
"""

from __future__ import annotations

import json
import re
import zlib
from array import array
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import httpx

from ._exceptions import ResponseTooDeepError, ResponseTooLargeError, UnexpectedResponseError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

__all__ = [
    "ACCEPT_ENCODING",
    "CHUNK",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_DOWNLOAD_BYTES",
    "MAX_JSON_DEPTH",
    "STREAMED",
    "adecoded",
    "aread_bounded",
    "check_encoding",
    "decoded",
    "json_depth",
    "loads_bounded",
    "read_bounded",
]

# The largest legitimate answer is a page of 100 employees: about 90 KB from the twin. The cap leaves a
# wide margin (45 times) for fields the spec does not know (custom HR fields, O-24), and keeps the
# parsed value of the worst body a server could send within about 100 MB.
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024  # a document is a PDF of a few pages; configurable
MAX_JSON_DEPTH = 64  # the API's deepest answer nests 6 levels
ACCEPT_ENCODING = "gzip, deflate"  # decoded here, chunk by chunk; nothing else is asked for
STREAMED = "jobticket.streamed"
"""Request extension: leave the body streamed (a download, which enforces its own cap as it writes)."""

_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\Z)', re.DOTALL)  # possessive: linear, even unterminated
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_SIGNS = str.maketrans({"[": "\x01", "{": "\x01", "]": "\xff", "}": "\xff"})


CHUNK = 64 * 1024


def check_encoding(response: httpx.Response) -> None:
    """Refuse a body in an encoding whose decoded size cannot be bounded chunk by chunk."""
    _decoder(response)


def _decoder(response: httpx.Response) -> _Inflater | None:
    codings = [part.strip().lower() for part in response.headers.get("content-encoding", "").split(",")]
    codings = [coding for coding in codings if coding not in ("", "identity")]
    if not codings:
        return None
    if codings in (["gzip"], ["deflate"]):
        return _Inflater(response, codings[0])
    response.close()
    raise UnexpectedResponseError(
        f"{response.request.method} {response.request.url.path} -> {response.status_code}: a content "
        "encoding the client did not ask for (it accepts gzip or deflate); not read",
        response=response,
    )


class _Inflater:
    """gzip or deflate (zlib-wrapped, or raw as some servers send it), at most :data:`CHUNK` bytes a step."""

    def __init__(self, response: httpx.Response, coding: str) -> None:
        self._response = response
        self._raw_deflate_tried = coding == "gzip"
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if coding == "gzip" else zlib.MAX_WBITS)
        self._started = False

    def decode(self, raw: bytes) -> Iterator[bytes]:
        data = raw
        while True:
            try:
                out = self._zlib.decompress(data, CHUNK)
            except zlib.error:
                if self._started or self._raw_deflate_tried:
                    raise UnexpectedResponseError(
                        f"{self._response.request.method} {self._response.request.url.path}: the body is "
                        "not valid under its Content-Encoding",
                        response=self._response,
                    ) from None
                self._raw_deflate_tried = True
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._started = True
            if out:
                yield out
            data = self._zlib.unconsumed_tail
            if not data and len(out) < CHUNK:
                return


def _in_memory(response: httpx.Response) -> bytes | None:
    """The body when the response arrived read already (an in-memory transport), else None."""
    try:
        return response.content
    except httpx.ResponseNotRead:
        return None


def decoded(response: httpx.Response) -> Iterator[bytes]:
    """The body of a streamed response, decoded in chunks of at most :data:`CHUNK` bytes."""
    body = _in_memory(response)
    if body is not None:
        yield from (body[start : start + CHUNK] for start in range(0, len(body), CHUNK))
        return
    inflater = _decoder(response)
    for raw in response.iter_raw():
        if inflater is None:
            yield raw
        else:
            yield from inflater.decode(raw)


async def adecoded(response: httpx.Response) -> AsyncIterator[bytes]:
    """:func:`decoded` for an async response."""
    body = _in_memory(response)
    if body is not None:
        for start in range(0, len(body), CHUNK):
            yield body[start : start + CHUNK]
        return
    inflater = _decoder(response)
    async for raw in response.aiter_raw():
        if inflater is None:
            yield raw
        else:
            for chunk in inflater.decode(raw):
                yield chunk


class _Body:
    """A decoded body as it arrives, refused at the first chunk that takes it past the limit."""

    def __init__(self, response: httpx.Response, limit: int, what: str) -> None:
        self._response = response
        self._limit = limit
        self._what = what
        self._data = bytearray()
        length = response.headers.get("content-length", "")
        encoded = response.headers.get("content-encoding", "").strip().lower() not in ("", "identity")
        if not encoded and length.isdigit() and int(length) > limit:
            raise self._too_large()

    def _too_large(self) -> ResponseTooLargeError:
        return ResponseTooLargeError(self._what, limit=self._limit, response=self._response)

    def add(self, chunk: bytes) -> None:
        if len(self._data) + len(chunk) > self._limit:
            raise self._too_large()
        self._data += chunk

    def keep(self) -> None:
        # What ``Response.read()`` stores (httpx 0.23 to 0.28): later ``.content``/``.json()`` read it, and
        # the httpx client's own ``read()`` after the transport returns finds the body already there.
        self._response._content = bytes(self._data)


def read_bounded(response: httpx.Response, limit: int, what: str = "body") -> None:
    """Read a streamed response's body, decoded, or raise :class:`ResponseTooLargeError` past ``limit``.

    On success the body is the response's ``content``, as after ``response.read()``.
    """
    try:
        body = _Body(response, limit, what)
        for chunk in decoded(response):
            body.add(chunk)
    finally:
        response.close()
    body.keep()


async def aread_bounded(response: httpx.Response, limit: int, what: str = "body") -> None:
    """:func:`read_bounded` for an async response."""
    try:
        body = _Body(response, limit, what)
        async for chunk in adecoded(response):
            body.add(chunk)
    finally:
        await response.aclose()
    body.keep()


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (strings are skipped), in linear time."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text)).translate(_SIGNS)
    steps = array("b", brackets.encode("latin-1"))
    return max(accumulate(steps), default=0)


def loads_bounded(data: bytes, response: httpx.Response, limit: int = MAX_JSON_DEPTH) -> Any:
    """Parse a JSON body after checking its depth; :class:`ResponseTooDeepError` when it nests too deep.

    Invalid JSON or text raises ``ValueError`` (``json.JSONDecodeError``, ``UnicodeDecodeError``) as
    ``json.loads`` does.
    """
    text = data.decode(json.detect_encoding(data))
    if json_depth(text) > limit:
        raise ResponseTooDeepError(limit=limit, response=response)
    try:
        return json.loads(text)
    except RecursionError:  # pragma: no cover - the depth check refuses such a body first
        raise ResponseTooDeepError(limit=limit, response=response) from None
