"""Which host a URL really reaches: the one answer the client, the kit and the recorder all use.

A URL check that reads the string misses what the HTTP libraries do to it first: ``requests``
percent-decodes the host (``%2E`` is a dot) and splits at a backslash before ``@`` unlike httpx, httpx
maps Unicode full stops (U+3002) to dots, and both lowercase it and keep a trailing dot. So
:func:`origin_of` accepts only a plain, unambiguous spelling (no credentials, no percent escapes, no
backslash, no whitespace, a valid port, an IPv6 literal in brackets) and then asks httpx and, when
installed, requests/urllib3 (what schemathesis sends with) where they would connect: if either
disagrees with the plain reading, the URL is refused. Nothing here looks a name up or connects.
"""

from __future__ import annotations

import importlib
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx
import idna

from ._exceptions import UnsafeURLError

__all__ = ["Origin", "hosts_reached", "origin_of"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_BRACKETED = re.compile(r"^\[([^\]]*)\](?::([^:]*))?$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_PARSE_ERRORS = (ValueError, TypeError, LookupError, httpx.InvalidURL)


@dataclass(frozen=True)
class Origin:
    """Scheme, host and port a request connects to, spelled the one canonical way.

    ``host`` is lowercase ASCII (IDNA A-labels), without a trailing dot; an IPv6 literal is kept
    without its brackets. ``port`` is explicit or the scheme's default.
    """

    scheme: str
    host: str
    port: int

    @property
    def is_loopback(self) -> bool:
        """True for ``localhost`` and loopback IP literals (the only hosts plain http may reach)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if _DEFAULT_PORTS[self.scheme] == self.port else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


def origin_of(url: str) -> Origin:
    """The origin httpx and requests will both connect to for ``url``; :class:`UnsafeURLError` otherwise."""
    origin = _plain_origin(url)
    for library, reached in _library_origins(url):
        if reached != origin:
            raise UnsafeURLError(url, f"{library} would connect to {reached}, not {origin}")
    return origin


def hosts_reached(url: str) -> set[str]:
    """Every host (canonical spelling) any reading of ``url`` (or of a bare host) could reach.

    The readings: the plain one, httpx's, requests' and a forgiving one (percent-decoded, UTS-46
    mapped, either side of ``@`` or a backslash). For refusing a host whatever the spelling: a URL is
    "production" when any of these is.
    """
    text = url if "//" in url else f"//{url}"
    text = f"https:{text}" if text.startswith("//") else text
    hosts: set[str] = set()
    for reading in (_plain_origin, _httpx_origin, _requests_origin):
        try:
            found = reading(text)
        except _PARSE_ERRORS:
            continue
        if found is not None:
            hosts.add(found.host)
    hosts.update(_lenient_hosts(text))
    return hosts


def _plain_origin(url: str) -> Origin:
    """Parse the only spelling we accept, before asking any library."""
    if not isinstance(url, str) or not url:
        raise UnsafeURLError(url, "not a URL")
    bad = next((ch for ch in url if ch.isspace() or unicodedata.category(ch).startswith("C")), None)
    if bad is not None:
        raise UnsafeURLError(url, f"a whitespace or control character ({bad!r})")
    if "\\" in url:
        raise UnsafeURLError(url, "a backslash (the HTTP libraries disagree on where the host ends)")
    match = _SCHEME.match(url)
    if match is None:
        raise UnsafeURLError(url, "not an absolute http:// or https:// URL")
    scheme = match.group(1).lower()
    if scheme not in _DEFAULT_PORTS:
        raise UnsafeURLError(url, f"scheme {scheme!r} is not http or https")
    authority = re.split(r"[/?#]", url[match.end() :], maxsplit=1)[0]
    if "@" in authority:
        raise UnsafeURLError(url, "credentials in the URL (pass them as username and password)")
    if "%" in authority:
        raise UnsafeURLError(url, "a percent escape in the host")
    host, port = _split_authority(url, authority)
    return Origin(scheme, host, _DEFAULT_PORTS[scheme] if port is None else port)


def _split_authority(url: str, authority: str) -> tuple[str, int | None]:
    if authority.startswith("["):
        bracketed = _BRACKETED.match(authority)
        if bracketed is None:
            raise UnsafeURLError(url, "a bracketed host must be an IPv6 literal like [::1]:8443")
        try:
            address = ipaddress.IPv6Address(bracketed.group(1))
        except ValueError:
            raise UnsafeURLError(url, f"{bracketed.group(1)!r} is not an IPv6 address") from None
        return str(address), _port(url, bracketed.group(2))
    if "[" in authority or "]" in authority:
        raise UnsafeURLError(url, "brackets are allowed only around an IPv6 literal")
    host, colon, port = authority.partition(":")
    return _host(url, host), _port(url, port) if colon else None


def _port(url: str, text: str | None) -> int | None:
    if text is None:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 5 and 1 <= int(text) <= 65535):
        raise UnsafeURLError(url, f"port {text!r} is not a number from 1 to 65535")
    return int(text)


def _host(url: str, host: str) -> str:
    """Canonical host name: UTS-46 mapped, lowercase ASCII, one trailing dot dropped, labels checked."""
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise UnsafeURLError(url, f"host {host!r} is not a valid international domain name") from None
    name = host.lower().removesuffix(".")
    labels = name.split(".")
    if not name or len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise UnsafeURLError(url, f"{host!r} is not a valid host name")
    if _NUMERIC_LABEL.match(labels[-1]):
        # "127.0.0.1." is a name to look up, not an address; other numeric forms differ by resolver.
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise UnsafeURLError(url, f"{host!r} is not a dotted-quad IPv4 address") from None
    return name


def _canonical(scheme: str, host: str, port: int | None) -> Origin:
    host = host.strip("[]").lower().removesuffix(".")
    if not host:
        raise ValueError("no host")
    if ":" in host:
        host = str(ipaddress.IPv6Address(host))
    return Origin(scheme.lower(), host, _DEFAULT_PORTS.get(scheme.lower(), 0) if port is None else port)


def _library_origins(url: str) -> list[tuple[str, Origin]]:
    """Where httpx and (when installed) requests would connect; a library that rejects the URL refuses it."""
    readings = [("httpx", _httpx_origin), ("requests", _requests_origin)]
    found: list[tuple[str, Origin]] = []
    for library, reading in readings:
        try:
            origin = reading(url)
        except _PARSE_ERRORS as error:
            reason = (str(error).splitlines() or [type(error).__name__])[0][:120]
            raise UnsafeURLError(url, f"{library} rejects it ({reason})") from None
        if origin is not None:
            found.append((library, origin))
    return found


def _httpx_origin(url: str) -> Origin:
    parsed = httpx.URL(url)
    return _canonical(parsed.scheme, parsed.raw_host.decode("ascii"), parsed.port)


def _requests_origin(url: str) -> Origin | None:
    """Where requests sends ``url``: its prepared URL, parsed again by urllib3 as its pool does."""
    requests = _optional("requests")
    urllib3_url = _optional("urllib3.util.url")
    if requests is None or urllib3_url is None:
        return None
    try:
        prepared = requests.Request("GET", url).prepare()
        parsed = urllib3_url.parse_url(prepared.url)
    except requests.RequestException as error:
        raise ValueError(str(error)) from None
    except urllib3_url.LocationParseError as error:
        raise ValueError(str(error)) from None
    if not parsed.host:
        raise ValueError("no host")
    return _canonical(parsed.scheme or "", parsed.host, parsed.port)


def _lenient_hosts(text: str) -> set[str]:
    """Hosts a forgiving reader could find: percent-decoded, UTS-46 mapped, after any ``@``/backslash."""
    authority = re.split(r"[/?#]", text.split("//", 1)[1], maxsplit=1)[0]
    hosts: set[str] = set()
    for candidate in {authority, unquote(authority)}:
        for piece in re.split(r"[@\\]", candidate):
            name = piece.rsplit(":", 1)[0] if piece.count(":") == 1 else piece
            try:
                mapped = idna.encode(name.strip("[]"), uts46=True).decode("ascii")
            except (idna.IDNAError, UnicodeError, ValueError):
                mapped = name.strip("[]")
            hosts.add(mapped.lower().rstrip("."))
    return hosts


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _same_origin(request: httpx.Request, origin: Origin) -> None:
    """Refuse a request the client would send (with its credentials) to any other origin."""
    try:
        reached = origin_of(str(request.url))
    except UnsafeURLError:
        raise UnsafeURLError("(request URL)", f"not sent: this client talks to {origin} only") from None
    if reached != origin:
        raise UnsafeURLError(str(reached), f"not sent: this client talks to {origin} only") from None


class SameOriginTransport(httpx.BaseTransport):
    """Sends only to the client's own origin: a raw call or a link never takes the credentials elsewhere."""

    def __init__(self, inner: httpx.BaseTransport, base_url: str) -> None:
        self._inner = inner
        self._origin = origin_of(base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _same_origin(request, self._origin)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class AsyncSameOriginTransport(httpx.AsyncBaseTransport):
    """:class:`SameOriginTransport` for the async client."""

    def __init__(self, inner: httpx.AsyncBaseTransport, base_url: str) -> None:
        self._inner = inner
        self._origin = origin_of(base_url)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _same_origin(request, self._origin)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
