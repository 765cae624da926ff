"""Which host a URL really reaches when the client sends it: the answer its guards rest on.

A URL check that reads the string misses what the HTTP library does to it first: httpx maps Unicode
full stops (U+3002) and fullwidth letters to ASCII (UTS 46), lowercases the host and keeps a trailing
dot. So :func:`origin_of` accepts only a plain, unambiguous spelling (no credentials, no percent escapes,
no backslash, no whitespace, a valid port, an IPv6 literal in brackets) and then asks httpx, the one
library the client sends with, where it would connect: if that disagrees with the plain reading, the URL
is refused. The answer never depends on what else is installed, and nothing here looks a name up or
connects.

Tools that also send with other libraries pass their readings in (``readings=``): the kit adds how
``requests``/urllib3 read a URL (``jobticket_kit.hosts``), which the client itself never imports.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias
from urllib.parse import unquote

import httpx
import idna

from ._exceptions import UnsafeURLError

__all__ = ["PARSE_ERRORS", "Origin", "Reading", "canonical_origin", "hosts_reached", "origin_of"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_BRACKETED = re.compile(r"^\[([^\]]*)\](?::([^:]*))?$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
#: What a reading may raise when its library rejects a URL.
PARSE_ERRORS = (ValueError, TypeError, LookupError, httpx.InvalidURL)


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


Reading: TypeAlias = Callable[[str], Origin]
"""Where one HTTP library connects for a URL; raises one of :data:`PARSE_ERRORS` when it rejects it."""


def origin_of(url: str, *, readings: Sequence[tuple[str, Reading]] = ()) -> Origin:
    """The origin httpx (and each library of ``readings``) connects to for ``url``.

    Raises :class:`UnsafeURLError` when ``url`` is not a plain spelling, or a library rejects it or would
    connect elsewhere.
    """
    origin = _plain_origin(url)
    for library, reading in (("httpx", _httpx_origin), *readings):
        try:
            reached = reading(url)
        except PARSE_ERRORS as error:
            reason = (str(error).splitlines() or [type(error).__name__])[0][:120]
            raise UnsafeURLError(url, f"{library} rejects it ({reason})") from None
        if reached != origin:
            raise UnsafeURLError(url, f"{library} would connect to {reached}, not {origin}")
    return origin


def hosts_reached(url: str, *, readings: Sequence[Reading] = ()) -> set[str]:
    """Every host (canonical spelling) any reading of ``url`` (or of a bare host) could reach.

    The readings: the plain one, httpx's, those of ``readings`` and a forgiving one (percent-decoded,
    UTS-46 mapped, either side of ``@`` or a backslash). For refusing a host whatever the spelling: a URL
    is "production" when any of these is.
    """
    text = url if "//" in url else f"//{url}"
    text = f"https:{text}" if text.startswith("//") else text
    hosts: set[str] = set()
    for reading in (_plain_origin, _httpx_origin, *readings):
        try:
            hosts.add(reading(text).host)
        except PARSE_ERRORS:
            continue
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


def canonical_origin(scheme: str, host: str, port: int | None) -> Origin:
    """The :class:`Origin` of a library's parsed URL: lowercase, no brackets or trailing dot, default port."""
    host = host.strip("[]").lower().removesuffix(".")
    if not host:
        raise ValueError("no host")
    if ":" in host:
        host = str(ipaddress.IPv6Address(host))
    return Origin(scheme.lower(), host, _DEFAULT_PORTS.get(scheme.lower(), 0) if port is None else port)


def _httpx_origin(url: str) -> Origin:
    parsed = httpx.URL(url)
    return canonical_origin(parsed.scheme, parsed.raw_host.decode("ascii"), parsed.port)


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
