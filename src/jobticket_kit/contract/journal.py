"""What the check in progress sent and got: the evidence a failure entry names and reproduces.

The meter writes every exchange with the target here (after its retries); the plugin starts a new
page for each check, so a failing check's last exchange is the request that showed the failure.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

__all__ = ["Exchange", "Journal"]


@dataclass(frozen=True)
class Exchange:
    """One request to the target and its answer.

    ``status`` None: the connection failed (``error`` names the fault). ``error`` with a status: the
    answer arrived but its body could not be read (a JSON body cut short or otherwise unparseable).
    """

    method: str
    url: str
    credential: str
    operation: str | None
    status: int | None
    error: str | None = None
    content_type: str | None = None
    body: bytes | None = None
    retried: bool = False
    """The meter sent the request again after this answer: it was not the final one."""

    @property
    def is_outage(self) -> bool:
        """A server error, a failed connection or an unreadable body: evidence about availability."""
        return self.status is None or self.status >= 500 or self.error is not None

    def describe(self) -> str:
        """What the answer was, by method and path (no query: it may hold personal data)."""
        path = urlsplit(self.url).path
        if self.status is None:
            got = f"no answer ({self.error})"
        elif self.error is not None:
            got = f"HTTP {self.status} with {self.error}"
        else:
            got = f"HTTP {self.status}"
        return f"{got} from {self.method} {path}"


class Journal:
    """The exchanges of the current check (thread-safe)."""

    def __init__(self) -> None:
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Begin the page of a new check."""
        with self._lock:
            self._exchanges.clear()

    def record(self, exchange: Exchange) -> None:
        """Add one exchange of the current check."""
        with self._lock:
            self._exchanges.append(exchange)

    @property
    def exchanges(self) -> list[Exchange]:
        """Every exchange of the current check, oldest first."""
        with self._lock:
            return list(self._exchanges)

    def retrying(self) -> None:
        """The latest exchange is being sent again: it was not the final answer."""
        with self._lock:
            if self._exchanges:
                self._exchanges[-1] = replace(self._exchanges[-1], retried=True)

    @property
    def outage(self) -> Exchange | None:
        """The latest final answer of the current check that shows the target unavailable, if any.

        Answers the meter retried past do not count: the retry got the answer the check went on with.
        """
        with self._lock:
            return next(
                (item for item in reversed(self._exchanges) if item.is_outage and not item.retried), None
            )

    @property
    def last(self) -> Exchange | None:
        """The latest exchange of the current check."""
        with self._lock:
            return self._exchanges[-1] if self._exchanges else None
