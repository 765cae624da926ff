"""A twin that breaks one field of the contract, for tests of the verdicts and the nightly report."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_EMPLOYEE_PATH = re.compile(r"^/employees/\d+$")


class BreakEmployeeEmail:
    """Serves Get Employee with ``email`` as a number: one field that breaks the contract."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _EMPLOYEE_PATH.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    await send_broken(start, b"".join(chunks))

        async def send_broken(head: dict[str, Any], body: bytes) -> None:
            if head["status"] == 200:
                document = json.loads(body)
                document["data"]["email"] = 42
                body = json.dumps(document).encode()
            headers = [(k, v) for k, v in head["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**head, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)
