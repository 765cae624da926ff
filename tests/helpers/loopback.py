"""Loopback servers for tests: real sockets on 127.0.0.1, a port chosen by the OS, every request recorded.

One server, answering in two ways. Its handler gets each request and its connection and either answers
as HTTP (``connection.respond``, ``.json``, ``.redirect``, ``.reply``) or writes raw bytes
(``connection.send_head``, ``.send``, ``.drip``, ``.close``): what no well-behaved server sends (lying
lengths, cut or endless bodies, slow drips, absurd headers) is written byte by byte::

    def pages(request: Received, connection: Connection) -> None:
        connection.json({"data": {"data": [], "totalPages": 10**9}})

    with LoopbackServer(pages) as server:
        httpx.get(server.url("/employees?page=1"))
    assert server.request_lines == ["GET /employees?page=1"]

``answering``, ``redirecting``, ``forwarding_to`` and ``forward_proxy`` build the common handlers (a
plain answer, a redirect, a proxy in front of another server whose answers a test may edit, a forward
proxy such as ``HTTP_PROXY`` names); ``tests.helpers.lies`` builds the JobTicket API's lies on
:func:`forward` (undercounting listings, bombs, drips, a proxy whose lie a test swaps mid-run).

The server stops when its block ends, also when the test failed: it stops accepting, shuts every open
connection down (a dripping or endless handler ends at its next write or ``connection.wait``) and joins
its threads. A handler that fails with anything but a hung-up client fails the block once the test body
has passed, so a broken hostile server cannot make a test pass for the wrong reason.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import httpx

__all__ = [
    "Connection",
    "Handler",
    "HandlerError",
    "LoopbackServer",
    "Received",
    "Reply",
    "answering",
    "chunked",
    "forward",
    "forward_proxy",
    "forwarding_to",
    "head",
    "redirecting",
]

MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 16 * 1024 * 1024
_STOP_TIMEOUT = 5.0

HeaderItems = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass(frozen=True)
class Received:
    """One request as the server read it: request line, headers (names in lower case) and body."""

    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes = b""

    @property
    def line(self) -> str:
        """``"GET /employees?page=2"``: method and target, as the request line said them."""
        return f"{self.method} {self.target}"

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def query(self, name: str, default: str = "") -> str:
        """The first value of query parameter ``name``."""
        return parse_qs(urlsplit(self.target).query).get(name, [default])[0]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """A whole HTTP answer; ``Connection.reply`` frames it with a Content-Length of its body."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or None."""
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


