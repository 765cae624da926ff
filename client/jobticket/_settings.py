"""Where the client connects and as whom: explicit arguments, a named environment or the environment.

Credentials travel only over HTTPS (plain HTTP is accepted on loopback, for the local twin), and the
secret never appears in a repr.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from ._environments import Environment
from ._exceptions import ConfigurationError, UnsafeURLError
from ._hosts import origin_of
from .variables import BASE_URL as BASE_URL_VAR
from .variables import PASSWORD as PASSWORD_VAR
from .variables import USERNAME as USERNAME_VAR

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_TIMEOUT", "Settings", "credential_problem", "resolve_base_url"]

# The generated client has no timeout at all (field notes); a stuck call must fail, not hang a job.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def resolve_base_url(value: str | Environment) -> str:
    """Turn ``"staging"``, ``"production"``, an :class:`Environment` or a URL into a checked base URL.

    The URL's origin is checked as the HTTP libraries will resolve it (:func:`origin_of`) and returned
    in its canonical spelling, so the host that was checked is the host that is used.
    """
    if isinstance(value, Environment):
        return value.value
    text = value.strip()
    named = {env.name.lower(): env.value for env in Environment}
    if text.lower() in named:
        return named[text.lower()]
    if not text.lower().startswith(("https://", "http://")):
        raise ConfigurationError(f"base_url must be 'staging', 'production' or an https:// URL, got {text!r}")
    try:
        origin = origin_of(text)
    except UnsafeURLError as error:
        raise UnsafeURLError(error.url, error.reason, subject="base_url") from None
    if origin.scheme == "http" and not origin.is_loopback:
        raise ConfigurationError(
            f"base_url {text!r} uses plain http: credentials are only sent over https (http is allowed "
            "on loopback only)"
        )
    rest = text.split("//", 1)[1]
    path = rest[len(re.split(r"[/?#]", rest, maxsplit=1)[0]) :]
    if "?" in path or "#" in path:
        raise ConfigurationError(f"base_url {text!r} must not carry a query or a fragment")
    return f"{origin}{path.rstrip('/')}"


def credential_problem(username: str, password: str) -> str | None:
    """Why a key id and secret cannot be sent as HTTP Basic credentials (never quoting them), or None.

    Basic joins them with a colon, so a colon in the key id would move part of it into the secret
    (RFC 7617); a control character (a pasted newline) would be sent as part of either.
    """
    if ":" in username:
        return "the username (API key ID) must not contain ':' (HTTP Basic would split it)"
    for name, value in (("username (API key ID)", username), ("password (API key secret)", password)):
        if not value.isprintable():
            return f"the {name} holds a control character (a pasted newline?)"
    return None


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
        problem = credential_problem(str(user), str(secret))
        if problem is not None:
            raise ConfigurationError(problem)
        return cls(base_url=resolve_base_url(str(url)), username=str(user), password=str(secret))
