"""What the sync and async clients share: settings, the pacer, the retry policy and error mapping."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import httpx

from ._bounds import ACCEPT_ENCODING, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DOWNLOAD_BYTES
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
from ._version import __version__

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from ._environments import Environment
    from ._pacer_store import PacerStore

__all__ = [
    "DEFAULTS",
    "USER_AGENT",
    "ClientCore",
    "conflict",
    "raise_for_status",
    "translate_transport_errors",
]

USER_AGENT = f"jobticket-python/{__version__}"


@dataclass(frozen=True)
class ClientCore:
    """Checked settings plus the pacing and retry rules of one client (``with_options`` derives another).

    Every option has one way to be set: two arguments that would set the same thing raise
    :class:`ConfigurationError` naming both (:func:`conflict`), instead of one silently winning.
    """

    settings: Settings
    clock: Clock
    pacer: Pacer
    policy: RetryPolicy
    timeout: httpx.Timeout
    deadline: float
    deadline_given: bool
    """Whether ``deadline`` was chosen, or follows the read timeout (``with_options(timeout=)`` moves it)."""
    headers: Mapping[str, str] = field(default_factory=dict)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """The cap on every JSON or error body, counted decoded (:mod:`._bounds`)."""
    max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES
    """The cap on a downloaded document, counted decoded."""

    @classmethod
    def build(
        cls,
        base_url: str | Environment | None,
        *,
        username: str | None,
        password: str | None,
        timeout: float | httpx.Timeout,
        deadline: float | None,
        max_retries: int | None,
        retry_after_cap: float | None,
        rate_limit: int | None,
        rate_window_seconds: float | None,
        pacer: Pacer | None,
        pacer_store: PacerStore | str | None,
        retry_policy: RetryPolicy | None,
        headers: Mapping[str, str] | None,
        clock: Clock | None,
        env: Mapping[str, str] | None,
        max_body_bytes: int | None = None,
        max_download_bytes: int | None = None,
    ) -> ClientCore:
        """Check the constructor's arguments, refuse conflicting ones and pick the shared pacer."""
        if retry_policy is not None:
            _refuse_beside("retry_policy", max_retries=max_retries, retry_after_cap=retry_after_cap)
        if pacer is not None:
            _refuse_beside(
                "pacer",
                clock=None if clock is None or clock == pacer.clock else clock,
                pacer_store=pacer_store,
                rate_limit=rate_limit,
                rate_window_seconds=rate_window_seconds,
            )
        settings = Settings.build(base_url, username, password, env)
        clock = pacer.clock if pacer is not None else clock or SystemClock()
        redact_httpx_records(settings.base_url)
        policy = retry_policy or RetryPolicy(
            max_retries=DEFAULTS["max_retries"] if max_retries is None else max_retries,
            retry_after_cap=DEFAULTS["retry_after_cap"] if retry_after_cap is None else retry_after_cap,
        )
        pacer = pacer or shared_pacer(
            settings.base_url,
            settings.username,
            limit=rate_limit,
            window_seconds=rate_window_seconds,
            clock=clock,
            store=choose_store(pacer_store, clock, env),
        )
        core = cls(settings, clock, pacer, policy, httpx.Timeout(DEFAULTS["timeout"]), 0.0, False)
        return core.derive(
            timeout=timeout,
            deadline=deadline,
            headers=headers,
            max_body_bytes=max_body_bytes,
            max_download_bytes=max_download_bytes,
        )

    def derive(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        max_body_bytes: int | None = None,
        max_download_bytes: int | None = None,
    ) -> ClientCore:
        """These settings with some replaced (None keeps one); the pacer and clock stay the same."""
        new_timeout = self.timeout
        if timeout is not None:
            new_timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        given = deadline is not None or self.deadline_given
        if deadline is None:
            deadline = self.deadline if self.deadline_given else default_deadline(new_timeout)
        if not deadline > 0:
            raise ConfigurationError(f"deadline must be a positive number of seconds, got {deadline!r}")
        return replace(
            self,
            timeout=new_timeout,
            deadline=deadline,
            deadline_given=given,
            policy=self.policy if max_retries is None else replace(self.policy, max_retries=max_retries),
            headers={**self.headers, **_checked_headers(headers or {})},
            max_body_bytes=_bytes("max_body_bytes", max_body_bytes, self.max_body_bytes),
            max_download_bytes=_bytes("max_download_bytes", max_download_bytes, self.max_download_bytes),
        )

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments common to ``httpx.Client`` and ``httpx.AsyncClient``."""
        return {
            "base_url": self.settings.base_url,
            "auth": httpx.BasicAuth(self.settings.username, self.settings.password),
            "timeout": self.timeout,
            "headers": {
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,  # only what can be decoded within the caps
                **self.headers,
            },
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


def _bytes(name: str, value: int | None, current: int) -> int:
    """A cap in bytes: the one given (a positive integer), else the current one."""
    if value is None:
        return current
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{name} must be a positive number of bytes, got {value!r}")
    return value


def conflict(first: str, second: str, why: str) -> ConfigurationError:
    """The error of two arguments that set the same thing: it names both, and says which way to choose."""
    return ConfigurationError(f"{first}= and {second}= both given: {why}")


# (argument, argument it already decides): where the second one is set instead.
_DECIDED_BY = {
    ("retry_policy", "max_retries"): "the policy has its own, RetryPolicy(max_retries=...)",
    ("retry_policy", "retry_after_cap"): "the policy has its own, RetryPolicy(retry_after_cap=...)",
    ("pacer", "pacer_store"): "the pacer has its own store, Pacer(store=...)",
    ("pacer", "rate_limit"): "the pacer has its own limit, Pacer(limit=...)",
    ("pacer", "rate_window_seconds"): "the pacer has its own window, Pacer(window_seconds=...)",
    ("pacer", "clock"): "the pacer has its own clock, Pacer(clock=...), and pacing, retries and back-off "
    "must read one clock",
}


def _refuse_beside(name: str, **others: object) -> None:
    """Refuse any of ``others`` given beside ``name``, which already decides what they would set."""
    for other, given in others.items():
        if given is not None:
            raise conflict(name, other, f"{_DECIDED_BY[name, other]}; pass one of the two")


# Headers the client sets from its own arguments: a second way to set them would fight the first.
_MANAGED_HEADERS = {"authorization": "username/password", "host": "base_url"}


def _checked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    for name in headers:
        owner = _MANAGED_HEADERS.get(name.lower())
        if owner is not None:
            raise conflict("headers", owner, f"the {name} header comes from {owner}=; do not set it twice")
    return dict(headers)


# What an argument left out (None) means; the pacer's limit and window apply when a client creates it.
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
            f"connection failed: {_library_words(error)}", request=_request_of(error)
        ) from error


def _library_words(error: Exception) -> str:
    """The error's type, with its text only when that is the library's own words.

    A protocol error may quote the bytes it received (``illegal header line: bytearray(b'...')``): text
    with a quote in it, or anything long or unprintable, is left out (the error stays on ``__cause__``).
    """
    text = str(error)
    if not text or len(text) > 200 or not text.isprintable() or any(mark in text for mark in "'\"`"):
        return type(error).__name__
    return f"{type(error).__name__}: {text}"


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
