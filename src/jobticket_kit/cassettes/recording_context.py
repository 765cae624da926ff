"""What a recording scenario may use: the target's URLs, its keys by role and the ids found on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from jobticket_api import Client
from jobticket_kit.contract.origins import OtherOriginRefused, refuse_other_origins
from jobticket_kit.hosts import origin_of

__all__ = [
    "DISABLED",
    "INVALID_CREDENTIALS",
    "MAIN",
    "MISSING_ID",
    "NO_VIEW_EMPLOYEES",
    "NO_VIEW_INTEGRATIONS",
    "PROBE",
    "UNKNOWN_KEY",
    "Ids",
    "IncompleteTarget",
    "RecordingContext",
    "RecordingError",
    "same_origin_only",
]

MAIN = "main"
NO_VIEW_EMPLOYEES = "without-view-employees"
NO_VIEW_INTEGRATIONS = "without-view-hr-integrations"
DISABLED = "disabled"
PROBE = "rate-limit-probe"
UNKNOWN_KEY = "unknown-key"
# A well-formed key no company has: the 401 for unknown credentials needs no real key.
INVALID_CREDENTIALS = ("00000000-0000-4000-8000-000000000000", "not-a-valid-secret")
MISSING_ID = 999_999_999
_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class RecordingError(RuntimeError):
    """A scenario could not be recorded: the target answered it with an unexpected status, or failed."""


class IncompleteTarget(RecordingError):
    """The target lacks what some scenarios need (keys, the destructive opt-in, a blocked document)."""


def same_origin_only(base_url: str) -> dict[str, list[Callable[[httpx.Request], None]]]:
    """Event hooks for httpx refusing, before sending, any request to an origin but ``base_url``'s.

    httpx follows no redirect unless asked; this also stops a link or an absolute URL in a scenario.
    """
    target = origin_of(base_url)

    def check(request: httpx.Request) -> None:
        try:
            refuse_other_origins(str(request.url), target, {})
        except OtherOriginRefused as exc:
            raise RecordingError(str(exc)) from None

    return {"request": [check]}


@dataclass(frozen=True)
class Ids:
    """Resources the scenarios use, discovered on the target (never hard-coded for staging)."""

    employee: int
    document: int
    integration: int
    blocked_document: int | None = None
    sync_integration: int | None = None


@dataclass(frozen=True)
class RecordingContext:
    """One target: ``base_url`` for everything but the 429, which may live on a tiny-limit twin."""

    base_url: str
    rate_limited_base_url: str
    ids: Ids
    keys: dict[str, tuple[str, str]] = field(repr=False)

    def client(self, key: str | None = MAIN, *, rate_limited: bool = False) -> Client:
        """A generated-client ``Client`` with the named key (None: no credentials, the 401 case)."""
        base_url = self.rate_limited_base_url if rate_limited else self.base_url
        httpx_args: dict[str, object] = {"event_hooks": same_origin_only(base_url)}
        if key is not None:
            username, password = INVALID_CREDENTIALS if key == UNKNOWN_KEY else self.keys[key]
            httpx_args["auth"] = httpx.BasicAuth(username, password)
        return Client(
            base_url=base_url,
            timeout=_TIMEOUT,
            headers={"Accept-Encoding": "identity"},  # cassettes hold plain bodies, never gzip
            httpx_args=httpx_args,
            raise_on_unexpected_status=True,
        )
