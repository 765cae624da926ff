"""The client's logger and the redaction that keeps credentials and personal data out of every log.

Log lines name the method, path, status, attempt and request id. Query values that are personal data
(the ``email`` filter) are replaced, and headers (``Authorization``) are never logged.

httpx logs every request at INFO on the logger ``httpx`` as ``HTTP Request: GET <full URL>``, which would
print those query values in any app that logs at INFO. Each client therefore registers its API's origin
with one filter on that logger (:func:`redact_httpx_records`): URLs of that origin are logged with the
same redaction and without user info, and the status with its standard phrase instead of the
server's; other hosts' records are left as they are.

httpcore logs at DEBUG every response's headers (a download's ``Content-Disposition`` names the
document, a ``Location`` may carry a query) and every failure's exception (whose text may quote the
bytes received). Its records are formatted strings, so while this client sends a request
(:func:`sending`, set by its outermost transport) they are rewritten: header values outside a short
list of harmless ones are replaced, the reason phrase is the standard one, a failure names only its
exception's type. Records of other clients' requests are left as they are.
"""

from __future__ import annotations

import ast
import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from ._exceptions import status_phrase

__all__ = [
    "REDACTED",
    "describe_request",
    "logger",
    "redact_httpcore_records",
    "redact_httpx_records",
    "redact_query",
    "redacted_trace",
    "sending",
]

logger = logging.getLogger("jobticket")

REDACTED = "[redacted]"
_PERSONAL_QUERY_KEYS = frozenset({"email", "firstname", "lastname", "dateofbirth"})


def redact_query(query: str) -> str:
    """Return the query string with personal values replaced."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [(key, REDACTED if key.lower() in _PERSONAL_QUERY_KEYS else value) for key, value in pairs],
        safe="[],",
    )


def describe_request(request: httpx.Request) -> str:
    """Describe a request as ``METHOD /path?query``: personal query values redacted, no host or user."""
    query = request.url.query.decode("ascii", "replace")
    target = request.url.path + (f"?{redact_query(query)}" if query else "")
    return f"{request.method} {target}"


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def redacted_url(url: httpx.URL) -> str:
    """``scheme://host[:port]/path?query`` with personal query values replaced and no user info."""
    query = url.query.decode("ascii", "replace")
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{url.host}{port}{url.path}" + (f"?{redact_query(query)}" if query else "")


class _HttpxRedactionFilter(logging.Filter):
    """Rewrites the URLs of registered origins in httpx's own records (it never drops a record)."""

    def __init__(self) -> None:
        super().__init__("httpx")
        self.origins: set[tuple[str, str, int | None]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(self._ours(arg) for arg in args):
            record.args = tuple(self._redacted(arg) for arg in args)
            if len(args) == 5 and isinstance(args[3], int):  # HTTP Request: %s %s "%s %d %s"
                record.args = (*record.args[:4], status_phrase(args[3]))
        return True

    def _ours(self, value: object) -> bool:
        return isinstance(value, httpx.URL) and _origin(value) in self.origins

    def _redacted(self, value: object) -> object:
        return redacted_url(value) if isinstance(value, httpx.URL) and self._ours(value) else value


_httpx_filter = _HttpxRedactionFilter()
_install_lock = threading.Lock()


def redact_httpx_records(base_url: str) -> None:
    """Make httpx's logger redact the URLs of ``base_url``'s origin (idempotent, thread-safe).

    httpcore's loggers get their filter too (:func:`redact_httpcore_records`).
    """
    with _install_lock:
        _httpx_filter.origins.add(_origin(httpx.URL(base_url)))
        httpx_logger = logging.getLogger("httpx")
        if _httpx_filter not in httpx_logger.filters:
            httpx_logger.addFilter(_httpx_filter)
    redact_httpcore_records()


# -- httpcore's DEBUG records -------------------------------------------------------------------------

_sending: ContextVar[bool] = ContextVar("jobticket_sending", default=False)
#: Response headers whose values say nothing about anyone (framing, caching, pacing, the server).
SAFE_HEADERS = frozenset(
    {
        "cache-control", "connection", "content-encoding", "content-length", "content-type", "date",
        "keep-alive", "retry-after", "server", "transfer-encoding", "vary",
    }
)  # fmt: skip
HTTPCORE_LOGGERS = (
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
_FAILED = re.compile(r"^(\S+\.failed) exception=([A-Za-z_][\w.]*)")
_HEADERS_RECEIVED = "receive_response_headers.complete return_value="


@contextlib.contextmanager
def sending() -> Iterator[None]:
    """Mark the block as one of this client's requests: httpcore's records in it are redacted."""
    token = _sending.set(True)
    try:
        yield
    finally:
        _sending.reset(token)


class _HttpcoreRedactionFilter(logging.Filter):
    """Rewrites httpcore's records made while this client sends (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _sending.get() and isinstance(record.msg, str):
            record.msg, record.args = redacted_trace(record.getMessage()), ()
        return True


def redacted_trace(message: str) -> str:
    """An httpcore trace line without response header values, the server's reason or exception text."""
    failed = _FAILED.match(message)
    if failed:
        return f"{failed.group(1)} exception={failed.group(2)}"
    if message.startswith(_HEADERS_RECEIVED):
        try:
            received = ast.literal_eval(message.removeprefix(_HEADERS_RECEIVED))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return f"{_HEADERS_RECEIVED}[redacted]"
        return f"{_HEADERS_RECEIVED}{_redacted_headers_value(received)!r}"
    if message.endswith(".failed") or " exception=" in message:
        return message.split(" ", 1)[0]
    return message


def _redacted_headers_value(received: Any) -> Any:
    """``(version, status, reason, headers)`` (HTTP/1.1) or ``(status, headers)`` (HTTP/2), redacted."""
    if not isinstance(received, tuple):
        return REDACTED
    status = next((item for item in received if isinstance(item, int)), None)
    redacted: list[Any] = []
    for item in received:
        if isinstance(item, list):
            redacted.append([_redacted_header(pair) for pair in item])
        elif isinstance(item, bytes) and status is not None and redacted and redacted[-1] == status:
            redacted.append(status_phrase(status).encode())  # the reason phrase follows the status
        else:
            redacted.append(item)
    return tuple(redacted)


def _redacted_header(pair: Any) -> Any:
    if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], bytes)):
        return REDACTED
    name = pair[0]
    safe = name.decode("latin-1").lower() in SAFE_HEADERS
    return (name, pair[1] if safe else REDACTED.encode())


_httpcore_filter = _HttpcoreRedactionFilter()


def redact_httpcore_records() -> None:
    """Install the httpcore filter on each of its loggers (idempotent, thread-safe)."""
    with _install_lock:
        for name in HTTPCORE_LOGGERS:
            httpcore_logger = logging.getLogger(name)
            if _httpcore_filter not in httpcore_logger.filters:
                httpcore_logger.addFilter(_httpcore_filter)
