"""What the check in progress sent and got: the evidence a failure entry names and reproduces.

The meter writes every exchange with the target here (after its retries); the plugin starts a new
page for each check, so a failing check's last exchange is the request that showed the failure.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["Exchange", "Journal"]


@dataclass(frozen=True)
class Exchange:
    """One request to the target and its final answer (``status`` None: the connection failed)."""

    method: str
    url: str
    credential: str
    operation: str | None
    status: int | None
    error: str | None = None
    content_type: str | None = None
    body: bytes | None = None

    @property
    def is_outage(self) -> bool:
        """A server error or a failed connection: evidence about availability, not the contract."""
        return self.status is None or self.status >= 500


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

    @property
    def last(self) -> Exchange | None:
        """The latest exchange of the current check."""
        with self._lock:
            return self._exchanges[-1] if self._exchanges else None
