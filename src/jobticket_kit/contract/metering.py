"""Route every HTTP request of the run through the budget, whoever sends it.

Schemathesis sends with ``requests``, from sessions it creates itself, and some of its checks re-send
probes; the named checks use ``requests`` too. Wrapping ``HTTPAdapter.send`` for the duration of the
run is the one place all of them pass, so nothing escapes the count or the pacing. It is also where
requests to any other origin are refused before they are sent: ``requests`` follows redirects by
default, across hosts, so a target answering ``302`` to production would otherwise get us there.

And it is where transient faults are ridden out, as the client does: an idempotent ``requests`` call
that gets 502/503/504 or loses its connection is sent again after a bounded back-off (each attempt
counted in the budget), so a gateway hiccup is not mistaken for contract drift (httpx callers are the
client, which retries by itself). Each final answer goes to the run's journal, the evidence of the
check in progress.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import httpx
import requests
from requests.adapters import HTTPAdapter

from jobticket import RetryPolicy, UnsafeURLError
from jobticket_kit.contract.budget import RequestBudget
from jobticket_kit.contract.journal import Exchange, Journal
from jobticket_kit.contract.operations import ContractSpec
from jobticket_kit.hosts import Origin, origin_of

__all__ = [
    "CONTROL_PREFIX",
    "RETRY_POLICY",
    "OtherOriginRefused",
    "credential_label",
    "metered",
    "metered_transport",
    "refuse_other_origins",
]

CONTROL_PREFIX = "/_twin/"  # the twin's control routes are not part of the API and not rate limited
# The client's own rules (idempotent calls only, 502/503/504, doubling back-off from 0.5 s), without
# jitter: the run is paced already, and a fixed schedule keeps its requests repeatable.
RETRY_POLICY = RetryPolicy(max_retries=3, jitter=lambda: 0.0)
_CONNECTION_FAULTS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    httpx.TransportError,
)


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


class OtherOriginRefused(requests.RequestException):
    """A request (a redirect, a link, a probe) to an origin other than the run's target; never sent."""


def refuse_other_origins(url: str, target: Origin, refused: dict[str, int]) -> None:
    """Raise :class:`OtherOriginRefused` and count it in ``refused`` unless ``url`` reaches ``target``.

    Origins are compared as the HTTP libraries resolve them (:func:`jobticket.origin_of`); a URL they
    could read differently counts as ``malformed URL``. Only the origin is kept: a URL's path and query
    may carry personal data.
    """
    try:
        origin = origin_of(url)
    except UnsafeURLError:
        label = "malformed URL"
    else:
        if origin == target:
            return
        label = str(origin)
    refused[label] = refused.get(label, 0) + 1
    raise OtherOriginRefused(f"refused a request to {label}: this run talks to {target} only")


@dataclass
class _Meter:
    """Paces, counts and guards one request, whichever library sends it."""

    budget: RequestBudget
    spec: ContractSpec
    names: Mapping[str, str]
    target: Origin
    refused: dict[str, int]

    journal: Journal | None = None

    def send(
        self,
        method: str,
        url: str,
        authorization: str | None,
        forward: Callable[[], _R],
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        retry: bool = False,
    ) -> _R:
        refuse_other_origins(url, self.target, self.refused)
        path = urlsplit(url).path or "/"
        if path.startswith(CONTROL_PREFIX):
            return forward()
        operation = self.spec.operation_for(method, path)
        operation_id = operation.operation_id if operation else None
        label = operation_id or f"{method} (no operation)"
        credential = credential_label(authorization, self.names)
        sent = Exchange(method, url, credential, operation_id, None, None, content_type, body)
        attempts = 1 + (RETRY_POLICY.max_retries if retry and RETRY_POLICY.is_idempotent(method) else 0)
        for attempt in range(attempts):
            if attempt:
                self.budget.clock.sleep(RETRY_POLICY.backoff(attempt))
            self.budget.acquire(credential, label, retry=attempt > 0)
            try:
                response = forward()
            except _CONNECTION_FAULTS as exc:
                self._record(replace(sent, error=type(exc).__name__))
                if attempt + 1 < attempts:
                    continue
                raise
            self._record(replace(sent, status=response.status_code))
            if attempt + 1 < attempts and RETRY_POLICY.may_retry_status(
                method, response.status_code, attempt
            ):
                continue
            self.budget.observe(
                credential,
                f"{method} {path}",
                response.status_code,
                response.headers.get("Retry-After"),
                operation=label,
            )
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _record(self, exchange: Exchange) -> None:
        if self.journal is not None:
            self.journal.record(exchange)


class _Response(Protocol):
    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Any: ...


_R = TypeVar("_R", bound=_Response)
_ACTIVE: list[_Meter] = []


class _MeteredTransport(httpx.BaseTransport):
    """The run's meter for httpx (the client's guarded sync): same budget, same origin guard."""

    def __init__(self, meter: _Meter, inner: httpx.BaseTransport) -> None:
        self._meter = meter
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        authorization = request.headers.get("Authorization")
        return self._meter.send(
            request.method.upper(),
            str(request.url),
            authorization,
            lambda: self._inner.handle_request(request),
        )

    def close(self) -> None:
        self._inner.close()


def _text(value: str | bytes | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _bytes(body: object) -> bytes | None:
    """A request body as bytes, or None when it is a stream (never read here)."""
    return body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else None


def metered_transport() -> httpx.BaseTransport:
    """An httpx transport that sends through the meter of the run in progress (see :func:`metered`)."""
    if not _ACTIVE:
        raise RuntimeError("no metered run in progress")
    return _MeteredTransport(_ACTIVE[-1], httpx.HTTPTransport())


@contextmanager
def metered(
    budget: RequestBudget,
    spec: ContractSpec,
    names: Mapping[str, str],
    base_url: str,
    refused: dict[str, int] | None = None,
    *,
    journal: Journal | None = None,
) -> Iterator[None]:
    """Pace and count every request to ``base_url`` made inside the block; refuse all others.

    Every ``requests`` call passes (patched ``HTTPAdapter.send``), and httpx clients built with
    :func:`metered_transport`. A refused request (another origin, e.g. a redirect's ``Location``) is
    counted by origin in ``refused`` and raises :class:`OtherOriginRefused` instead of being sent.
    """
    original = HTTPAdapter.send
    meter = _Meter(budget, spec, names, origin_of(base_url), {} if refused is None else refused, journal)

    def send(adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        def forward() -> requests.Response:
            response: requests.Response = original(adapter, request, *args, **kwargs)
            if not kwargs.get("stream"):
                _ = response.content  # read the body here, so a cut connection is retried too
            return response

        return meter.send(
            (request.method or "GET").upper(),
            request.url or "",
            _text(request.headers.get("Authorization")),
            forward,
            body=_bytes(request.body),
            content_type=_text(request.headers.get("Content-Type")),
            retry=True,
        )

    HTTPAdapter.send = send  # type: ignore[method-assign,assignment]
    _ACTIVE.append(meter)
    try:
        yield
    finally:
        _ACTIVE.remove(meter)
        HTTPAdapter.send = original  # type: ignore[method-assign]
