"""Fake values: one consistent, irreversible stand-in for each real value, and the kinds they come in.

:class:`Fakes` is ONE mapping built in the order values are met: the same real value always gets
the same fake, so an email filter in a URL still matches the email in a body and an ``hrId`` in a
sync body still matches the employee's link. Fakes are counters, not hashes, so they cannot be
reversed. Each :class:`FakeKind` also says how to recognise its fakes, so faking twice changes
nothing and the scan (:mod:`jobticket_kit.privacy.scan`) can tell a fake from a real value.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "EMAIL_SHAPE",
    "FAKE_EMAIL_DOMAIN",
    "FIELD_KINDS",
    "FILE_NAME",
    "KINDS",
    "PLACEHOLDER",
    "TEXT",
    "URL_SHAPE",
    "FakeKind",
    "Fakes",
    "is_fake",
]

PLACEHOLDER = "<redacted>"
"""What stands for a credential (an ``Authorization`` value): it has no fake, it is just gone."""
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

TEXT = FakeKind("text", lambda n: f"text-{n:04d}", re.compile(r"text-\d{4,}"), in_free_text=False)
URL = FakeKind(
    "url",
    lambda n: f"https://fake.{FAKE_EMAIL_DOMAIN}/{n:04d}",
    re.compile(rf"https://fake\.{re.escape(FAKE_EMAIL_DOMAIN)}/\d{{4,}}"),
    in_free_text=False,
)
FILE_NAME = FakeKind("fileName", lambda n: f"file-{n:04d}", re.compile(r"file-\d{4,}"), in_free_text=False)

FIELD_KINDS: dict[str, FakeKind] = {
    kind.name: kind for kind in (FIRST_NAME, LAST_NAME, EMAIL, BIRTH_DATE, PROFILE_IMAGE, HR_ID)
}
"""JSON field or query parameter name -> the kind of fake its value gets (others go by shape)."""
KINDS: tuple[FakeKind, ...] = (*FIELD_KINDS.values(), TEXT, URL, FILE_NAME)
"""Every kind of fake: a value that already is one of them is left alone (faking is idempotent)."""
EMAIL_SHAPE = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_DATE_SHAPE = re.compile(r"\d{4}-\d\d-\d\d")
URL_SHAPE = re.compile(r"(?i)[a-z][a-z0-9+.-]*://\S+")
_MIN_FREE_TEXT_LENGTH = 4  # shorter names (Ida, Ben) would also hit ordinary words


def is_fake(value: str) -> bool:
    """Whether ``value`` is one of the fakes of any kind."""
    return any(kind.is_fake(value) for kind in KINDS)


class Fakes:
    """The fakes of one set of recordings: the same real value gets the same fake every time."""

    def __init__(self) -> None:
        self._fakes: dict[tuple[str, str], str] = {}
        self._counts: Counter[str] = Counter()
        self._known: dict[str, str] = {}  # real value -> fake, for free text (names match case-sensitively)
        self._known_folded: dict[str, str] = {}  # casefolded email -> fake (emails match in any case)
        self._known_pattern: re.Pattern[str] | None = None

    def fake(self, kind: FakeKind, value: str) -> str:
        """The fake standing for ``value``: the same one every time ``value`` comes back."""
        if not value or is_fake(value):
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

    def fake_for(self, name: str | None, value: str) -> str:
        """The fake of a value found under a field or parameter ``name``: by name, else by its shape."""
        if name in FIELD_KINDS:
            return self.fake(FIELD_KINDS[name], value)
        if value in self._known:
            return self._known[value]  # a known name under another field (preferredName) keeps its fake
        if EMAIL_SHAPE.fullmatch(value):
            return self.fake(EMAIL, value)
        if _DATE_SHAPE.fullmatch(value):
            return self.fake(BIRTH_DATE, value)
        if URL_SHAPE.fullmatch(value):
            return self.fake(URL, value)
        return self.fake(TEXT, value)

    def in_text(self, text: str) -> str:
        """``text`` with every real value already faked, and anything shaped like an email, replaced."""
        text = EMAIL_SHAPE.sub(lambda match: self.fake(EMAIL, match.group(0)), text)
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
