"""Where the client connects and as whom: explicit arguments, a named environment or the environment.

Credentials travel only over HTTPS (plain HTTP is accepted on loopback, for the local twin), and the
secret never appears in a repr.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from ._environments import Environment
from ._errors import ConfigurationError
from .variables import BASE_URL as BASE_URL_VAR
from .variables import PASSWORD as PASSWORD_VAR
from .variables import USERNAME as USERNAME_VAR

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_TIMEOUT", "Settings", "resolve_base_url"]

# The generated client has no timeout at all (field notes); a stuck call must fail, not hang a job.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def resolve_base_url(value: str | Environment) -> str:
    """Turn ``"staging"``, ``"production"``, an :class:`Environment` or a URL into a checked base URL."""
    if isinstance(value, Environment):
        return value.value
    text = value.strip()
    named = {env.name.lower(): env.value for env in Environment}
    if text.lower() in named:
        return named[text.lower()]
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigurationError(f"base_url must be 'staging', 'production' or an https:// URL, got {text!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            f"base_url {text!r} uses plain http: credentials are only sent over https (http is allowed "
            "on loopback only)"
        )
    return text.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """A checked base URL and credential pair; the password is hidden from ``repr``."""

    base_url: str
    username: str
    password: str = field(repr=False)

    @classmethod
    def build(
        cls,
        base_url: str | Environment | None,
        username: str | None,
        password: str | None,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        """Fill what was not given from ``JOBTICKET_BASE_URL``, ``_USERNAME``, ``_PASSWORD`` and check it."""
        source = os.environ if env is None else env
        url = base_url if base_url is not None else source.get(BASE_URL_VAR, "").strip() or None
        user = username if username is not None else source.get(USERNAME_VAR) or None
        secret = password if password is not None else source.get(PASSWORD_VAR) or None
        missing = [
            f"{name} (or the {arg}= argument)"
            for name, arg, value in (
                (BASE_URL_VAR, "base_url", url),
                (USERNAME_VAR, "username", user),
                (PASSWORD_VAR, "password", secret),
            )
            if not value
        ]
        if missing:
            raise ConfigurationError("missing client setting: " + ", ".join(missing))
        return cls(base_url=resolve_base_url(str(url)), username=str(user), password=str(secret))
