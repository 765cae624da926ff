"""Every answer of a contract run is read within bounds: its decoded size, its JSON nesting and its time.

Schemathesis and the named checks send with ``requests``, whose timeouts are per read: a target dripping
one byte a second never trips them, and ``requests`` reads a body whole, however large it inflates. So
the run's meter (:mod:`meter`) sends every request streamed and reads the answer here:

- **size**: the body is read as ``urllib3`` decodes it, in chunks of at most 64 KiB, and refused at the
  first chunk past its cap: the client's ``max_body_bytes`` for JSON and error bodies, :data:`MAX_FILE_BYTES`
  for a file (a document the download check fetches);
- **depth**: a JSON body nested deeper than the client's cap is refused before anyone parses it
  (schemathesis, the checks, the redactor that learns personal values);
- **time**: an attempt that has no complete answer after the run's deadline (``JOBTICKET_REQUEST_DEADLINE``)
  is cut: a watchdog shuts the connection down, whether the target drips the head or the body.

A refused answer raises :class:`AnswerRefused`; the meter tells its observers, and the run stops with no
verdict (exit 2): a target that sends such answers cannot be judged, and must not be probed further.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import requests
import urllib3.connection

from jobticket._bounds import DEFAULT_MAX_BODY_BYTES, MAX_JSON_DEPTH, json_depth

__all__ = ["MAX_FILE_BYTES", "AnswerRefused", "Watch", "read_answer", "watching_connections"]

MAX_FILE_BYTES = 16 * 1024 * 1024  # a document's PDF, held in memory by the run: a few pages are ~100 KB
_CHUNK = 64 * 1024
_current = threading.local()


class AnswerRefused(requests.RequestException):
    """The target's answer broke a bound of the run (size, depth, deadline); nobody may trust it."""


class Watch:
    """The deadline of one attempt: past it, the connection the attempt reads from is shut down."""

    def __init__(self, seconds: float, label: str) -> None:
        self.seconds = seconds
        self.label = label
        self.fired = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watch:
        _current.watch = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _current.watch = None

    def attach(self, sock: socket.socket | None) -> None:
        """Watch the socket the attempt reads its answer from (shut at once if the deadline passed)."""
        with self._lock:
            self._socket = sock
            if self.fired:
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            _shut(self._socket)

    def refused(self) -> AnswerRefused:
        """The error of an attempt this watch cut."""
        return AnswerRefused(f"{self.label}: no complete answer within the deadline of {self.seconds:g} s")


def _shut(sock: socket.socket | None) -> None:
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def watching_connections() -> Iterator[None]:
    """While entered, a urllib3 connection awaiting an answer hands its socket to the thread's watch."""
    original = urllib3.connection.HTTPConnection.getresponse

    def getresponse(connection: urllib3.connection.HTTPConnection) -> Any:
        watch: Watch | None = getattr(_current, "watch", None)
        if watch is not None:
            watch.attach(connection.sock)
        return original(connection)

    urllib3.connection.HTTPConnection.getresponse = getresponse  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        urllib3.connection.HTTPConnection.getresponse = original  # type: ignore[method-assign]


def _is_json(response: requests.Response) -> bool:
    return "json" in response.headers.get("Content-Type", "")


def read_answer(response: requests.Response, label: str) -> bytes:
    """Read a streamed answer's body within its cap, check a JSON body's depth; make it the content."""
    limit = DEFAULT_MAX_BODY_BYTES if _is_json(response) or response.status_code >= 400 else MAX_FILE_BYTES
    what = f"{label} -> {response.status_code}"
    data = bytearray()
    try:
        length = response.headers.get("Content-Length", "")
        encoded = response.headers.get("Content-Encoding", "identity").strip().lower() != "identity"
        if not encoded and length.isdigit() and int(length) > limit:
            raise AnswerRefused(f"{what}: announces a body larger than {limit} bytes")
        for chunk in response.iter_content(_CHUNK):
            data += chunk
            if len(data) > limit:
                raise AnswerRefused(f"{what}: the body is larger than {limit} bytes (decoded)")
    except BaseException:
        response.close()
        raise
    response.raw.release_conn()
    body = bytes(data)
    if _is_json(response) and body:
        try:
            text = body.decode(json.detect_encoding(body))
        except UnicodeDecodeError:
            text = ""  # not JSON at all: the checks report that
        if json_depth(text) > MAX_JSON_DEPTH:
            raise AnswerRefused(f"{what}: the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
    response._content = body
    response._content_consumed = True
    return body
