"""The ASGI middleware that injects faults into API responses (never into ``/_twin/`` routes)."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from jobticket_twin.faults import FaultInjector

__all__ = ["FaultMiddleware"]


class FaultMiddleware:
    """Delays, fails, drops or truncates responses as the current fault injector decides."""

    def __init__(
        self, app: ASGIApp, injector: Callable[[], FaultInjector | None], exempt_prefix: str
    ) -> None:
        self.app = app
        self._injector = injector
        self._exempt = exempt_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request through, or apply the faults drawn for it."""
        injector = self._injector()
        if scope["type"] != "http" or injector is None or scope["path"].startswith(self._exempt):
            await self.app(scope, receive, send)
            return
        decision = injector.decide()
        if decision.delay:
            await asyncio.sleep(decision.delay)
        if decision.error_status is not None:
            status = 503 if scope["path"] == "/health" else decision.error_status
            await _send_error(send, status)
        elif decision.drop:
            await self.app(scope, receive, _DroppingSend(send))
        elif decision.truncate:
            await _truncated(self.app, scope, receive, send)
        else:
            await self.app(scope, receive, send)


async def _send_error(send: Send, status: int) -> None:
    body = json.dumps({"message": f"Injected fault: HTTP {status}."}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _DroppingSend:
    """Sends the status line and headers, then stops: the server closes the unfinished connection."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start" and not self._started:
            self._started = True
            await self._send(message)
        # body messages are swallowed; the response never completes


async def _truncated(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    start: Message | None = None
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    assert start is not None
    body = b"".join(chunks)
    headers = [(name, value) for name, value in start["headers"] if name.lower() != b"content-length"]
    is_json = any(name.lower() == b"content-type" and b"json" in value for name, value in headers)
    if is_json and len(body) > 1:
        body = body[: len(body) // 2]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})
