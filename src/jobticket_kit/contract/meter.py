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
outage. A ``requests`` answer is read within bounds (:mod:`answers`: decoded size, JSON depth, an
overall deadline per attempt); one that breaks them is refused, never retried, and the observers hear
of it (:meth:`MeterObserver.refused`): the run stops.

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
from contextlib import ExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import httpx
import requests
from requests.adapters import HTTPAdapter

from jobticket import Clock, RetryPolicy
from jobticket_kit.contract.answers import AnswerRefused, Watch, read_answer, watching_connections
from jobticket_kit.contract.operations import ContractSpec
from jobticket_kit.contract.origins import refuse_other_origins, refuse_production_proxy
from jobticket_kit.hosts import origin_of
from jobticket_kit.settings import DEFAULT_REQUEST_DEADLINE

__all__ = [
    "CONNECTION_FAULTS",
    "CONTROL_PREFIX",
    "RETRY_POLICY",
    "UNREADABLE_BODY",
    "Answer",
    "MeterObserver",
    "Outgoing",
    "RequestMeter",
    "credential_label",
    "metered_transport",
]

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
    """The body as received (within the run's bounds, :mod:`answers`); None when it was sent through httpx."""

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

    def refused(self, request: Outgoing, reason: str) -> None:
        """The meter refused the answer (too large, too deep, too slow): the target cannot be trusted."""


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
    ``deadline`` is the seconds one ``requests`` attempt may take, its answer read included.
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
        deadline: float = DEFAULT_REQUEST_DEADLINE,
    ) -> None:
        self.target = origin_of(base_url)
        self.deadline = deadline
        self.spec = spec
        self.names = names
        self.clock = clock
        self.observers = tuple(observers)
        self.refused = {} if refused is None else refused
        self._unwrapped: Any = None
        self._watching = ExitStack()

    def __enter__(self) -> RequestMeter:
        """Wrap ``requests``' sending for the duration of the block."""
        if self._unwrapped is not None:
            raise RuntimeError("this meter is already metering")
        original = HTTPAdapter.send

        def send(adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
            refuse_production_proxy(request.url or "", kwargs.get("proxies"), self.refused)
            label = f"{(request.method or 'GET').upper()} {urlsplit(request.url or '').path or '/'}"

            def forward() -> tuple[requests.Response, bytes | None]:
                # Every answer is streamed (schemathesis asks so itself), then read here within bounds,
                # so a cut connection is retried too and the observers see every body (requests keeps it
                # for the caller).
                with Watch(self.deadline, label) as watch:
                    try:
                        response: requests.Response = original(
                            adapter, request, *args, **{**kwargs, "stream": True}
                        )
                        return response, read_answer(response, label)
                    except requests.RequestException as error:
                        if watch.fired and not isinstance(error, AnswerRefused):
                            raise watch.refused() from None
                        raise

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
        self._watching.enter_context(watching_connections())
        _ACTIVE.append(self)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Put ``requests``' own sending back, whatever happened in the block."""
        _ACTIVE.remove(self)
        HTTPAdapter.send = self._unwrapped  # type: ignore[method-assign]
        self._unwrapped = None
        self._watching.close()

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
            except AnswerRefused as refusal:
                self._attempted(request, None, type(refusal).__name__)
                self._refused(request, str(refusal))
                raise
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

    def _refused(self, request: Outgoing, reason: str) -> None:
        self._each(lambda observer: observer.refused(request, reason))

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
            body=_httpx_body(request),
            content_type=request.headers.get("Content-Type"),
        )

    def close(self) -> None:
        self._inner.close()


def metered_transport() -> httpx.BaseTransport:
    """An httpx transport that sends through the meter of the run in progress."""
    if not _ACTIVE:
        raise RuntimeError("no metered run in progress")
    return _ACTIVE[-1].transport()


UNREADABLE_BODY = "an unreadable JSON body"


def _unreadable(headers: Mapping[str, str], body: bytes | None) -> str | None:
    """``UNREADABLE_BODY`` when a body that says it is JSON does not parse (cut short), else None."""
    if not body or "json" not in (headers.get("Content-Type") or "").lower():
        return None
    try:
        json.loads(body)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        return UNREADABLE_BODY
    except RecursionError:  # pragma: no cover - the meter refuses a body that deep (answers)
        return None
    return None


def _text(value: str | bytes | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _httpx_body(request: httpx.Request) -> bytes | None:
    """An httpx request's body as bytes (the sandbox guard matches a sync's rows), None for a stream."""
    try:
        return request.content or None
    except httpx.RequestNotRead:
        return None


def _bytes(body: object) -> bytes | None:
    """A request body as bytes, or None when it is a stream (never read here)."""
    return body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else None
