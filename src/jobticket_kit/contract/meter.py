"""The run's one request meter: every HTTP request of a contract run passes here, whoever sends it.

Schemathesis sends with ``requests``, from sessions it creates itself, and some of its checks re-send
probes; the named checks use ``requests`` too. So for as long as a :class:`RequestMeter` is entered,
``HTTPAdapter.send`` is wrapped, once, and put back on exit, also after an error; the client's
guarded sync (httpx) sends through :func:`metered_transport`. For each request the meter refuses any
origin but the target's and any proxy on production (:mod:`origins`), names the operation and the
credential (never the secret) and rides out transient faults as the client does: an idempotent
``requests`` call that gets 502/503/504, loses its connection or gets a JSON body it cannot parse (cut
short on the way) is sent again after a bounded back-off, within the run's budget (httpx callers are
the client, which retries by itself). An unreadable body that stays unreadable is told to the
observers as an attempt with an error beside its status, so the journal keeps it as evidence of an
outage.

Everything else is done by its observers (:class:`MeterObserver`), in :mod:`metering`: the budget
(which may refuse to send, and stops the run at a 429), the journal of the check in progress, the
redactor learning personal values from the answers, and whatever else wants to see the run's traffic
(the evidence about the vendor's API).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import httpx
import requests
from requests.adapters import HTTPAdapter

from jobticket import Clock, RetryPolicy
from jobticket_kit.contract.operations import ContractSpec
from jobticket_kit.contract.origins import refuse_other_origins, refuse_production_proxy
from jobticket_kit.hosts import origin_of

__all__ = [
    "CONNECTION_FAULTS",
    "CONTROL_PREFIX",
    "MAX_OBSERVED_BODY",
    "RETRY_POLICY",
    "UNREADABLE_BODY",
    "Answer",
    "MeterObserver",
    "Outgoing",
    "RequestMeter",
    "credential_label",
    "metered_transport",
]

MAX_OBSERVED_BODY = 4 * 1024 * 1024  # a streamed JSON answer is read for the observers up to this size
CONTROL_PREFIX = "/_twin/"  # the twin's control routes are not part of the API: neither metered nor observed
# The client's own rules (idempotent calls only, 502/503/504, doubling back-off from 0.5 s), without
# jitter: the run is paced already, and a fixed schedule keeps its requests repeatable.
RETRY_POLICY = RetryPolicy(max_retries=3, jitter=lambda: 0.0)
CONNECTION_FAULTS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    httpx.TransportError,
)


@dataclass(frozen=True)
class Outgoing:
    """A request on its way to the target: what it asks and with which credential (by name only)."""

    method: str
    url: str
    credential: str
    operation: str | None
    body: bytes | None = None
    content_type: str | None = None

    @property
    def path(self) -> str:
        """The URL's path (``/`` for none)."""
        return urlsplit(self.url).path or "/"

    @property
    def label(self) -> str:
        """The operation id, or ``METHOD (no operation)`` when the spec has none for it."""
        return self.operation or f"{self.method} (no operation)"


