"""The API's named environments and the one host our own tooling must never target."""

from __future__ import annotations

import enum

from ._hosts import hosts_reached, origin_of

__all__ = ["PRODUCTION_HOST", "Environment", "is_production_url"]


class Environment(enum.StrEnum):
    """Base URLs of the vendor's environments (HTTPS per working assumption O-1)."""

    STAGING = "https://v1-api-staging.ticket-plus.app"
    PRODUCTION = "https://v1-api.ticket-plus.app"


#: The one host our own tooling never targets (the client itself serves it, with its guards on).
PRODUCTION_HOST = origin_of(Environment.PRODUCTION.value).host


def is_production_url(url: str) -> bool:
    """Tell whether ``url`` (or a bare host) could reach the production host, however it is spelled.

    True when any reading of it does: the plain one, httpx's, or a percent-decoded and UTS-46-mapped one
    (:func:`hosts_reached`), whatever the scheme, case, port or trailing dot.
    """
    return PRODUCTION_HOST in hosts_reached(url)
