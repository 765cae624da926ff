"""The client's last guard: a request goes only to the origin of its base URL, whoever built it.

The base URL is checked when the client is built; a raw call (``client.request``, ``client.http``) or a
URL taken from a response could still name another host, and would carry the credentials there. These
transports sit outermost and refuse such a request before anything else sees it.
"""

from __future__ import annotations

import httpx

from ._exceptions import UnsafeURLError
from ._hosts import Origin, origin_of
from ._logging import sending

__all__ = ["AsyncSameOriginTransport", "SameOriginTransport"]


def _same_origin(request: httpx.Request, origin: Origin) -> None:
    """Refuse a request the client would send (with its credentials) to any other origin."""
    try:
        reached = origin_of(str(request.url))
    except UnsafeURLError:
        raise UnsafeURLError("(request URL)", f"not sent: this client talks to {origin} only") from None
    if reached != origin:
        raise UnsafeURLError(str(reached), f"not sent: this client talks to {origin} only") from None


class SameOriginTransport(httpx.BaseTransport):
    """Sends only to the client's own origin: a raw call or a link never takes the credentials elsewhere."""

    def __init__(self, inner: httpx.BaseTransport, base_url: str) -> None:
        self._inner = inner
        self._origin = origin_of(base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _same_origin(request, self._origin)
        with sending():  # httpcore's records of this request are redacted (_logging)
            return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class AsyncSameOriginTransport(httpx.AsyncBaseTransport):
    """:class:`SameOriginTransport` for the async client."""

    def __init__(self, inner: httpx.AsyncBaseTransport, base_url: str) -> None:
        self._inner = inner
        self._origin = origin_of(base_url)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _same_origin(request, self._origin)
        with sending():
            return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
