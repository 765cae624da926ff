"""Raw responses, in openai-python's style: ``client.with_raw_response.get_employee(42)``.

Each typed call has a raw variant with the same arguments that returns a :class:`RawResponse`: the
parsed value (``.parse()``) beside the HTTP response it came from (``.http_response``, ``.headers``,
``.status_code``, ``.request_id``). The variant runs the typed call itself, with the same pacing,
retries and errors, and keeps the last response the call received: the only one of a single read, the
first page of a listing (whose ``total`` needs no walk), the file's response of a download (its body
went to the destination), the sync's answer (the last page of its listing for a dry run).

The responses are collected in a context variable, so concurrent calls in threads or tasks of one
client never see each other's.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from ._exceptions import request_id_of

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    import httpx

__all__ = ["NO_RESPONSE_FOR_NOBODY", "RawResponse", "capture", "capture_async", "record", "unrecorded"]

NO_RESPONSE_FOR_NOBODY = (
    "ids=[] asks for nobody: no request is sent, so there is no response to return "
    "(list_employees(ids=[]) gives the empty result)"
)

T = TypeVar("T")

_received: ContextVar[list[httpx.Response] | None] = ContextVar("jobticket_received", default=None)


@dataclass(frozen=True)
class RawResponse(Generic[T]):
    """A typed call's parsed value and the HTTP response it was read from."""

    http_response: httpx.Response
    _value: T

    def parse(self) -> T:
        """The value the typed call returns (already parsed and checked: reading it cannot fail)."""
        return self._value

    @property
    def status_code(self) -> int:
        """The response's HTTP status."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response's headers."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The gateway's request id header, when the response has one (quote it to the vendor)."""
        return request_id_of(self.http_response)


def record(response: httpx.Response) -> None:
    """Note a response the client received, for a raw variant running in this context (if any)."""
    received = _received.get()
    if received is not None:
        received.append(response)


@contextlib.contextmanager
def unrecorded() -> Iterator[None]:
    """Keep the responses of the block out of a raw variant (a sync's read-back after its answer)."""
    token = _received.set(None)
    try:
        yield
    finally:
        _received.reset(token)


@contextlib.contextmanager
def _collecting() -> Iterator[list[httpx.Response]]:
    received: list[httpx.Response] = []
    token = _received.set(received)
    try:
        yield received
    finally:
        _received.reset(token)


def _last(received: list[httpx.Response], value: T) -> RawResponse[T]:
    if not received:
        raise RuntimeError("the call returned without receiving a response")
    return RawResponse(received[-1], value)


def capture(call: Callable[[], T]) -> RawResponse[T]:
    """Run a typed call and return its value with the last response it received."""
    with _collecting() as received:
        value = call()
    return _last(received, value)


async def capture_async(call: Callable[[], Awaitable[T]]) -> RawResponse[T]:
    """Async :func:`capture`: the call runs in this task, so it records into this task's context."""
    with _collecting() as received:
        value = await call()
    return _last(received, value)
