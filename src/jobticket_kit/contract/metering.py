"""Route every HTTP request of the run through the budget, whoever sends it.

Schemathesis sends with ``requests``, from sessions it creates itself, and some of its checks re-send
probes; the named checks use ``requests`` too. Wrapping ``HTTPAdapter.send`` for the duration of the
run is the one place all of them pass, so nothing escapes the count or the pacing.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from jobticket_kit.contract.budget import RequestBudget
from jobticket_kit.contract.operations import ContractSpec

__all__ = ["CONTROL_PREFIX", "credential_label", "metered"]

CONTROL_PREFIX = "/_twin/"  # the twin's control routes are not part of the API and not rate limited


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


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


@contextmanager
def metered(
    budget: RequestBudget, spec: ContractSpec, names: Mapping[str, str], base_url: str
) -> Iterator[None]:
    """Pace, count and guard every ``requests`` call to ``base_url`` made inside the block."""
    original = HTTPAdapter.send
    origin = _origin(base_url)

    def send(adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        url = request.url or ""
        path = urlsplit(url).path or "/"
        if _origin(url) != origin or path.startswith(CONTROL_PREFIX):
            return original(adapter, request, *args, **kwargs)
        method = (request.method or "GET").upper()
        operation = spec.operation_for(method, path)
        label = operation.operation_id if operation else f"{method} (no operation)"
        header = request.headers.get("Authorization")
        credential = credential_label(header.decode() if isinstance(header, bytes) else header, names)
        budget.acquire(credential, label)
        response = original(adapter, request, *args, **kwargs)
        budget.observe(
            credential, f"{method} {path}", response.status_code, response.headers.get("Retry-After")
        )
        return response

    HTTPAdapter.send = send  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        HTTPAdapter.send = original  # type: ignore[method-assign]
