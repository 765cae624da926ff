"""Redaction by construction: reports are built from data whose secrets and personal values are replaced.

A :class:`Redactor` learns, from every JSON body the target answers, which strings are personal:
each string the spec does not mark ``x-personal: false`` (:mod:`jobticket_kit.spec.personal`), so a field
nobody thought of (``preferredName``) is covered. :meth:`Redactor.redacted` then rebuilds a structure
(a :class:`~jobticket_kit.contract.results.Failure`, the whole result) with every string cleaned, BEFORE
anything is serialised: the replacement works on Python strings, so JSON or XML escaping cannot hide a
value from it. Known values are also matched in their JSON-escaped and percent-encoded spellings (a
curl reproduction); emails, Basic/Bearer tokens and the run's key secrets are replaced by pattern too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

from jobticket_kit.privacy.walk import members, rebuilt
from jobticket_kit.spec.personal import pinned_non_personal_fields

__all__ = ["EMAIL", "PERSONAL", "REDACTED", "Redactor"]

PERSONAL = "[personal]"
EMAIL = "[email]"
REDACTED = "[redacted]"
_MIN_LENGTH = 3  # shorter strings ("a", "42") would blank out ordinary words
_MAX_BODY = 4 * 1024 * 1024  # bodies beyond this are not learned from (the twin's largest is ~100 kB)
_MAX_VALUES = 200_000
_MIN_SECRET = 4
_TOKEN = re.compile(r"(?i)\b(basic|bearer)(\s+)[A-Za-z0-9+/_.~-]{8,}=*")
_EMAIL = re.compile(r"[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
T = TypeVar("T")


class Redactor:
    """Replaces the run's secrets and every personal value it has seen, in any structure of strings."""

    def __init__(self, secrets: Iterable[str] = (), non_personal: frozenset[str] | None = None) -> None:
        self._secrets = sorted({secret for secret in secrets if len(secret) >= _MIN_SECRET}, key=len)[::-1]
        self._non_personal = pinned_non_personal_fields() if non_personal is None else non_personal
        self._personal: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def learn(self, document: Any) -> None:
        """Remember every personal string of a parsed JSON document (the key decides, at any depth).

        A string holding JSON is remembered whole, and its own document is learned from as well.
        """
        for member in members(document):
            if isinstance(member.value, str) and member.key not in self._non_personal:
                self._remember(member.value)

    def learn_body(self, body: bytes | str | None) -> None:
        """Learn from a body if it is JSON (anything else teaches nothing)."""
        if not body or len(body) > _MAX_BODY:
            return
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return
        self.learn(document)

    def _remember(self, value: str) -> None:
        value = value.strip()
        if len(value) >= _MIN_LENGTH and value not in self._personal and len(self._personal) < _MAX_VALUES:
            self._personal.add(value)
            self._pattern = None

    def text(self, text: str) -> str:
        """``text`` without secrets, tokens, emails or any personal value seen so far."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = _TOKEN.sub(rf"\1\2{REDACTED}", text)
        pattern = self._known()
        if pattern is not None:
            text = pattern.sub(PERSONAL, text)
        return _EMAIL.sub(EMAIL, text)

    def redacted(self, value: T) -> T:
        """A copy of ``value`` (dataclasses, mappings, sequences of strings) with every string cleaned.

        Mapping keys are cleaned too; enums stay (a verdict is not personal).
        """
        return rebuilt(value, lambda text, _key: self.text(text), nested=False, keys=True)

    def _known(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._personal:
            spellings = {form for value in self._personal for form in _spellings(value)}
            alternatives = "|".join(re.escape(form) for form in sorted(spellings, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return self._pattern


def _spellings(value: str) -> Iterator[str]:
    """How a value can show up in a message: as is, JSON-escaped, percent-encoded (path or form)."""
    yield value
    yield json.dumps(value)[1:-1]
    yield json.dumps(value, ensure_ascii=False)[1:-1]
    yield quote(value, safe="")
    yield quote_plus(value)
