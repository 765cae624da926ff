"""httpx transports that pace, retry and log every request: the one place where that happens.

They wrap the real transport, so ``client.http`` (the raw httpx client) is protected exactly like the
typed methods. Every body is read inside the retry loop within ``max_body_bytes`` (decoded, see
:mod:`._bounds`), except a download's, which stays streamed for the caller to write within its own cap.
A 429 that is not waited out is raised as :class:`RateLimitError`; every other response is returned
for the caller to map.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from ._bounds import DEFAULT_MAX_BODY_BYTES, STREAMED, aread_bounded, read_bounded
from ._clock import Clock, SystemClock
from ._deadline import DEFAULT_DEADLINE, Deadline
from ._exceptions import BlockedError, DeadlineExceededError, RateLimitError, error_from_response
from ._logging import describe_request, logger
from ._pacer import Pacer
from ._retry import RetryPolicy, parse_retry_after

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["AsyncResilientTransport", "ResilientTransport"]


@dataclass
class _Verdict:
    """What to do with one response: return it, retry after ``delay``, or raise ``rate_limited``."""

    retry: bool = False
    delay: float = 0.0
    retry_after: float | None = None
    rate_limited: bool = False


class _Attempts:
    """Bookkeeping of one logical request across its attempts, shared by both transports."""

    def __init__(
        self,
        policy: RetryPolicy,
        pacer: Pacer,
        request: httpx.Request,
        wall_clock: Callable[[], float],
        deadline: Deadline,
    ) -> None:
        self.deadline = deadline
        self.policy = policy
        self.pacer = pacer
        self.request = request
        self.wall_clock = wall_clock
        self.number = 0
        self.retries = 0
        self.rate_limit_retries = 0
        self.started = 0.0

    def begin(self) -> None:
        self.deadline.start_attempt()
        self.number += 1
        self.started = time.perf_counter()

    def blocked(self, error: BlockedError) -> RateLimitError:
        logger.info(  # raised as RateLimitError, like the 429 it follows
            "%s not sent: credential blocked for another %.0f s",
            describe_request(self.request),
            error.remaining,
        )
        return RateLimitError(
            "credential is blocked after a 429; not sending", retry_after=error.remaining, response=None
        )

    def after_error(self, error: Exception) -> float:
        """Return the back-off before the next attempt, or re-raise ``error`` when it must not be retried."""
        retryable = not isinstance(error, DeadlineExceededError) and self.policy.may_retry_error(
            self.request.method, error, self.retries
        )
        delay = self.policy.backoff(self.retries + 1) if retryable else 0.0
        if not retryable or not self.deadline.allows(delay):
            logger.warning(
                "%s failed: %s (attempt %d, not retried)",
                describe_request(self.request),
                type(error).__name__,
                self.number,
            )
            raise error
        self.retries += 1
        logger.warning(
            "%s failed: %s; retry %d of %d in %.2f s",
            describe_request(self.request),
            type(error).__name__,
            self.retries,
            self.policy.max_retries,
            delay,
        )
        return delay

    def after_response(self, response: httpx.Response) -> _Verdict:
        status = response.status_code
        logger.debug(
            "%s -> %d in %.0f ms (attempt %d)",
            describe_request(self.request),
            status,
            (time.perf_counter() - self.started) * 1000,
            self.number,
        )
        if status == 429:
            return self._rate_limited(response)
        if not self.policy.may_retry_status(self.request.method, status, self.retries):
            return _Verdict()
        delay = self.policy.backoff(self.retries + 1)
        if not self.deadline.allows(delay):
            return _Verdict()  # no time left for a retry: the caller gets this answer
        self.retries += 1
        logger.warning(
            "%s -> %d; retry %d of %d in %.2f s",
            describe_request(self.request),
            status,
            self.retries,
            self.policy.max_retries,
            delay,
        )
        return _Verdict(retry=True, delay=delay)

    def _rate_limited(self, response: httpx.Response) -> _Verdict:
        announced = parse_retry_after(response.headers.get("retry-after"), now=self.wall_clock())
        retry_after = self.policy.clamp_block(announced)
        if announced != retry_after:
            logger.warning(
                "%s -> 429 with Retry-After %.0f s, above the documented %.0f s block; taking %.0f s",
                describe_request(self.request),
                announced,
                self.policy.max_block_seconds,
                retry_after,
            )
        if retry_after is not None:
            # Every client of this credential waits (or refuses) from now on, not only this one.
            self.pacer.block(retry_after)
        if self.policy.may_wait_rate_limit(retry_after, self.rate_limit_retries):
            self.rate_limit_retries += 1
            logger.warning(
                "%s -> 429; waiting %.1f s (Retry-After) before one more try",
                describe_request(self.request),
                retry_after,
            )
            return _Verdict(retry=True, delay=0.0, retry_after=retry_after)
        logger.info(  # raised as RateLimitError: the caller decides whether it is an error
            "%s -> 429; rate limited, retry after %s s (not waited: above the %.0f s cap or tried twice)",
            describe_request(self.request),
            "unknown" if retry_after is None else f"{retry_after:.0f}",
            self.policy.retry_after_cap,
        )
        return _Verdict(rate_limited=True, retry_after=retry_after)

    def rate_limited_error(self, response: httpx.Response, verdict: _Verdict) -> RateLimitError:
        response.request = self.request
        error = error_from_response(response, retry_after=verdict.retry_after)
        assert isinstance(error, RateLimitError)
        return error


def _buffered(request: httpx.Request, response: httpx.Response) -> bool:
    """Read every body here, within the cap, so a connection lost mid-body is retried like one lost before.

    A successful download (its request carries the ``STREAMED`` extension) stays streamed: it may be
    large, and the caller writes it out within its own cap.
    """
    return not (response.is_success and request.extensions.get(STREAMED))


def counts_against_key(request: httpx.Request) -> bool:
    """Only requests that carry a credential count against its rate limit (O-15), so only they are paced."""
    return "authorization" in request.headers


class ResilientTransport(httpx.BaseTransport):
    """Sync transport: pace, send, retry what is safe to retry."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        pacer: Pacer,
        policy: RetryPolicy,
        clock: Clock | None = None,
        deadline: float = DEFAULT_DEADLINE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self._inner = inner
        self._pacer = pacer
        self._policy = policy
        self._clock = clock or SystemClock()
        self._sleep = self._clock.sleep
        self._deadline = deadline
        self._max_body_bytes = max_body_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = Deadline(self._deadline, self._clock.monotonic, request)
        attempts = _Attempts(self._policy, self._pacer, request, self._clock.time, deadline)
        while True:
            try:
                if counts_against_key(request):
                    with deadline.paused():  # the client's own wait, bounded and logged
                        self._pacer.acquire(max_block=self._policy.retry_after_cap)
            except BlockedError as blocked:
                raise attempts.blocked(blocked) from None
            attempts.begin()
            try:
                response = self._inner.handle_request(request)
            except httpx.TransportError as error:
                self._sleep(attempts.after_error(error))
                continue
            response.request = request  # so that errors raised while reading can name it
            deadline.guard(response, asynchronous=False)
            verdict = attempts.after_response(response)
            if not (verdict.retry or verdict.rate_limited):
                if _buffered(request, response):
                    try:
                        read_bounded(response, self._max_body_bytes)
                    except httpx.TransportError as error:
                        self._sleep(attempts.after_error(error))
                        continue
                return response
            read_bounded(response, self._max_body_bytes)
            if verdict.rate_limited:
                raise attempts.rate_limited_error(response, verdict)
            if verdict.delay:
                self._sleep(verdict.delay)

    def close(self) -> None:
        self._inner.close()


