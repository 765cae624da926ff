"""The kit's host check: the client's, plus how ``requests``/urllib3 read a URL (schemathesis sends with it).

The same spellings as the client's tests (``tests/jobticket/test_hosts.py``), plus what only ``requests``
reads differently; the origin of a plain URL is where ``requests`` connects as well as httpx.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from urllib3.util import parse_url

from jobticket import UnsafeURLError
from jobticket._hosts import origin_of as client_origin_of
from jobticket._settings import resolve_base_url as client_resolve_base_url
from jobticket_kit.hosts import (
    Origin,
    hosts_reached,
    is_production_url,
    origin_of,
    requests_origin,
    resolve_base_url,
)
from tests.jobticket.test_hosts import (
    MALFORMED,
    PLAIN_URLS,
    PORTS,
    PRODUCTION,
    PRODUCTION_SPELLINGS,
    host_of,
    no_network,
)

__all__ = ["no_network"]  # the fixture, shared with the client's host tests

IDEOGRAPHIC_STAGING = "https://v1-api-staging\u3002ticket-plus\u3002app/"


@pytest.mark.parametrize("url", PRODUCTION_SPELLINGS)
def test_every_spelling_of_production_is_production(url: str, no_network: list[Any]) -> None:
    assert is_production_url(url)
    assert PRODUCTION in hosts_reached(url)


# Spellings httpx and requests read differently (or one of them rejects): refused by the kit.
MARKS = ("\\", "%", "\uff56", "\u3002")  # backslash, percent escape, fullwidth v, ideographic full stop
READ_DIFFERENTLY = [url for url in PRODUCTION_SPELLINGS if any(mark in url for mark in MARKS)]


@pytest.mark.parametrize("url", [*READ_DIFFERENTLY, *MALFORMED])
def test_spellings_read_differently_and_malformed_urls_are_refused_in_one_line(
    url: str, no_network: list[Any]
) -> None:
    with pytest.raises(UnsafeURLError) as raised:
        origin_of(url)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(("url", "expected"), PLAIN_URLS)
def test_plain_urls_give_the_origin_both_libraries_reach(
    url: str, expected: Origin, no_network: list[Any]
) -> None:
    origin = origin_of(url)
    assert origin == expected
    by_requests = parse_url(requests.Request("GET", url).prepare().url or "")
    assert (host_of(by_requests.host or ""), by_requests.port or PORTS[origin.scheme]) == (
        origin.host,
        origin.port,
    )
    assert requests_origin(url) == origin
    assert not is_production_url(url)


def test_requests_reads_percent_escapes_and_backslashes_unlike_httpx(no_network: list[Any]) -> None:
    assert requests_origin("https://v1-api.ticket-plus%2Eapp/employees").host == PRODUCTION
    assert requests_origin("https://v1-api.ticket-plus.app\\@127.0.0.1/").host == PRODUCTION
    with pytest.raises(ValueError, match="IDNA"):
        requests_origin(IDEOGRAPHIC_STAGING)


def test_what_only_requests_rejects_the_client_accepts_and_the_kit_refuses(no_network: list[Any]) -> None:
    # httpx maps the full stops to dots, so the client (which sends with httpx) may use this URL; a kit
    # tool would hand it to requests too, which rejects it: the kit refuses it, naming the library.
    assert str(client_origin_of(IDEOGRAPHIC_STAGING)) == "https://v1-api-staging.ticket-plus.app"
    assert client_resolve_base_url(IDEOGRAPHIC_STAGING) == "https://v1-api-staging.ticket-plus.app"
    with pytest.raises(UnsafeURLError, match=r"refused: requests rejects it \(Failed to parse"):
        origin_of(IDEOGRAPHIC_STAGING)
    with pytest.raises(UnsafeURLError, match=r"^base_url .* refused: requests rejects it"):
        resolve_base_url(IDEOGRAPHIC_STAGING)


def test_the_kit_resolves_named_environments_and_plain_urls_as_the_client_does() -> None:
    for value in (
        "staging",
        "Production",
        "https://V1-API-Staging.ticket-plus.app.:443/",
        "http://[::1]:8090/x/",
    ):
        assert resolve_base_url(value) == client_resolve_base_url(value)
