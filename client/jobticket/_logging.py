"""The client's logger and the redaction that keeps credentials and personal data out of it.

Log lines name the method, path, status, attempt and request id. Query values that are personal data
(the ``email`` filter) are replaced, and headers (``Authorization``) are never logged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

if TYPE_CHECKING:
    import httpx

__all__ = ["REDACTED", "describe_request", "logger", "redact_query"]

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
