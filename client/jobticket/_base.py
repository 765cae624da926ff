"""What the sync and async clients share: settings, the pacer, the retry policy and error mapping."""

from __future__ import annotations

import contextlib
import datetime
from typing import TYPE_CHECKING, Any

import httpx

from ._clock import Clock, SystemClock
from ._deadline import default_deadline
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    DeadlineExceededError,
    error_from_response,
)
from ._logging import logger, redact_httpx_records
from ._pacer import DEFAULT_RATE_LIMIT, DEFAULT_WINDOW_SECONDS, Pacer, choose_store, shared_pacer
from ._retry import RetryPolicy
from ._settings import DEFAULT_TIMEOUT, Settings

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from ._environments import Environment
    from ._pacer_store import PacerStore

__all__ = ["DEFAULTS", "USER_AGENT", "ClientCore", "raise_for_status", "translate_transport_errors"]

__version__ = "1.0.0"
USER_AGENT = f"jobticket-python/{__version__}"


class ClientCore:
    """Checked settings plus the pacing and retry rules of one client."""

    def __init__(
        self,
        base_url: str | Environment | None,
        *,
        username: str | None,
        password: str | None,
        timeout: float | httpx.Timeout,
        deadline: float | None,
        max_retries: int,
        retry_after_cap: float,
        rate_limit: int,
        rate_window_seconds: float,
        pacer: Pacer | None,
        pacer_store: PacerStore | str | None,
        retry_policy: RetryPolicy | None,
        clock: Clock | None,
        env: Mapping[str, str] | None,
    ) -> None:
        self.settings = Settings.build(base_url, username, password, env)
        self.clock = _one_clock(clock, pacer)
        redact_httpx_records(self.settings.base_url)
        if pacer is not None and pacer_store is not None:
            raise ConfigurationError(
                "pacer_store= applies to the client's own pacer: give it to Pacer(store=)"
            )
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.deadline = default_deadline(self.timeout) if deadline is None else deadline
        if not self.deadline > 0:
            raise ConfigurationError(f"deadline must be a positive number of seconds, got {deadline!r}")
        self.policy = retry_policy or RetryPolicy(max_retries=max_retries, retry_after_cap=retry_after_cap)
        self.pacer = pacer or shared_pacer(
            self.settings.base_url,
            self.settings.username,
            limit=rate_limit,
            window_seconds=rate_window_seconds,
            clock=self.clock,
            store=choose_store(pacer_store, self.clock, env),
        )

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments common to ``httpx.Client`` and ``httpx.AsyncClient``."""
        return {
            "base_url": self.settings.base_url,
            "auth": httpx.BasicAuth(self.settings.username, self.settings.password),
            "timeout": self.timeout,
            "headers": {"User-Agent": USER_AGENT, "Accept": "application/json"},
            "follow_redirects": False,  # a redirect could carry the Authorization header elsewhere
        }

    def today(self) -> datetime.date:
        """Today in UTC by the client's wall clock (terminationDate comparisons)."""
        return datetime.datetime.fromtimestamp(self.clock.time(), datetime.UTC).date()

    def now(self) -> datetime.datetime:
        """Now in UTC by the client's wall clock."""
        return datetime.datetime.fromtimestamp(self.clock.time(), datetime.UTC)

    def __repr__(self) -> str:
        return f"base_url={self.settings.base_url!r}, username={self.settings.username!r}"


DEFAULTS: dict[str, Any] = {
    "timeout": DEFAULT_TIMEOUT,
    "deadline": None,  # three times the read timeout (_deadline.default_deadline)
    "max_retries": 2,
    "retry_after_cap": 60.0,
    "rate_limit": DEFAULT_RATE_LIMIT,
    "rate_window_seconds": DEFAULT_WINDOW_SECONDS,
    # The HR-sync guard: refuse a sync offboarding more than this share of the active linked employees.
    "max_offboard_ratio": 0.10,
}


def _one_clock(clock: Clock | None, pacer: Pacer | None) -> Clock:
    """The client's clock: the one given, else the given pacer's; a pacer on another clock is refused."""
    if pacer is None:
        return clock or SystemClock()
    if clock is not None and clock != pacer.clock:
        raise ConfigurationError(
            f"clock={clock!r} differs from the pacer's clock {pacer.clock!r}: pacing, retries and back-off "
            "must read one clock"
        )
    return pacer.clock


@contextlib.contextmanager
def translate_transport_errors() -> Iterator[None]:
    """Turn httpx's transport errors (left after the safe retries) into this client's typed errors."""
    try:
        yield
    except httpx.TimeoutException as error:
        reason = str(error) if isinstance(error, DeadlineExceededError) else type(error).__name__
        raise APITimeoutError(f"request timed out: {reason}", request=_request_of(error)) from error
    except httpx.TransportError as error:
        raise APIConnectionError(
            f"connection failed: {type(error).__name__}: {error}", request=_request_of(error)
        ) from error


def _request_of(error: httpx.TransportError) -> httpx.Request | None:
    try:
        return error.request
    except RuntimeError:
        return None


def raise_for_status(response: httpx.Response, error: APIStatusError | None = None) -> None:
    """Raise the typed error (``error``, else the status's) of a non-2xx response whose body was read."""
    if response.is_success:
        return
    error = error or error_from_response(response)
    logger.info(
        "%s %s -> %d %s%s",
        response.request.method,
        response.request.url.path,
        response.status_code,
        type(error).__name__,
        f" (request id {error.request_id})" if error.request_id else "",
    )
    raise error
