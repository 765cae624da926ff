"""Redaction by construction: reports are built from data whose secrets and personal values are replaced.

A :class:`Redactor` learns, from every JSON body the target answers, which strings are personal:
each string the spec does not mark ``x-personal: false`` (:mod:`jobticket_kit.spec.personal`), so a field
nobody thought of (``preferredName``) is covered. :meth:`Redactor.redacted` then rebuilds a structure
(a :class:`~jobticket_kit.contract.results.Failure`, the whole result) with every string cleaned, BEFORE
anything is serialised: the replacement works on Python strings, so JSON or XML escaping cannot hide a
value from it. Known values are also matched in their JSON-escaped and percent-encoded spellings (a
curl reproduction); emails, Basic/Bearer tokens and the run's key secrets are replaced by pattern too.

A field the spec marks non-personal is trusted only as far as its declaration goes: a value that is
not one of its known values and matches none of its declared formats or patterns
(:class:`~jobticket_kit.spec.personal.ValueRule`) is free text a server put there (a sick note in a
status), and is replaced by ``[unexpected value]`` wherever it shows up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

from jobticket_kit.privacy.walk import members, rebuilt
from jobticket_kit.spec.personal import ValueRule, pinned_non_personal_rules

__all__ = ["EMAIL", "PERSONAL", "REDACTED", "UNEXPECTED", "Redactor"]

PERSONAL = "[personal]"
UNEXPECTED = "[unexpected value]"
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
    """Replaces the run's secrets and every personal value it has seen, in any structure of strings.

    ``non_personal`` maps each field the spec marks non-personal to the rule its values must meet to be
    quoted (default: the pinned spec's, :func:`~jobticket_kit.spec.personal.pinned_non_personal_rules`).
    """

    def __init__(
        self, secrets: Iterable[str] = (), non_personal: Mapping[str, ValueRule] | None = None
    ) -> None:
        self._secrets = sorted({secret for secret in secrets if len(secret) >= _MIN_SECRET}, key=len)[::-1]
        self._rules = pinned_non_personal_rules() if non_personal is None else non_personal
        self._seen: dict[str, str] = {}  # value -> what replaces it: PERSONAL, or UNEXPECTED
        self._pattern: re.Pattern[str] | None = None
        self._replacements: dict[str, str] = {}

    def learn(self, document: Any) -> None:
        """Remember every personal string of a document, and every value a non-personal field may not hold.

        The key decides, at any depth. A string holding JSON is remembered whole, and its own document
        is learned from as well.
        """
        for member in members(document):
            if not isinstance(member.value, str):
                continue
            rule = self._rules.get(member.key) if member.key is not None else None
            if rule is None:
                self._remember(member.value, PERSONAL)
            elif not rule.allows(member.value):
                self._remember(member.value, UNEXPECTED)

    def learn_body(self, body: bytes | str | None) -> None:
        """Learn from a body if it is JSON (anything else teaches nothing)."""
        if not body or len(body) > _MAX_BODY:
            return
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return
        self.learn(document)

    def _remember(self, value: str, replacement: str) -> None:
        value = value.strip()
        if len(value) < _MIN_LENGTH or self._seen.get(value) in (replacement, PERSONAL):
            return  # a value seen as personal anywhere stays personal
        if value in self._seen or len(self._seen) < _MAX_VALUES:
            self._seen[value] = replacement
            self._pattern = None

    def text(self, text: str) -> str:
        """``text`` without secrets, tokens, emails, personal values or unexpected values seen so far."""
        text = self._without_secrets(text)
        pattern = self._known()
        if pattern is not None:
            text = pattern.sub(lambda match: self._replacements.get(match.group(0).lower(), PERSONAL), text)
        return _EMAIL.sub(EMAIL, text)

    def hides_nothing_personal(self, text: str) -> bool:
        """Whether ``text`` holds no secret, token, email or personal value the run has seen.

        Unlike :meth:`text`, an unexpected value of a non-personal field does not count: for callers
        that judge vocabulary tokens by their own rule (the evidence of a run).
        """
        cleaned = self._without_secrets(text)
        pattern = self._known()
        if pattern is not None:
            cleaned = pattern.sub(lambda match: self._personal_only(match.group(0)), cleaned)
        return _EMAIL.sub(EMAIL, cleaned) == text

    def redacted(self, value: T) -> T:
        """A copy of ``value`` (dataclasses, mappings, sequences of strings) with every string cleaned.

        Mapping keys are cleaned too; enums stay (a verdict is not personal).
        """
        return rebuilt(value, lambda text, _key: self.text(text), nested=False, keys=True)

    def _without_secrets(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN.sub(rf"\1\2{REDACTED}", text)

    def _personal_only(self, found: str) -> str:
        return found if self._replacements.get(found.lower()) == UNEXPECTED else PERSONAL

    def _known(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._seen:
            replacements: dict[str, str] = {}
            for value, replacement in self._seen.items():
                for form in _spellings(value):
                    if replacements.get(form.lower()) != PERSONAL:
                        replacements[form.lower()] = replacement
            alternatives = "|".join(re.escape(form) for form in sorted(replacements, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
            self._replacements = replacements
        return self._pattern


def _spellings(value: str) -> Iterator[str]:
    """How a value can show up in a message: as is, JSON-escaped, percent-encoded (path or form)."""
    yield value
    yield json.dumps(value)[1:-1]
    yield json.dumps(value, ensure_ascii=False)[1:-1]
    yield quote(value, safe="")
    yield quote_plus(value)