@dataclass(frozen=True)
class Answer:
    """The target's final answer to an :class:`Outgoing` request, after the meter's retries."""

    status: int
    headers: Mapping[str, str]
    body: bytes | None
    """The body as received; None when it was sent through httpx, or streamed and not a small JSON body."""

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header ('' without one)."""
        return self.headers.get("Content-Type") or ""


class MeterObserver:
    """Sees every request of the run; an observer overrides the moments it needs."""

    def sending(self, request: Outgoing, *, retry: bool) -> None:
        """Before each attempt, re-sends included; raising refuses the request before it is sent."""

    def attempted(self, request: Outgoing, status: int | None, error: str | None) -> None:
        """After each attempt: its status, and what went wrong, if anything.

        ``status`` None: the connection failed and ``error`` names the fault; ``error`` with a status:
        the body could not be read (:data:`UNREADABLE_BODY`).
        """

    def answered(self, request: Outgoing, answer: Answer) -> None:
        """The final answer; raising fails the request, after every other observer has seen it too."""


def credential_label(authorization: str | None, names: Mapping[str, str]) -> str:
    """Name the credential of a request without revealing it: its configured name, else ``unknown-key``."""
    if not authorization:
        return "no-auth"
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "basic":
        return "other-auth"
    try:
        username = base64.b64decode(token, validate=True).decode("utf-8", "replace").partition(":")[0]
    except (binascii.Error, ValueError):
        return "malformed-auth"
    return names.get(username, "unknown-key")


class _Response(Protocol):
    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Any: ...


_R = TypeVar("_R", bound=_Response)
_ACTIVE: list[RequestMeter] = []


class RequestMeter:
    """Meters every request to ``base_url`` while entered; refuses all others; tells its observers.

    ``refused`` counts the refused requests by origin. ``clock`` times the back-off between retries.
    """

    def __init__(
        self,
        base_url: str,
        spec: ContractSpec,
        names: Mapping[str, str],
        *,
        clock: Clock,
        observers: Sequence[MeterObserver] = (),
        refused: dict[str, int] | None = None,
    ) -> None:
        self.target = origin_of(base_url)
        self.spec = spec
        self.names = names
        self.clock = clock
        self.observers = tuple(observers)
        self.refused = {} if refused is None else refused
        self._unwrapped: Any = None

    def __enter__(self) -> RequestMeter:
        """Wrap ``requests``' sending for the duration of the block."""
        if self._unwrapped is not None:
            raise RuntimeError("this meter is already metering")
        original = HTTPAdapter.send

        def send(adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
            refuse_production_proxy(request.url or "", kwargs.get("proxies"), self.refused)

            def forward() -> tuple[requests.Response, bytes | None]:
                response: requests.Response = original(adapter, request, *args, **kwargs)
                if kwargs.get("stream") and not _small_json(response.headers):
                    return response, None
                # Read here, so a cut connection is retried too. Schemathesis streams every answer (for
                # event streams); a JSON body of a declared, bounded length is read all the same, so
                # the observers see it too (requests keeps it for the caller).
                return response, response.content

            return self.send(
                (request.method or "GET").upper(),
                request.url or "",
                _text(request.headers.get("Authorization")),
                forward,
                body=_bytes(request.body),
                content_type=_text(request.headers.get("Content-Type")),
                retry=True,
            )

        self._unwrapped = original
        HTTPAdapter.send = send  # type: ignore[method-assign,assignment]
        _ACTIVE.append(self)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Put ``requests``' own sending back, whatever happened in the block."""
        _ACTIVE.remove(self)
        HTTPAdapter.send = self._unwrapped  # type: ignore[method-assign]
        self._unwrapped = None

    def send(
        self,
        method: str,
        url: str,
        authorization: str | None,
        forward: Callable[[], tuple[_R, bytes | None]],
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        retry: bool = False,
    ) -> _R:
        """Send one request through ``forward`` (which returns the response and its body, if read)."""
        refuse_other_origins(url, self.target, self.refused)
        path = urlsplit(url).path or "/"
        if path.startswith(CONTROL_PREFIX):
            return forward()[0]
        operation = self.spec.operation_for(method, path)
        request = Outgoing(
            method,
            url,
            credential_label(authorization, self.names),
            operation.operation_id if operation else None,
            body,
            content_type,
        )
        attempts = 1 + (RETRY_POLICY.max_retries if retry and RETRY_POLICY.is_idempotent(method) else 0)
        for attempt in range(attempts):
            if attempt:
                self.clock.sleep(RETRY_POLICY.backoff(attempt))
            for observer in self.observers:
                observer.sending(request, retry=attempt > 0)
            try:
                response, received = forward()
            except CONNECTION_FAULTS as exc:
                self._attempted(request, None, type(exc).__name__)
                if attempt + 1 < attempts:
                    continue
                raise
            status = response.status_code
            unreadable = _unreadable(response.headers, received)
            self._attempted(request, status, unreadable)
            if attempt + 1 < attempts and (
                unreadable is not None or RETRY_POLICY.may_retry_status(method, status, attempt)
            ):
                continue
            self._answered(request, Answer(status, response.headers, received))
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def transport(self) -> httpx.BaseTransport:
        """An httpx transport sending through this meter."""
        return _MeteredTransport(self, httpx.HTTPTransport())

    def _attempted(self, request: Outgoing, status: int | None, error: str | None) -> None:
        self._each(lambda observer: observer.attempted(request, status, error))

    def _answered(self, request: Outgoing, answer: Answer) -> None:
        self._each(lambda observer: observer.answered(request, answer))

    def _each(self, call: Callable[[MeterObserver], None]) -> None:
        """Let every observer see the moment; then raise the first objection, if any."""
        objection: Exception | None = None
        for observer in self.observers:
            try:
                call(observer)
            except Exception as exc:  # raised below, once every observer has seen the moment
                objection = objection or exc
        if objection is not None:
            raise objection


class _MeteredTransport(httpx.BaseTransport):
    """The run's meter for httpx (the client's guarded sync): same budget, same origin guard."""

    def __init__(self, meter: RequestMeter, inner: httpx.BaseTransport) -> None:
        self._meter = meter
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._meter.send(
            request.method.upper(),
            str(request.url),
            request.headers.get("Authorization"),
            lambda: (self._inner.handle_request(request), None),
        )

    def close(self) -> None:
        self._inner.close()


def metered_transport() -> httpx.BaseTransport:
    """An httpx transport that sends through the meter of the run in progress."""
    if not _ACTIVE:
        raise RuntimeError("no metered run in progress")
    return _ACTIVE[-1].transport()


def _small_json(headers: Mapping[str, str]) -> bool:
    """A JSON answer that declares a length within :data:`MAX_OBSERVED_BODY` (safe to read at once)."""
    length = headers.get("Content-Length") or ""
    kind = headers.get("Content-Type") or ""
    return "json" in kind and length.isdigit() and int(length) <= MAX_OBSERVED_BODY


UNREADABLE_BODY = "an unreadable JSON body"


def _unreadable(headers: Mapping[str, str], body: bytes | None) -> str | None:
    """``UNREADABLE_BODY`` when a body that says it is JSON does not parse (cut short), else None."""
    if not body or "json" not in (headers.get("Content-Type") or "").lower():
        return None
    try:
        json.loads(body)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        return UNREADABLE_BODY
    except RecursionError:  # deep, but complete: not a transport fault
        return None
    return None


def _text(value: str | bytes | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _bytes(body: object) -> bytes | None:
    """A request body as bytes, or None when it is a stream (never read here)."""
    return body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else None
