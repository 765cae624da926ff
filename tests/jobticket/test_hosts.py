"""The client's host check compares the host httpx will reach, never the string, and looks nothing up.

The client sends with httpx only, so it reads URLs as httpx does; how ``requests`` reads them is the kit's
concern (``tests/jobticket_kit/test_hosts.py`` runs the same spellings through the kit's stricter check).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobticket import AsyncJobTicket, ConfigurationError, JobTicket, UnsafeURLError
from jobticket._environments import is_production_url
from jobticket._hosts import Origin, hosts_reached, origin_of
from jobticket._settings import resolve_base_url

PRODUCTION = "v1-api.ticket-plus.app"

# Each spelling reaches production through httpx or requests (or reads as it for a forgiving parser): the
# client's check knows them all without asking requests.
PRODUCTION_SPELLINGS = [
    "https://v1-api.ticket-plus%2Eapp/employees",  # requests percent-decodes the host
    "https://v1-api.ticket-plus%2eapp",
    "https://v1-api.ticket-plus.app\\@127.0.0.1/",  # requests: production, httpx: loopback
    "https://v1-api\u3002ticket-plus\u3002app/",  # ideographic full stops: httpx maps them to dots
    "https://v1-api\uff0eticket-plus\uff61app/",  # fullwidth and halfwidth full stops
    "https://\uff561-api.ticket-plus.app/",  # fullwidth letter v
    "https://V1-API.TICKET-PLUS.APP./",
    "https://v1-api.ticket-plus.app../",
    "https://user:secret@v1-api.ticket-plus.app:443/",
    "https://127.0.0.1@v1-api.ticket-plus.app/",
    "https://a@b@v1-api.ticket-plus.app/",
    "https://[v1-api.ticket-plus.app]/",
    "https://v1-api.ticket-plus.app:0/",
    "https://v1-api.ticket-plus.app:99999/",
    "http://v1-api.ticket-plus.app",
    "HTTPS://v1-api.ticket-plus.app:443/employees",
    "https://v1-api.ticket-plus.app#@127.0.0.1",
    "v1-api.ticket-plus.app",
]

# Malformed or ambiguous: refused whatever host they name.
MALFORMED = [
    "https://[::1/",
    "https://[::1]x/",
    "https://[fe80::1%25eth0]/",
    "https://[not-ipv6]/",
    "https://127.0.0.1:99999/",
    "https://127.0.0.1:/",
    "https://127.0.0.1:80:80/",
    "https://exa mple.com/",
    "https://example.com\t/",
    "https://example.com\x00.evil/",
    "https://example.com%00.evil/",
    "https://host\\@127.0.0.1/",
    "https://127.0.0.1./",
    "https://127.0.0.01/",
    "https://0x7f.0.0.1/",
    "https://2130706433/",
    "https://./",
    "https://-bad.example/",
    "https:///employees",
    "ftp://example.com/",
    "example.com",
    "",
]


# Plain spellings and the one origin both HTTP libraries reach for them.
PLAIN_URLS = [
    ("https://v1-api-staging.ticket-plus.app/", Origin("https", "v1-api-staging.ticket-plus.app", 443)),
    (
        "HTTPS://V1-API-Staging.Ticket-Plus.App.:443",
        Origin("https", "v1-api-staging.ticket-plus.app", 443),
    ),
    ("http://127.0.0.1:8090/x?y=1", Origin("http", "127.0.0.1", 8090)),
    ("http://[::1]:8090", Origin("http", "::1", 8090)),
    ("https://[0:0:0:0:0:0:0:1]/", Origin("https", "::1", 443)),
    ("http://localhost:80", Origin("http", "localhost", 80)),
    ("https://m\u00fcller.example/", Origin("https", "xn--mller-kva.example", 443)),
]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Fail the test if anything resolves a name or opens a connection."""
    attempts: list[Any] = []

    def forbidden(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    monkeypatch.setattr(socket, "gethostbyname", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    monkeypatch.setattr(socket.socket, "connect", forbidden)
    yield attempts
    assert attempts == []


@pytest.mark.parametrize("url", PRODUCTION_SPELLINGS)
def test_every_spelling_of_production_is_production(url: str, no_network: list[Any]) -> None:
    assert is_production_url(url)
    assert PRODUCTION in hosts_reached(url)


@pytest.mark.parametrize("url", [u for u in PRODUCTION_SPELLINGS if "\\" in u or "%" in u or "\uff56" in u])
def test_spellings_the_libraries_read_differently_are_refused(url: str, no_network: list[Any]) -> None:
    with pytest.raises(UnsafeURLError):
        origin_of(url)


@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_urls_are_refused_with_one_line(url: str, no_network: list[Any]) -> None:
    with pytest.raises(UnsafeURLError) as raised:
        origin_of(url)
    assert "\n" not in str(raised.value)
    assert isinstance(raised.value, ConfigurationError)


@pytest.mark.parametrize(("url", "expected"), PLAIN_URLS)
def test_plain_urls_give_the_origin_httpx_reaches(url: str, expected: Origin, no_network: list[Any]) -> None:
    origin = origin_of(url)
    assert origin == expected
    by_httpx = httpx.URL(url)
    assert (host_of(by_httpx.raw_host.decode()), by_httpx.port or PORTS[origin.scheme]) == (
        origin.host,
        origin.port,
    )
    assert not is_production_url(url)


def test_the_client_reads_a_url_as_httpx_sends_it() -> None:
    # httpx maps ideographic full stops to dots and sends this to production: the client, which serves
    # production, reads it so (requests rejects it: the kit's stricter check refuses it).
    assert origin_of("https://v1-api\u3002ticket-plus\u3002app/") == origin_of(
        "https://v1-api.ticket-plus.app"
    )
    assert resolve_base_url("https://v1-api-staging\u3002ticket-plus\u3002app/") == (
        "https://v1-api-staging.ticket-plus.app"
    )


PORTS = {"http": 80, "https": 443}


def host_of(raw: str) -> str:
    """A library's parsed host, spelled as :class:`Origin` spells it."""
    host = raw.strip("[]").lower().rstrip(".")
    return str(ipaddress.IPv6Address(host)) if ":" in host else host


def test_origins_print_canonically() -> None:
    assert str(origin_of("https://[::1]:443/")) == "https://[::1]"
    assert str(origin_of("http://127.0.0.1:8090/")) == "http://127.0.0.1:8090"


def test_loopback_is_decided_on_the_resolved_host() -> None:
    assert origin_of("http://[::1]:1").is_loopback
    assert origin_of("http://127.0.0.2").is_loopback
    assert not origin_of("http://127.0.0.1.example").is_loopback


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1@example.com/",  # plain http to a remote host behind a loopback-looking userinfo
        "http://example.com\\@127.0.0.1/",
        "http://127.0.0.1%2Eexample.com/",
        "https://v1-api-staging.ticket-plus.app/?x=1",
        "https://v1-api-staging.ticket-plus.app/#frag",
    ],
)
def test_the_client_refuses_tricky_base_urls_before_any_request(url: str, no_network: list[Any]) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        JobTicket(url, username="u", password="p")


