"""Twins that break the contract, for tests of the verdicts, the nightly report and report privacy."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_EMPLOYEE_PATH = re.compile(r"^/employees/\d+$")


class _RewriteJson:
    """Rewrites the JSON body of the 200 responses that :meth:`applies` to (:meth:`rewritten` for bytes)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def applies(self, scope: Scope) -> bool:
        raise NotImplementedError

    def rewrite(self, document: Any, scope: Scope) -> None:
        raise NotImplementedError

    def rewritten(self, status: int, body: bytes, scope: Scope) -> bytes:
        """The body sent instead of ``body``; the Content-Length is set to match it."""
        if status != 200:
            return body
        document = json.loads(body)
        self.rewrite(document, scope)
        return json.dumps(document).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.applies(scope):
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
            body = self.rewritten(head["status"], body, scope)
            headers = [(k, v) for k, v in head["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**head, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


class BreakEmployeeEmail(_RewriteJson):
    """Serves Get Employee with ``email`` as a number: one field that breaks the contract."""

    def applies(self, scope: Scope) -> bool:
        return bool(_EMPLOYEE_PATH.match(scope["path"]))

    def rewrite(self, document: Any, scope: Scope) -> None:
        document["data"]["email"] = 42


class LeakPersonalData(_RewriteJson):
    """List Employees with personal data in fields the spec does not know, and sorted backwards.

    Each employee gains ``preferredName``, ``fullName``, a nested ``contact`` and a free-text ``note``
    (with quotes, so a pattern over serialised JSON would stumble), and the page carries a ``debug``
    string; any sorted request gets its items in reverse order.
    """

    def applies(self, scope: Scope) -> bool:
        return bool(scope["path"] == "/employees")

    def rewrite(self, document: Any, scope: Scope) -> None:
        page = document["data"]
        for employee in page["data"]:
            first, last, email = employee["firstName"], employee["lastName"], employee["email"]
            employee["preferredName"] = first
            employee["fullName"] = f"{first} {last}"
            employee["contact"] = {"mail": email, "born": employee["dateOfBirth"]}
            employee["note"] = f'"{first} {last}" <{email}> born {employee["dateOfBirth"]}'
        if page["data"]:
            page["debug"] = json.dumps({"firstOnPage": page["data"][0]["fullName"]})
        if "sortField" in parse_qs(scope["query_string"].decode()):
            page["data"].reverse()


_DOCUMENT_PATH = re.compile(r"^/employee-documents/[^/]+$")


class ServerErrorOnDocuments:
    """Answers every Get Document with 500 (a server fault, not a transient one: never retried)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _DOCUMENT_PATH.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        body = b'{"message": "Server Error"}'
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 500, "headers": headers})
        await send({"type": "http.response.body", "body": body})


_LIST_EMPLOYEES = "/employees"


class _AddNickname(_RewriteJson):
    def applies(self, scope: Scope) -> bool:
        return bool(_EMPLOYEE_PATH.match(scope["path"]))

    def rewrite(self, document: Any, scope: Scope) -> None:
        document["data"]["nickname"] = "undocumented"


class BreakSortingAndFields:
    """Ignores ``sortOrder=desc`` on List Employees and adds an undocumented field to Get Employee."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.with_nickname = _AddNickname(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == _LIST_EMPLOYEES:
            query = scope["query_string"].replace(b"sortOrder=desc", b"sortOrder=asc")
            await self.app({**scope, "query_string": query}, receive, send)
            return
        await self.with_nickname(scope, receive, send)


class BreakSortingOnce:
    """Ignores ``sortOrder=desc`` on the first List Employees request only: a fault that goes away."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.broken = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == _LIST_EMPLOYEES and not self.broken:
            query = scope["query_string"]
            if b"sortOrder=desc" in query:
                self.broken = True
                scope = {**scope, "query_string": query.replace(b"sortOrder=desc", b"sortOrder=asc")}
        await self.app(scope, receive, send)


class CutTheFullEmployeeList(_RewriteJson):
    """Answers List Employees with ``perPage=100`` (what the checks' shared ``employees`` setup asks for)
    with its JSON body cut in half, every time, its Content-Length saying so: a network that keeps
    cutting answers short. Every other request is answered whole."""

    def applies(self, scope: Scope) -> bool:
        query = parse_qs(scope.get("query_string", b"").decode())
        return bool(scope["path"] == _LIST_EMPLOYEES and query.get("perPage") == ["100"])

    def rewritten(self, status: int, body: bytes, scope: Scope) -> bytes:
        return body[: len(body) // 2]


#: Free text a server could put in fields the spec marks non-personal (x-personal: false).
FREE_TEXT = {
    "status": "sick leave: burnout, see Dr. Weber",
    "contractSigningStatus": "declined after the divorce",
    "pausedAt": "after the chemotherapy",
}


class FreeTextInNonPersonalFields(_RewriteJson):
    """List Employees with health and family notes in a status, a signing status and a date field."""

    def applies(self, scope: Scope) -> bool:
        return bool(scope["path"] == _LIST_EMPLOYEES)

    def rewrite(self, document: Any, scope: Scope) -> None:
        for employee in document["data"]["data"][:3]:
            employee["subscription"]["status"] = FREE_TEXT["status"]
            employee["subscription"]["pausedAt"] = FREE_TEXT["pausedAt"]
            employee["plan"]["contractSigningStatus"] = FREE_TEXT["contractSigningStatus"]
