"""Small hostile HTTP/1.1 servers on real loopback sockets: they write whatever bytes a test scripts.

``hostile_server(answer)`` serves every connection in its own thread: it reads the request head and
calls ``answer(request, connection)``, which writes raw bytes (dripping, closing mid-body, lying about
lengths) on the socket. It yields the base URL and records each request line.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class RawRequest:
    """The request line and headers the server read."""

    method: str
    target: str
    headers: dict[str, str]

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def query(self, name: str, default: str = "") -> str:
        return parse_qs(urlsplit(self.target).query).get(name, [default])[0]


@dataclass
class HostileServer:
    base_url: str
    requests: list[RawRequest] = field(default_factory=list)
    bytes_sent: int = 0


Answer = Callable[[RawRequest, socket.socket], None]


def _read_head(connection: socket.socket) -> RawRequest | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    method, target, _ = head[0].split(" ", 2)
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawRequest(method, target, headers)


@contextlib.contextmanager
def hostile_server(answer: Answer) -> Iterator[HostileServer]:
    """Serve ``answer`` on 127.0.0.1 (a free port) until the block ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    server = HostileServer(f"http://127.0.0.1:{listener.getsockname()[1]}")
    stop = threading.Event()

    def handle(connection: socket.socket) -> None:
        with connection:
            try:
                while not stop.is_set():  # keep-alive: one connection may carry several requests
                    request = _read_head(connection)
                    if request is None:
                        return
                    server.requests.append(request)
                    answer(request, connection)
            except OSError:
                return  # the client hung up: that is what several tests want

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=handle, args=(connection,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        stop.set()
        acceptor.join(timeout=5)
        listener.close()


def head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def send_json(connection: socket.socket, body: Any, status: int = 200) -> None:
    payload = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(payload))}
    connection.sendall(head(status, headers) + payload)


def drip(connection: socket.socket, server: HostileServer, data: bytes, every: float) -> None:
    """Send ``data`` one byte at a time, ``every`` seconds apart, counting what got out."""
    for byte in data:
        connection.sendall(bytes([byte]))
        server.bytes_sent += 1
        time.sleep(every)


def chunked(data: bytes, size: int = 4096) -> bytes:
    """``data`` as chunks of ``size`` bytes, without the terminating zero-length chunk."""
    return b"".join(
        f"{len(data[i : i + size]):x}\r\n".encode() + data[i : i + size] + b"\r\n"
        for i in range(0, len(data), size)
    )
