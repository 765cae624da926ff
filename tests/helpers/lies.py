"""The lies a JobTicket+ target can tell, for tests that put a twin behind a lying proxy on loopback.

``LyingProxy(twin_url)`` (a :class:`~tests.helpers.loopback.LoopbackServer` forwarding to the twin)
lets a test swap, at any time, the ``lie`` that sees each request and the twin's true answer and
returns what to answer instead: ``None`` (the truth), another :class:`Reply`, or a :data:`Writer` that
writes to the connection itself (a drip, an endless body); ``tamper`` changes a request on its way (a
sync that does something else than planned). Tools under test reach ``proxy.base_url`` as they would
reach staging; the twin behind keeps the real state, which :func:`twin_state` reads from the twin
directly, so a test compares it before and after.

The lies of issue 18: listings that undercount (:data:`UNDERCOUNTS`, :func:`undercount`), and the
hostile bodies of :data:`HOSTILE_BODIES` (a gzip bomb, an endless chunked body, a slow drip, JSON nested
100,000 deep).
"""

from __future__ import annotations

import functools
import json
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx

from tests.helpers.loopback import Connection, LoopbackServer, Received, Reply, forward

__all__ = [
    "HOSTILE_BODIES",
    "UNDERCOUNTS",
    "LyingProxy",
    "Writer",
    "gzip_bomb",
    "hostile_body",
    "json_reply",
    "rewrite_pages",
    "twin_state",
    "undercount",
]

Writer = Callable[[Connection], None]
Lie = Callable[[Received, Reply], "Reply | Writer | None"]
Change = Callable[[int, dict[str, Any]], None]


@dataclass
class LyingProxy:
    """A proxy in front of ``upstream`` telling ``lie`` (None: the truth); use it in a with block."""

    upstream: str
    lie: Lie | None = None
    tamper: Callable[[Received], Received | None] | None = None
    """Sees each request before it is forwarded: returns what to forward instead (None: as it came)."""
    forwarded: list[str] = field(default_factory=list)
    """``METHOD /path`` of every request forwarded, in order (after ``tamper``)."""
    server: LoopbackServer = field(init=False)

    def __post_init__(self) -> None:
        self.server = LoopbackServer(self._answer)

    def __enter__(self) -> Self:
        self.server.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.server.__exit__(kind, error, trace)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def methods(self) -> list[str]:
        """The method of every request the proxy received, in order."""
        return [request.method for request in self.server.requests]

    def _answer(self, request: Received, connection: Connection) -> None:
        if self.tamper is not None:
            request = self.tamper(request) or request
        reply = forward(self.upstream, request)
        self.forwarded.append(f"{request.method} {request.path}")
        told = self.lie(request, reply) if self.lie is not None else None
        if told is None:
            connection.reply(reply)
        elif isinstance(told, Reply):
            connection.reply(told)
        else:
            told(connection)


def json_reply(status: int, body: Any) -> Reply:
    """A JSON answer."""
    return Reply(status, (("Content-Type", "application/json"),), json.dumps(body).encode())


def rewrite_pages(change: Change, path: str = "/employees") -> Lie:
    """A lie that lets ``change(page, page_object)`` edit every page of the listing at ``path``."""

    def lie(request: Received, reply: Reply) -> Reply | None:
        if request.method != "GET" or request.path != path or reply.status != 200:
            return None
        body = json.loads(reply.body)
        change(int(request.query("page", "1")), body["data"])
        return json_reply(200, body)

    return lie


def _total_pages_too_small(page: int, data: dict[str, Any]) -> None:
    data["totalPages"] = 1


def _total_too_small(page: int, data: dict[str, Any]) -> None:
    data["total"] -= 100


def _both_too_small(page: int, data: dict[str, Any]) -> None:
    data.update(total=150, totalPages=2)  # consistent arithmetic, but page 2 holds 100, not 50


def _short_page_in_the_middle(page: int, data: dict[str, Any]) -> None:
    if page == 2:
        del data["data"][93:]


def _empty_page_in_the_middle(page: int, data: dict[str, Any]) -> None:
    if page == 2:
        data["data"] = []


