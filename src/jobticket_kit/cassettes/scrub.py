"""Scrubbing before anything is written: credentials, volatile headers and personal data.

The stateless header filters run as vcrpy's ``before_record_request``/``before_record_response``, so a
credential never even sits in the in-memory cassette. The :class:`Scrubber` runs as
``before_save_interaction`` and replaces personal data with fake values from ONE mapping shared by the
whole cassette set and built in recording order: the same real value always becomes the same fake
value, so an email filter in a URL still matches the email in the body and an ``hrId`` in a sync body
still matches the employee's link. Fakes are counters, not hashes, so they cannot be reversed.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from vcr.request import Request  # type: ignore[import-untyped]

__all__ = [
    "FAKE_EMAIL_DOMAIN",
    "FIELD_KINDS",
    "KEPT_REQUEST_HEADERS",
    "KEPT_RESPONSE_HEADERS",
    "REDACTED",
    "FakeKind",
    "Scrubber",
    "scrub_request_headers",
    "scrub_response_headers",
]

REDACTED = "<redacted>"
KEPT_REQUEST_HEADERS = frozenset({"accept", "content-type"})
# Everything else (Set-Cookie, Date, Server, tracing ids...) is dropped: a whitelist cannot leak a
# header nobody thought of.
KEPT_RESPONSE_HEADERS = frozenset(
    {"content-type", "content-length", "content-disposition", "retry-after", "www-authenticate", "location"}
)
FAKE_EMAIL_DOMAIN = "example.invalid"
_FAKE_BIRTH_START = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class FakeKind:
    """One kind of personal data: how its n-th fake looks and how a fake is recognised."""

    name: str
    fake: Callable[[int], str]
    pattern: re.Pattern[str]
    in_free_text: bool = True

    def is_fake(self, value: str) -> bool:
        """Whether ``value`` is already one of this kind's fakes (so scrubbing twice changes nothing)."""
        return self.pattern.fullmatch(value) is not None


FIRST_NAME = FakeKind("firstName", lambda n: f"Given{n:04d}", re.compile(r"Given\d{4,}"))
LAST_NAME = FakeKind("lastName", lambda n: f"Family{n:04d}", re.compile(r"Family\d{4,}"))
EMAIL = FakeKind(
    "email",
    lambda n: f"person{n:04d}@{FAKE_EMAIL_DOMAIN}",
    re.compile(rf"person\d{{4,}}@{re.escape(FAKE_EMAIL_DOMAIN)}"),
)
# Birth dates stay valid dates, all in 1900-1909: no employee was born then, so the scan can tell them apart.
BIRTH_DATE = FakeKind(
    "dateOfBirth",
    lambda n: (_FAKE_BIRTH_START + datetime.timedelta(days=n)).isoformat(),
    re.compile(r"190\d-\d\d-\d\d"),
    in_free_text=False,
)
PROFILE_IMAGE = FakeKind(
    "profileImage",
    lambda n: f"https://images.{FAKE_EMAIL_DOMAIN}/profile-{n:04d}.png",
    re.compile(rf"https://images\.{re.escape(FAKE_EMAIL_DOMAIN)}/profile-\d{{4,}}\.png"),
)
HR_ID = FakeKind("hrId", lambda n: f"hr-{n:04d}", re.compile(r"hr-\d{4,}"))

FIELD_KINDS: dict[str, FakeKind] = {
    kind.name: kind for kind in (FIRST_NAME, LAST_NAME, EMAIL, BIRTH_DATE, PROFILE_IMAGE, HR_ID)
}
"""JSON field name (at any depth, in request and response bodies) -> the kind of personal data it holds."""
QUERY_KINDS: dict[str, FakeKind] = {"email": EMAIL}
_MIN_FREE_TEXT_LENGTH = 4  # shorter names (Ida, Ben) would also hit ordinary words


