"""Scrubbing before anything is written: credentials, volatile headers, and every value not known to be safe.

The stateless header filters run as vcrpy's ``before_record_request``/``before_record_response``, so a
credential never even sits in the in-memory cassette. The :class:`Scrubber` runs as
``before_save_interaction`` and works by ALLOWLIST: a string in a JSON body (at any depth, also JSON
nested in a string, also a gzip or deflate body without ``Content-Encoding``) keeps its value only under
a field the spec marks ``x-personal: false``, and a query parameter only if the spec so marks it
(:mod:`jobticket_kit.spec.personal`). Every other string, text bodies whole, and
``Content-Disposition`` file names become fakes from ONE :class:`~jobticket_kit.privacy.fake.Fakes`
mapping shared by the whole cassette set and built in recording order. Kept strings, URLs and headers
then get every real value seen so far, and anything shaped like an email, replaced too. Binary bodies
(the PDF) are kept byte for byte. The walk of the JSON is :mod:`jobticket_kit.privacy.walk`'s; this
module knows where vcrpy keeps URLs, headers and bodies.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from jobticket_kit.privacy.fake import FILE_NAME, PLACEHOLDER, TEXT, URL_SHAPE, Fakes
from jobticket_kit.privacy.walk import rebuilt
from jobticket_kit.spec.personal import (
    pinned_non_personal_fields,
    pinned_non_personal_parameters,
    pinned_non_personal_rules,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from vcr.request import Request  # type: ignore[import-untyped]

__all__ = [
    "KEPT_REQUEST_HEADERS",
    "KEPT_RESPONSE_HEADERS",
    "Scrubber",
    "scrub_request_headers",
    "scrub_response_headers",
]

KEPT_REQUEST_HEADERS = frozenset({"accept", "content-type"})
# Everything else (Set-Cookie, Date, Server, tracing ids...) is dropped: a whitelist cannot leak a
# header nobody thought of.
KEPT_RESPONSE_HEADERS = frozenset(
    {"content-type", "content-length", "content-disposition", "retry-after", "www-authenticate", "location"}
)
_FILE_NAME = re.compile(r"""(?i)(filename\*?=)(?:(UTF-8''|[\w-]*'[\w-]*')|)("?)([^";]*)("?)""")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_MAX_BODY = 32 * 1024 * 1024  # decompressed; a bigger body is not kept at all


def scrub_request_headers(request: Request) -> Request:
    """Keep only harmless request headers; the Authorization value and URL user info are never kept."""
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        lower = name.lower()
        if lower == "authorization":
            headers[lower] = PLACEHOLDER
        elif lower in KEPT_REQUEST_HEADERS:
            headers[lower] = value
    request.headers = headers
    parts = urlsplit(request.uri)
    if parts.username is not None or parts.password is not None:
        request.uri = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    return request


def scrub_response_headers(response: dict[str, Any]) -> dict[str, Any]:
    """Keep only the response headers on the whitelist (no cookies, dates or tracing ids)."""
    response["headers"] = {
        name.lower(): list(values)
        for name, values in response["headers"].items()
        if name.lower() in KEPT_RESPONSE_HEADERS
    }
    return response