def test_the_client_uses_the_host_it_checked() -> None:
    assert resolve_base_url("HTTPS://V1-API-Staging.ticket-plus.app.:443/") == (
        "https://v1-api-staging.ticket-plus.app"
    )
    assert resolve_base_url("http://[::1]:8090/prefix/") == "http://[::1]:8090/prefix"


def test_the_client_never_sends_its_credentials_to_another_origin() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    with JobTicket(LOCAL, username="u", password="p", transport=httpx.MockTransport(answer)) as client:
        for url in ("http://127.0.0.1:8091/employees", "https://v1-api.ticket-plus.app/employees"):
            with pytest.raises(
                UnsafeURLError, match=r"not sent: this client talks to http://127\.0\.0\.1:8090"
            ):
                client.request("GET", url)
            with pytest.raises(UnsafeURLError):
                client.http.get(url)
        assert client.request("GET", "/employees").status_code == 200
    assert [str(request.url) for request in sent] == [f"{LOCAL}/employees"]


def test_the_async_client_never_sends_its_credentials_to_another_origin() -> None:
    sent: list[httpx.Request] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    async def main() -> None:
        transport = httpx.MockTransport(answer)
        async with AsyncJobTicket(LOCAL, username="u", password="p", transport=transport) as client:
            with pytest.raises(UnsafeURLError, match="not sent"):
                await client.request("GET", "http://localhost:8090/employees")  # another host, another origin
            assert (await client.request("GET", "/employees")).status_code == 200

    asyncio.run(main())
    assert len(sent) == 1


LOCAL = "http://127.0.0.1:8090"


def verdicts(urls: list[str]) -> dict[str, list[object]]:
    """What the client's check says of each URL: its origin or refusal, the hosts reached, production."""
    said: dict[str, list[object]] = {}
    for url in urls:
        try:
            origin: str = str(origin_of(url))
        except UnsafeURLError as error:
            origin = f"refused: {error.reason}"
        said[url] = [origin, sorted(hosts_reached(url)), is_production_url(url)]
    return said


def test_the_verdicts_do_not_depend_on_whether_requests_is_installed() -> None:
    urls = [*PRODUCTION_SPELLINGS, *MALFORMED, LOCAL, "https://v1-api-staging\u3002ticket-plus\u3002app/"]
    without = (
        "import json, sys; sys.modules['requests'] = sys.modules['urllib3'] = None; "
        "from tests.jobticket.test_hosts import verdicts; "
        f"print(json.dumps(verdicts({urls!r}))); "
        "print(sorted(name for name in sys.modules if name.startswith(('requests', 'urllib3'))))"
    )
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", without], capture_output=True, text=True, cwd=root, check=True
    )
    said, imported = run.stdout.splitlines()
    assert json.loads(said) == json.loads(json.dumps(verdicts(urls)))
    assert imported == "['requests', 'urllib3']"  # only the two blocked entries: nothing else was loaded
