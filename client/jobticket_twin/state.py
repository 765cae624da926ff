"""The twin's mutable state: one immutable data set swapped whole under a lock, plus per-run services."""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING

from jobticket_twin.faults import FaultInjector, FaultSpec
from jobticket_twin.ratelimit import RateLimiter
from jobticket_twin.seed import SeedData, build_keys, build_seed
from jobticket_twin.webhooks import WebhookDispatcher

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobticket_twin.config import TwinConfig
    from jobticket_twin.models import ApiKey

__all__ = ["TwinState"]


class TwinState:
    """Everything one twin knows. Readers take ``data`` once per request; writers replace it whole.

    Because records and published data sets are never modified in place, a request always sees one
    consistent version, and a sync that fails half-way leaves nothing behind.
    """

    def __init__(self, config: TwinConfig) -> None:
        self.config = config
        self.clock: Callable[[], float] = config.clock
        self.keys: dict[str, ApiKey] = build_keys(config.extra_credentials)
        self.rate_limiter = RateLimiter(
            config.rate_limit, config.window_seconds, config.block_seconds, config.clock
        )
        self.faults: FaultInjector | None = FaultInjector(config.faults) if config.faults else None
        self.webhooks = WebhookDispatcher(
            receivers=config.webhook_receivers,
            attempts=config.webhook_attempts,
            backoff_seconds=config.webhook_backoff_seconds,
            timeout_seconds=config.webhook_timeout_seconds,
        )
        self.lock = threading.RLock()
        self.seed = config.seed
        self.data: SeedData = build_seed(config.seed, config.employees)

    def reset(self, seed: int | None = None) -> None:
        """Go back to fresh seed data (``seed`` or the current one) and forget every rate-limit block."""
        with self.lock:
            if seed is not None:
                self.seed = seed
            self.data = build_seed(self.seed, self.config.employees)
            self.rate_limiter.reset()

    def publish(self, data: SeedData) -> None:
        """Make ``data`` the current version; callers build it from ``self.data`` while holding ``lock``."""
        with self.lock:
            self.data = data

    def replace(self, **changes: object) -> SeedData:
        """Publish a copy of the current data with some collections replaced, and return it."""
        with self.lock:
            self.data = dataclasses.replace(self.data, **changes)  # type: ignore[arg-type]
            return self.data

    def set_faults(self, spec: FaultSpec | None) -> None:
        """Turn fault injection on with ``spec``, or off with None."""
        self.faults = FaultInjector(spec) if spec else None