class AsyncResilientTransport(httpx.AsyncBaseTransport):
    """Async transport with the same rules as :class:`ResilientTransport`."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        pacer: Pacer,
        policy: RetryPolicy,
        clock: Clock | None = None,
        deadline: float = DEFAULT_DEADLINE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self._inner = inner
        self._pacer = pacer
        self._policy = policy
        self._clock = clock or SystemClock()
        self._sleep = self._clock.asleep
        self._deadline = deadline
        self._max_body_bytes = max_body_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        deadline = Deadline(self._deadline, self._clock.monotonic, request)
        attempts = _Attempts(self._policy, self._pacer, request, self._clock.time, deadline)
        while True:
            try:
                if counts_against_key(request):
                    with deadline.paused():  # the client's own wait, bounded and logged
                        await self._pacer.acquire_async(max_block=self._policy.retry_after_cap)
            except BlockedError as blocked:
                raise attempts.blocked(blocked) from None
            attempts.begin()
            try:
                response = await self._inner.handle_async_request(request)
            except httpx.TransportError as error:
                await self._sleep(attempts.after_error(error))
                continue
            response.request = request  # so that errors raised while reading can name it
            deadline.guard(response, asynchronous=True)
            verdict = attempts.after_response(response)
            if not (verdict.retry or verdict.rate_limited):
                if _buffered(request, response):
                    try:
                        await aread_bounded(response, self._max_body_bytes)
                    except httpx.TransportError as error:
                        await self._sleep(attempts.after_error(error))
                        continue
                return response
            await aread_bounded(response, self._max_body_bytes)
            if verdict.rate_limited:
                raise attempts.rate_limited_error(response, verdict)
            if verdict.delay:
                await self._sleep(verdict.delay)

    async def aclose(self) -> None:
        await self._inner.aclose()