def scrub_request_headers(request: Request) -> Request:
    """Keep only harmless request headers; the Authorization value and URL user info are never kept."""
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        lower = name.lower()
        if lower == "authorization":
            headers[lower] = REDACTED
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
    """Replace personal data consistently across a cassette set and move recordings to a stable origin.

    Use one instance for the whole recording run, as vcrpy's ``before_save_interaction`` hook.
    ``origins`` maps a recorded origin (the twin's free port) to the origin written instead.
    """

    def __init__(self, origins: Mapping[str, str] | None = None) -> None:
        self._origins = dict(origins or {})
        self._fakes: dict[tuple[str, str], str] = {}
        self._counts: Counter[str] = Counter()
        self._known: dict[str, str] = {}  # real value -> fake, for free text (names match case-sensitively)
        self._known_folded: dict[str, str] = {}  # casefolded email -> fake (emails match in any case)
        self._known_pattern: re.Pattern[str] | None = None

    def fake(self, kind: FakeKind, value: str) -> str:
        """The fake standing for ``value``: the same one every time ``value`` comes back."""
        if not value or kind.is_fake(value):
            return value
        key = (kind.name, value.casefold() if kind is EMAIL else value)
        if key not in self._fakes:
            self._counts[kind.name] += 1
            self._fakes[key] = kind.fake(self._counts[kind.name])
            if kind.in_free_text and len(value) >= _MIN_FREE_TEXT_LENGTH:
                self._known[value] = self._fakes[key]
                if kind is EMAIL:
                    self._known_folded[value.casefold()] = self._fakes[key]
                self._known_pattern = None
        return self._fakes[key]

    def __call__(self, request: Request, response: dict[str, Any]) -> tuple[Request, dict[str, Any]]:
        """Scrub one interaction (vcrpy passes copies, so nothing in memory changes).

        First every personal-data field and the ``email`` query parameter become fakes, then every
        value seen so far is also replaced wherever it shows up in free text (file names, messages).
        """
        headers: dict[str, list[str]] = response["headers"]
        request_type = request.headers.get("content-type", "")
        response_type = (headers.get("content-type") or [""])[0]
        request_kind, request_document = _parse(request.body, request_type)
        response_kind, response_document = _parse(response["body"]["string"], response_type)
        request.uri = self._structural_uri(self._move_origin(request.uri))
        request_document = self._structural(request_document)
        response_document = self._structural(response_document)
        request.uri = self._text(request.uri)
        request.body = _render(request_kind, self._free_text(request_document))
        body = _render(response_kind, self._free_text(response_document))
        response["body"]["string"] = body
        response["headers"] = {
            name: [self._text(value) for value in values] for name, values in headers.items()
        }
        if "content-length" in response["headers"]:
            response["headers"]["content-length"] = [str(len(body or b""))]
        return request, response

    def _structural_uri(self, uri: str) -> str:
        parts = urlsplit(uri)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        scrubbed = [(name, self._query_value(name, value)) for name, value in pairs]
        if scrubbed == pairs:
            return uri
        return urlunsplit(parts._replace(query=urlencode(scrubbed)))

    def _query_value(self, name: str, value: str) -> str:
        return self.fake(QUERY_KINDS[name], value) if name in QUERY_KINDS else value

    def _move_origin(self, text: str) -> str:
        for recorded, written in self._origins.items():
            text = text.replace(recorded, written)
        return text

    def _structural(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: self.fake(FIELD_KINDS[key], item)
                if key in FIELD_KINDS and isinstance(item, str)
                else self._structural(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self._structural(item) for item in value]
        return value

    def _free_text(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self._free_text(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._free_text(item) for item in value]
        if isinstance(value, str):
            return self._text(value)
        return value  # numbers, booleans, null and binary bodies (kept byte for byte)

    def _text(self, text: str) -> str:
        """Move the origin and replace every personal value already seen that shows up in ``text``."""
        text = self._move_origin(text)
        if not self._known:
            return text
        if self._known_pattern is None:
            alternatives = [
                f"(?i:{re.escape(value)})" if "@" in value else re.escape(value)
                for value in sorted(self._known, key=len, reverse=True)
            ]
            self._known_pattern = re.compile(r"(?<![\w.@+-])(?:" + "|".join(alternatives) + r")(?![\w@-])")
        return self._known_pattern.sub(self._replacement, text)

    def _replacement(self, match: re.Match[str]) -> str:
        found = match.group(0)
        return self._known.get(found) or self._known_folded[found.casefold()]


def _parse(raw: bytes | str | None, content_type: str) -> tuple[str, Any]:
    """A body as data to scrub, with its kind: ``json``, ``text``, ``binary`` or ``empty``."""
    if raw is None or raw in (b"", ""):
        return "empty", raw
    data = raw.encode() if isinstance(raw, str) else raw
    if "json" in content_type:
        try:
            return "json", json.loads(data)
        except ValueError:
            pass
    if "json" in content_type or content_type.startswith("text/"):
        return "text", data.decode("utf-8", "replace")
    return "binary", data  # the PDF is kept byte for byte; the scan checks it and a reviewer reads it


def _render(kind: str, document: Any) -> Any:
    """Turn a scrubbed body back into what vcrpy stores (compact JSON, as the API sends it)."""
    if kind == "json":
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    if kind == "text":
        return str(document).encode()
    return document
