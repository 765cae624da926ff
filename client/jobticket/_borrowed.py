"""A transport lent by the client that owns it: ``with_options`` clients send through it, never close it.

The owner's connection pool then serves every client derived from it, and closing a derived client
cannot pull the pool from under the owner or its other derived clients.
"""

from __future__ import annotations

import httpx

__all__ = ["AsyncBorrowedTransport", "BorrowedTransport"]


class BorrowedTransport(httpx.BaseTransport):
    """Sends through ``inner``; closing it leaves ``inner`` open."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)

    def close(self) -> None:
        """The owner closes the pool."""


class AsyncBorrowedTransport(httpx.AsyncBaseTransport):
    """:class:`BorrowedTransport` for the async client."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """The owner closes the pool."""
