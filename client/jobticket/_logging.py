"""The client's logger and the redaction that keeps credentials and personal data out of every log.

Log lines name the method, path, status, attempt and request id. Query values that are personal data
(the ``email`` filter) are replaced, and headers (``Authorization``) are never logged.

httpx logs every request at INFO on the logger ``httpx`` as ``HTTP Request: GET <full URL>``, which would
print those query values in any app that logs at INFO. Each client therefore registers its API's origin
with one filter on that logger (:func:`redact_httpx_records`): URLs of that origin are logged with the
same redaction and without user info; other hosts' records are left as they are.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import parse_qsl, urlencode

import httpx

__all__ = ["REDACTED", "describe_request", "logger", "redact_httpx_records", "redact_query"]

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
        return True

    def _ours(self, value: object) -> bool:
        return isinstance(value, httpx.URL) and _origin(value) in self.origins

    def _redacted(self, value: object) -> object:
        return redacted_url(value) if isinstance(value, httpx.URL) and self._ours(value) else value


_httpx_filter = _HttpxRedactionFilter()
_install_lock = threading.Lock()


def redact_httpx_records(base_url: str) -> None:
    """Make httpx's logger redact the URLs of ``base_url``'s origin (idempotent, thread-safe)."""
    with _install_lock:
        _httpx_filter.origins.add(_origin(httpx.URL(base_url)))
        httpx_logger = logging.getLogger("httpx")
        if _httpx_filter not in httpx_logger.filters:
            httpx_logger.addFilter(_httpx_filter)
