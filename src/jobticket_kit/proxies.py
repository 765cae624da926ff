"""Proxies from the environment pass the same host check as any target: where the bytes really go.

``requests`` (and so schemathesis and the named checks) and httpx honour ``HTTP_PROXY``, ``HTTPS_PROXY``
and ``ALL_PROXY`` (any case) unless ``NO_PROXY`` says otherwise, so a proxy variable naming production
would take every request there, whatever the checked target URL says. The kit keeps honouring them (a
run against staging from behind a corporate proxy must still work, as curl and every HTTP library would
let it) and checks the proxy like a target instead: a proxy that any HTTP library could read as the
production host, or that the libraries would read as different hosts, is refused, before anything is
looked up. A command refuses at start when any proxy variable fails (:func:`check_environment_proxies`);
the contract run's meter also checks the proxy ``requests`` selects for each request
(:func:`check_selected_proxy`), so a proxy handed over any other way is caught where it is used.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import httpx
from requests.utils import prepend_scheme_if_needed, select_proxy
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from jobticket_kit.hosts import is_production_url
from jobticket_kit.target import TargetError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "PROXY_VARIABLES",
    "ProxyRefused",
    "check_environment_proxies",
    "check_proxy",
    "check_selected_proxy",
]

#: The variables ``requests`` and httpx read a proxy from for http:// and https:// URLs (any case).
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")


class ProxyRefused(TargetError):
    """A proxy our tooling would send through is production, or an ambiguous spelling; nothing was sent."""


def check_proxy(proxy: str, source: str) -> None:
    """Raise :class:`ProxyRefused` unless ``proxy`` is a proxy URL every library reads as one harmless host.

    ``source`` names where the proxy came from (a variable) in the one-line message; the proxy URL itself
    is never quoted, since it may carry the proxy's password.
    """
    if is_production_url(proxy.strip()):
        raise ProxyRefused(
            f"{source} names the production host; our tooling never sends anything to or through it"
        )
    try:
        url = prepend_scheme_if_needed(proxy.strip(), "http")  # as requests does with "host:port"
        by_requests = parse_url(url).host
        by_httpx = httpx.URL(url).host
    except (LocationParseError, httpx.InvalidURL, ValueError, TypeError):
        raise ProxyRefused(f"{source} is not a proxy URL the HTTP libraries can read") from None
    if not by_requests or _canonical(by_requests) != _canonical(by_httpx):
        raise ProxyRefused(
            f"{source} is a proxy URL that requests and httpx would read as different hosts; spell it plainly"
        )


def check_environment_proxies(env: Mapping[str, str] | None = None) -> None:
    """Check every proxy variable of ``env`` (default: this process's environment) that is set."""
    source = os.environ if env is None else env
    for name, value in sorted(source.items()):
        if name.upper() in PROXY_VARIABLES and value.strip():
            check_proxy(value, name)


def check_selected_proxy(url: str, proxies: Mapping[str, str] | None) -> None:
    """Check the proxy ``requests`` would pick from ``proxies`` for ``url`` (none: nothing to check)."""
    proxy = select_proxy(url, dict(proxies or {}))
    if proxy:
        check_proxy(proxy, "the proxy for this request")


def _canonical(host: str) -> str:
    return host.strip("[]").lower().removesuffix(".")
