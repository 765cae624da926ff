"""The API's named environments and the one host our own tooling must never target."""

from __future__ import annotations

import enum
from urllib.parse import urlsplit

__all__ = ["Environment", "is_production_url"]


class Environment(enum.StrEnum):
    """Base URLs of the vendor's environments (HTTPS per working assumption O-1)."""

    STAGING = "https://v1-api-staging.ticket-plus.app"
    PRODUCTION = "https://v1-api.ticket-plus.app"


_PRODUCTION_HOST = urlsplit(Environment.PRODUCTION.value).hostname


def is_production_url(url: str) -> bool:
    """Tell whether ``url`` points at the production host, whatever its scheme, case or port."""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.rstrip(".").lower() == _PRODUCTION_HOST