def _changing_total(page: int, data: dict[str, Any]) -> None:
    if page > 1:
        data["total"] -= 1  # someone left during the walk


def _repeated_page() -> Change:
    first: list[Any] = []

    def change(page: int, data: dict[str, Any]) -> None:
        if page == 1:
            first[:] = data["data"]
        else:
            data["data"] = list(first)  # the server ignores the page number

    return change


#: Listings of the 250 seeded employees (perPage 100: pages of 100, 100 and 50) that undercount, each
#: a factory of ``change(page, page_object)``.
UNDERCOUNTS: dict[str, Callable[[], Change]] = {
    "totalPages too small": lambda: _total_pages_too_small,
    "total too small": lambda: _total_too_small,
    "total and totalPages too small": lambda: _both_too_small,
    "short page in the middle": lambda: _short_page_in_the_middle,
    "empty page in the middle": lambda: _empty_page_in_the_middle,
    "repeated page": _repeated_page,
    "changing total": lambda: _changing_total,
}


def undercount(name: str) -> Lie:
    """The lie :data:`UNDERCOUNTS` names, told on every listing of the employees."""
    return rewrite_pages(UNDERCOUNTS[name]())


@functools.cache
def gzip_bomb(mebibytes: int = 1024) -> bytes:
    """A valid gzip stream of ``mebibytes`` MiB of zeros, 1,000 times smaller, made without holding them.

    One MiB is compressed with a full flush, so every further MiB compresses to the very same bytes.
    """
    block = bytes(1024 * 1024)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    assert first == again
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(block, crc)
    size = (mebibytes * len(block)) & 0xFFFFFFFF
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + first * mebibytes + deflate.flush() + struct.pack("<II", crc, size)


def _whole(body: bytes, headers: dict[str, str]) -> Writer:
    def write(connection: Connection) -> None:
        connection.send_head(200, {**headers, "Content-Length": str(len(body))})
        connection.send(body)

    return write


def _endless(chunk: bytes, content_type: str) -> Writer:
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"

    def write(connection: Connection) -> None:
        connection.send_head(200, {"Content-Type": content_type, "Transfer-Encoding": "chunked"})
        while not connection.stopping:  # until the client hangs up (a write fails) or the server stops
            connection.send(frame)

    return write


def _drip(body: bytes, content_type: str, every: float) -> Writer:
    def write(connection: Connection) -> None:
        connection.send_head(200, {"Content-Type": content_type, "Content-Length": str(len(body))})
        connection.drip(body, every)

    return write


HOSTILE_BODIES = ("gzip bomb", "endless chunked body", "slow drip", "deep JSON")


def hostile_body(kind: str, *, content_type: str = "application/json") -> Writer:
    """One of :data:`HOSTILE_BODIES`, as a 200 answer of ``content_type``."""
    if kind == "gzip bomb":  # 1 GiB of zeros in about 1 MiB
        return _whole(gzip_bomb(), {"Content-Type": content_type, "Content-Encoding": "gzip"})
    if kind == "endless chunked body":
        return _endless(b'{"data": [' + b"0," * 32_000, content_type)
    if kind == "slow drip":  # 10 KB at 20 bytes a second: 8 minutes, every read in time
        return _drip(b'{"data": ' + b" " * 10_000 + b"}", content_type, every=0.05)
    if kind == "deep JSON":  # 100,000 levels
        return _whole(b"[" * 100_000 + b"]" * 100_000, {"Content-Type": content_type})
    raise ValueError(kind)


def twin_state(twin_url: str, credentials: tuple[str, str]) -> list[Any]:
    """Everything a sync could change, read from the twin itself: every employee and integration."""
    pages: list[Any] = []
    with httpx.Client(base_url=twin_url, auth=credentials, timeout=30, trust_env=False) as http:
        for path in ("/employees", "/hr-integrations"):
            page = 1
            while True:
                body = http.get(path, params={"page": page, "perPage": 100}).raise_for_status().json()
                pages.append(body["data"]["data"])
                if page >= body["data"]["totalPages"]:
                    break
                page += 1
    return pages