class Scrubber:
    """Replace everything not known to be safe, consistently across a cassette set; move recordings' origin.

    Use one instance for the whole recording run, as vcrpy's ``before_save_interaction`` hook.
    ``origins`` maps a recorded origin (the twin's free port) to the origin written instead.
    ``non_personal_fields`` and ``non_personal_parameters`` default to what the pinned spec marks; a
    non-personal field whose declaration names its values (known values, a format or a pattern) keeps
    only such a value, anything else is faked like free text. (Reports are stricter: they quote no
    value of a field that declares nothing, see :mod:`jobticket_kit.privacy.redact`.)
    """

    def __init__(
        self,
        origins: Mapping[str, str] | None = None,
        *,
        non_personal_fields: frozenset[str] | None = None,
        non_personal_parameters: frozenset[str] | None = None,
    ) -> None:
        self._origins = dict(origins or {})
        self._fields = pinned_non_personal_fields() if non_personal_fields is None else non_personal_fields
        self._rules = pinned_non_personal_rules()
        self._parameters = (
            pinned_non_personal_parameters() if non_personal_parameters is None else non_personal_parameters
        )
        self._fakes = Fakes()

    def __call__(self, request: Request, response: dict[str, Any]) -> tuple[Request, dict[str, Any]]:
        """Scrub one interaction (vcrpy passes copies, so nothing in memory changes).

        First every string not on the allowlist becomes a fake, then every real value seen so far is
        also replaced wherever it shows up in what was kept (links, headers, the URL).
        """
        headers: dict[str, list[str]] = response["headers"]
        request_type = request.headers.get("content-type", "")
        response_type = (headers.get("content-type") or [""])[0]
        request_body = _Body.parse(request.body, request_type)
        response_body = _Body.parse(response["body"]["string"], response_type)
        request.uri = self._structural_uri(self._move_origin(request.uri))
        for body in (request_body, response_body):
            if body.kind == "json":
                body.document = self._structural(body.document)
            elif body.kind == "form":
                body.document = self._pairs(body.document)
            elif body.kind == "text":
                body.document = self._fakes.fake(TEXT, body.document)
        headers = {name: [self._header(name, value) for value in values] for name, values in headers.items()}
        request.uri = self._text(request.uri)
        request.body = request_body.render(self._free_text)
        body = response_body.render(self._free_text)
        response["body"]["string"] = body
        response["headers"] = headers
        if "content-length" in response["headers"]:
            response["headers"]["content-length"] = [str(len(body or b""))]
        return request, response

    def _header(self, name: str, value: str) -> str:
        if name == "content-disposition":
            value = _FILE_NAME.sub(self._file_name, value)
        elif name == "location":
            value = self._structural_uri(self._move_origin(value))
        return self._text(value)

    def _file_name(self, match: re.Match[str]) -> str:
        prefix, charset, opening, name, closing = match.groups()
        real = unquote(name) if charset else name
        extension = _EXTENSION.search(real)
        stem = real[: extension.start()] if extension else real
        fake = self._fakes.fake(FILE_NAME, stem) + (extension.group(0) if extension else "")
        return f"{prefix}{charset or ''}{opening}{fake}{closing}"

    def _structural_uri(self, uri: str) -> str:
        parts = urlsplit(uri)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        scrubbed = self._pairs(pairs)
        if scrubbed == pairs:
            return uri
        return urlunsplit(parts._replace(query=urlencode(scrubbed)))

    def _pairs(self, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Query or form pairs: only parameters the spec marks non-personal keep their values."""
        return [
            (name, value if name in self._parameters or not value else self._fakes.fake_for(name, value))
            for name, value in pairs
        ]

    def _move_origin(self, text: str) -> str:
        for recorded, written in self._origins.items():
            text = text.replace(recorded, written)
        return text

    def _structural(self, document: Any) -> Any:
        """Pass 1: every string not under an allowlisted field becomes a fake (nested JSON: inside it)."""
        return rebuilt(document, self._structural_string)

    def _structural_string(self, value: str, name: str | None) -> str:
        if name not in self._fields:
            return self._fakes.fake_for(name, value)
        rule = self._rules.get(name) if name is not None else None
        if rule is not None and rule.declares_values and not rule.allows(value):
            return self._fakes.fake_for(None, value)  # free text where a vocabulary or format is declared
        return self._structural_uri(value) if URL_SHAPE.fullmatch(value) else value  # a link's ?sig=

    def _free_text(self, document: Any) -> Any:
        """Pass 2: every string kept, cleaned of the real values seen so far (numbers, binary: kept)."""
        return rebuilt(document, lambda value, _name: self._text(value), nested=False)

    def _text(self, text: str) -> str:
        """Move the origin; replace every real value already seen, and anything shaped like an email."""
        return self._fakes.in_text(self._move_origin(text))


@dataclass
class _Body:
    """A body to scrub: its kind (``json``, ``form``, ``text``, ``binary``, ``empty``) and compression."""

    kind: str
    document: Any
    compression: str | None = None

    @classmethod
    def parse(cls, raw: bytes | str | None, content_type: str) -> _Body:
        if raw is None or raw in (b"", ""):
            return cls("empty", raw)
        data = raw.encode() if isinstance(raw, str) else raw
        compression, inflated = _decompressed(data)
        if inflated is None:
            return cls("empty", b"")  # inflates beyond the bound: not kept at all
        data = inflated
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return cls("binary", raw, None)  # the PDF is kept byte for byte; the scan checks it
        if "json" in content_type or text.lstrip().startswith(("{", "[")):
            try:
                return cls("json", json.loads(text), compression)
            except ValueError:
                pass
        if "x-www-form-urlencoded" in content_type:
            return cls("form", parse_qsl(text, keep_blank_values=True), compression)
        if compression is None and not content_type.startswith("text/") and "json" not in content_type:
            return cls("binary", raw, None)
        return cls("text", text, compression)

    def render(self, finish: Callable[[Any], Any]) -> Any:
        """What vcrpy stores: compact JSON as the API sends it, recompressed if it came compressed."""
        if self.kind in ("empty", "binary"):
            return self.document
        if self.kind == "json":
            text = json.dumps(finish(self.document), ensure_ascii=False, separators=(",", ":"))
        elif self.kind == "form":
            text = urlencode([(name, finish(value)) for name, value in self.document])
        else:
            text = str(finish(self.document))
        data = text.encode()
        if self.compression == "gzip":
            return gzip.compress(data, mtime=0)
        if self.compression == "deflate":
            return zlib.compress(data)
        return data


def _decompressed(data: bytes) -> tuple[str | None, bytes | None]:
    """Undo gzip or zlib-deflate, whatever the headers say (a body may be compressed without saying so).

    Returns the compression (None if the body is not compressed) and the body, or None as the body if
    it inflates beyond the bound.
    """
    if data[:2] == b"\x1f\x8b":
        compression, decoder = "gzip", zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0:
        compression, decoder = "deflate", zlib.decompressobj()
    else:
        return None, data
    try:
        inflated = decoder.decompress(data, _MAX_BODY)
    except zlib.error:
        return None, data
    if decoder.unconsumed_tail:
        return compression, None
    return compression, inflated