class Connection:
    """One accepted client connection, handed to the handler with each request it carries."""

    def __init__(self, sock: socket.socket, server: LoopbackServer) -> None:
        self._sock = sock
        self._server = server
        self._buffer = b""
        self.method = ""  # of the request being answered: a HEAD answer carries no body
        self.closed = False

    # -- HTTP answers --------------------------------------------------------------------------------

    def respond(
        self, status: int = 200, body: bytes = b"", headers: HeaderItems = (), *, content_type: str = ""
    ) -> None:
        """Answer with ``status`` and ``body``, framed by Content-Length."""
        items = _items(headers)
        if content_type:
            items.append(("Content-Type", content_type))
        self.reply(Reply(status, tuple(items), body))

    def json(self, body: Any, status: int = 200, headers: HeaderItems = ()) -> None:
        """Answer with ``body`` as JSON."""
        self.respond(status, json.dumps(body).encode(), headers, content_type="application/json")

    def redirect(self, location: str, status: int = 302) -> None:
        """Answer with a redirect to ``location`` (and an empty JSON body)."""
        self.respond(status, b"{}", {"Location": location}, content_type="application/json")

    def reply(self, reply: Reply) -> None:
        """Write ``reply``, replacing any framing header of its own with its body's length."""
        framing = ("content-length", "transfer-encoding")
        headers = [(name, value) for name, value in reply.headers if name.lower() not in framing]
        headers.append(("Content-Length", str(len(reply.body))))
        self.send_head(reply.status, headers)
        if self.method != "HEAD":
            self.send(reply.body)

    # -- raw bytes -----------------------------------------------------------------------------------

    def send_head(self, status: int, headers: HeaderItems = (), reason: str | None = None) -> None:
        """Write a status line and exactly these headers (no framing added: say what you want to lie)."""
        self.send(head(status, headers, reason))

    def send(self, data: bytes) -> None:
        """Write ``data`` as it is; counted in ``LoopbackServer.bytes_sent``."""
        self._sock.sendall(data)
        self._server._count_sent(len(data))

    def drip(self, data: bytes, every: float) -> None:
        """Write ``data`` one byte at a time, ``every`` seconds apart, until done or the server stops."""
        for byte in data:
            self.send(bytes([byte]))
            if self.wait(every):
                return

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds``, or less when the server stops; True when it is stopping."""
        return self._server._stopping.wait(seconds)

    @property
    def stopping(self) -> bool:
        """True once the server is stopping: an endless handler should end."""
        return self._server._stopping.is_set()

    def close(self) -> None:
        """Close the connection now (after a body without framing, a cut body): no further request."""
        if not self.closed:
            self.closed = True
            _shutdown(self._sock)

    # -- reading (the server's side) -----------------------------------------------------------------

    def _read_request(self) -> Received | None:
        """The next request on this connection, or None when the client closed it."""
        while b"\r\n\r\n" not in self._buffer:
            if len(self._buffer) > MAX_HEAD_BYTES or not self._fill():
                return None
        raw_head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        request_line, *header_lines = raw_head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            body = self._read_exactly(int(headers.get("content-length", "0") or "0"))
        if body is None:
            return None
        self.method = method
        return Received(method, target, headers, body)

    def _fill(self) -> bool:
        chunk = self._sock.recv(65536)
        self._buffer += chunk
        return bool(chunk)

    def _read_exactly(self, size: int) -> bytes | None:
        if size > MAX_BODY_BYTES:
            return None
        while len(self._buffer) < size:
            if not self._fill():
                return None
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _read_line(self) -> bytes | None:
        while b"\r\n" not in self._buffer:
            if len(self._buffer) > MAX_HEAD_BYTES or not self._fill():
                return None
        line, self._buffer = self._buffer.split(b"\r\n", 1)
        return line

    def _read_chunked(self) -> bytes | None:
        body = b""
        while True:
            size_line = self._read_line()
            if size_line is None:
                return None
            size = int(size_line.split(b";", 1)[0], 16)
            if size == 0:
                while self._read_line() not in (b"", None):
                    pass  # trailer fields: read, not kept
                return body
            chunk = self._read_exactly(size)
            if chunk is None or self._read_line() is None or len(body) + size > MAX_BODY_BYTES:
                return None
            body += chunk


Handler = Callable[[Received, Connection], None]


# -- handlers --------------------------------------------------------------------------------------------


def answering(body: bytes = b"{}", status: int = 200, content_type: str = "application/json") -> Handler:
    """A handler that gives every request the same answer (by default ``200 {}``)."""

    def answer(request: Received, connection: Connection) -> None:
        connection.respond(status, body, content_type=content_type)

    return answer


def redirecting(
    location: str | Callable[[Received], str | None], status: int = 302, otherwise: Handler | None = None
) -> Handler:
    """A handler that redirects: to ``location`` + the request's target, or where ``location(request)``
    says (None: answer with ``otherwise``, by default ``answering()``)."""
    fallback = otherwise or answering()

    def answer(request: Received, connection: Connection) -> None:
        target = location.rstrip("/") + request.target if isinstance(location, str) else location(request)
        if target is None:
            fallback(request, connection)
        else:
            connection.redirect(target, status)

    return answer


_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host"})


def forward(upstream: str, request: Received) -> Reply:
    """Send ``request`` on to ``upstream`` (a base URL) and return its answer (body still compressed)."""
    return _relayed(request, upstream.rstrip("/") + request.target)


def forwarding_to(upstream: str, edit: Callable[[Received, Reply], Reply] | None = None) -> Handler:
    """A proxy: send each request on to ``upstream`` (a base URL) and answer with what came back,
    after ``edit(request, reply)`` when given. The body is passed on as sent (still compressed)."""

    def answer(request: Received, connection: Connection) -> None:
        reply = forward(upstream, request)
        connection.reply(edit(request, reply) if edit else reply)

    return answer


def forward_proxy() -> Handler:
    """An HTTP forward proxy, as ``HTTP_PROXY`` names one: relay each absolute-form request
    (``GET http://host:port/path``) to the URL it names; the server's ``requests`` show what went
    through it."""

    def answer(request: Received, connection: Connection) -> None:
        if not request.target.startswith("http://"):
            connection.respond(400, b"a forward proxy takes absolute-form requests only")
            return
        connection.reply(_relayed(request, request.target))

    return answer


def _relayed(request: Received, url: str) -> Reply:
    """Send ``request`` to ``url`` and return the answer as it came (body still compressed)."""
    hop_by_hop = (*_HOP_BY_HOP, "proxy-connection", "proxy-authorization")
    headers = [(name, value) for name, value in request.headers.items() if name not in hop_by_hop]
    with httpx.Client(trust_env=False, timeout=30.0) as client:
        outgoing = client.build_request(request.method, url, headers=headers, content=request.body)
        response = client.send(outgoing, stream=True)
        try:
            body = b"".join(response.iter_raw())
        finally:
            response.close()
    items = tuple((name, value) for name, value in response.headers.multi_items())
    return Reply(response.status_code, tuple(i for i in items if i[0].lower() not in _HOP_BY_HOP), body)


class HandlerError(AssertionError):
    """The server's handler failed (not the client's doing): the test that used it cannot pass."""


@dataclass
class LoopbackServer:
    """An HTTP/1.1 server on 127.0.0.1 that calls ``handler`` for every request (keep-alive included).

    Use it as a context manager; it listens from ``__enter__`` on a port the OS chose and records every
    request in ``requests`` (in the order they were read), the bytes written in ``bytes_sent`` and the
    connections accepted in ``connections``.
    """

    handler: Handler = field(default_factory=answering)
    requests: list[Received] = field(default_factory=list, init=False)
    bytes_sent: int = field(default=0, init=False)
    connections: int = field(default=0, init=False)
    errors: list[BaseException] = field(default_factory=list, init=False)
    _listener: socket.socket | None = field(default=None, init=False, repr=False)
    _base_url: str = field(default="", init=False, repr=False)
    _stopping: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _open: set[socket.socket] = field(default_factory=set, init=False, repr=False)
    _threads: list[threading.Thread] = field(default_factory=list, init=False, repr=False)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, without a trailing slash."""
        if not self._base_url:
            raise RuntimeError("the server has not started: use it in a with block")
        return self._base_url

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base_url + path

    @property
    def request_lines(self) -> list[str]:
        """``["GET /health", "POST /hr-integrations/7/sync", ...]``: what was asked for, in order."""
        with self._lock:
            return [request.line for request in self.requests]

    def __enter__(self) -> Self:
        # IPPROTO_TCP, as uvicorn's sockets: TCP_NODELAY then applies and nothing waits for delayed ACKs.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        self._listener = listener
        self._base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        self._start(self._accept, "loopback-accept")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
        if error is None and self.errors:
            raise HandlerError(f"the loopback server's handler failed: {self.errors[0]!r}") from self.errors[
                0
            ]

    def stop(self) -> None:
        """Stop accepting, shut every open connection down and join the server's threads."""
        self._stopping.set()
        if self._listener is not None:
            _shutdown(self._listener)  # wakes the blocked accept()
        with self._lock:
            for sock in self._open:
                _shutdown(sock)
        for thread in list(self._threads):
            thread.join(timeout=_STOP_TIMEOUT)
        if self._listener is not None:
            self._listener.close()

    def _start(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return  # the listener was shut down
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._stopping.is_set():
                    sock.close()
                    return
                self._open.add(sock)
                self.connections += 1
            self._start(self._serve, "loopback-connection", sock)

    def _serve(self, sock: socket.socket) -> None:
        connection = Connection(sock, self)
        try:
            while not (connection.closed or self._stopping.is_set()):
                request = connection._read_request()
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                self.handler(request, connection)
                if request.headers.get("connection", "").lower() == "close":
                    return
        except OSError:
            return  # the client hung up, or the server is stopping: what many hostile tests want
        except Exception as error:  # reported at the end of the block, see __exit__
            with self._lock:
                self.errors.append(error)
        finally:
            with self._lock:
                self._open.discard(sock)
            sock.close()

    def _count_sent(self, size: int) -> None:
        with self._lock:
            self.bytes_sent += size


# -- bytes -----------------------------------------------------------------------------------------------


def head(status: int, headers: HeaderItems = (), reason: str | None = None) -> bytes:
    """A status line and exactly these headers, as bytes (by default with the status's standard reason)."""
    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{name}: {value}" for name, value in _items(headers))]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunked(data: bytes, size: int = 4096) -> bytes:
    """``data`` in chunked transfer coding, chunks of ``size`` bytes, without the final zero-size chunk."""
    return b"".join(
        f"{len(data[i : i + size]):x}\r\n".encode() + data[i : i + size] + b"\r\n"
        for i in range(0, len(data), size)
    )


def _items(headers: HeaderItems) -> list[tuple[str, str]]:
    return list(headers.items()) if isinstance(headers, Mapping) else list(headers)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # not connected (any more): nothing to wake up
        sock.shutdown(socket.SHUT_RDWR)
