"""Everything that varies between twin runs, fixed at start-up."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jobticket import UnsafeURLError
from jobticket._environments import is_production_url
from jobticket._hosts import origin_of
from jobticket_twin.seed import EMPLOYEE_COUNT

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobticket_twin.faults import FaultSpec

__all__ = ["MAX_SECONDS", "TwinConfig", "WebhookReceiver"]

MAX_SECONDS = (
    86_400.0  # a day: any window, block or wait of the twin beyond it is a typo (and nan never passes)
)


@dataclass(frozen=True)
class WebhookReceiver:
    """A registered webhook endpoint and the secret its deliveries are signed with (O-29).

    The URL passes the client's host check when the receiver is made (``ValueError`` with the rule):
    an http(s) URL that httpx reads as written (:func:`jobticket._hosts.origin_of`), and never the API's
    production host, however spelled. Deliveries ignore the environment's proxies and follow no
    redirect, so the checked host is the one that gets the events.
    """

    url: str
    secret: str = field(repr=False)

    def __post_init__(self) -> None:
        if is_production_url(self.url):
            raise ValueError("a webhook URL on the API's production host is refused")
        try:
            origin_of(self.url)
        except UnsafeURLError as error:
            raise ValueError(f"the webhook URL is refused: {error.reason}") from None
        if not self.secret:
            raise ValueError("a webhook secret must not be empty")


@dataclass(frozen=True)
class TwinConfig:
    """Settings of one twin: seed data and its size, rate limit (0 = off), clock, faults, extra key, webhooks.

    ``clock`` returns Unix seconds; it drives the rate limit, the dates the twin writes and webhook
    timestamps, so a ``FakeClock`` makes all of them deterministic.
    """

    seed: int = 0
    employees: int = EMPLOYEE_COUNT
    """How many employees the seed data holds (250 and up; above 250, a large synthetic company)."""
    rate_limit: int = 100
    window_seconds: float = 60.0
    block_seconds: float = 300.0
    clock: Callable[[], float] = field(default=time.time, compare=False)
    faults: FaultSpec | None = None
    extra_credentials: tuple[str, str] | None = field(default=None, repr=False)
    webhook_receivers: tuple[WebhookReceiver, ...] = ()
    webhook_attempts: int = 3
    webhook_backoff_seconds: float = 0.2
    webhook_timeout_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.employees < EMPLOYEE_COUNT:
            raise ValueError(
                f"employees must be at least {EMPLOYEE_COUNT} (the seed's own), got {self.employees}"
            )
        if self.rate_limit < 0:
            raise ValueError(f"rate_limit must be >= 0 (0 turns it off), got {self.rate_limit}")
        if not (0 < self.window_seconds <= MAX_SECONDS and 0 < self.block_seconds <= MAX_SECONDS):
            raise ValueError(f"window_seconds and block_seconds must be > 0 and at most {MAX_SECONDS}")
        if self.webhook_attempts < 1:
            raise ValueError(f"webhook_attempts must be >= 1, got {self.webhook_attempts}")
        if self.webhook_backoff_seconds < 0 or self.webhook_timeout_seconds <= 0:
            raise ValueError("webhook_backoff_seconds must be >= 0 and webhook_timeout_seconds > 0")
