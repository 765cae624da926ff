"""Which host a URL reaches when the kit sends it: the client's check plus how ``requests`` reads it.

The client sends with httpx only, so its check reads URLs as httpx does and never imports ``requests``.
The kit also sends with ``requests`` (schemathesis does, and the contract run's meter wraps it), and
``requests``/urllib3 read some spellings differently: they percent-decode the host (``%2E`` is a dot),
split at a backslash before ``@`` unlike httpx, and reject Unicode full stops that httpx maps to dots.
So every kit caller (the target, the contract run and its meter, the cassette recorder) asks this
module, which runs the client's check with the ``requests`` reading added: a URL the two libraries could
send to different hosts is refused, and a URL either could send to production is production.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from jobticket import Environment, UnsafeURLError
from jobticket._environments import PRODUCTION_HOST
from jobticket._hosts import Origin, Reading, canonical_origin
from jobticket._hosts import hosts_reached as _client_hosts_reached
from jobticket._hosts import origin_of as _client_origin_of
from jobticket._settings import resolve_base_url as _client_resolve_base_url

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Origin", "hosts_reached", "is_production_url", "origin_of", "requests_origin", "resolve_base_url"]


def requests_origin(url: str) -> Origin:
    """Where ``requests`` sends ``url``: its prepared URL, parsed again by urllib3 as its pool does."""
    try:
        prepared = requests.Request("GET", url).prepare()
        parsed = parse_url(prepared.url or "")
    except (requests.RequestException, LocationParseError) as error:
        raise ValueError(str(error)) from None
    if not parsed.host:
        raise ValueError("no host")
    return canonical_origin(parsed.scheme or "", parsed.host, parsed.port)


_READINGS: Sequence[tuple[str, Reading]] = (("requests", requests_origin),)
_NAMED = {environment.name.lower() for environment in Environment}


def origin_of(url: str) -> Origin:
    """The origin httpx and ``requests`` both connect to for ``url``; :class:`UnsafeURLError` otherwise."""
    return _client_origin_of(url, readings=_READINGS)


def hosts_reached(url: str) -> set[str]:
    """Every host any reading of ``url`` could reach: the client's readings and ``requests``'."""
    return _client_hosts_reached(url, readings=[reading for _, reading in _READINGS])


def is_production_url(url: str) -> bool:
    """Whether httpx, ``requests`` or a forgiving reader could take ``url`` (or a bare host) to production."""
    return PRODUCTION_HOST in hosts_reached(url)


def resolve_base_url(value: str | Environment) -> str:
    """The client's checked base URL (:func:`jobticket._settings.resolve_base_url`), read by ``requests`` too.

    A URL the client accepts (httpx maps an ideographic full stop to a dot) may still be one ``requests``
    reads differently or rejects: it is refused here as ``base_url``, whatever the kit does with it next.
    """
    url = _client_resolve_base_url(value)
    if not isinstance(value, Environment) and value.strip().lower() not in _NAMED:
        try:
            origin_of(value.strip())
        except UnsafeURLError as error:
            raise UnsafeURLError(error.url, error.reason, subject="base_url") from None
    return url
