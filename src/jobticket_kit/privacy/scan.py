"""What must never be committed, found in free text and in JSON documents: credentials and personal data.

The rules are the scan's own, on purpose: they look for emails (any script), HTTP credentials and
tokens, secret-named keys, headers and query parameters (``access_token``, ``client_secret``,
``sig=``...) and the names of the twin's seed, everywhere, without asking the spec's allowlist or the
redactor's patterns, so a bug in those cannot hide from the scan. What the scan does share is the walk
of JSON (:mod:`jobticket_kit.privacy.walk`) and the knowledge of what a fake looks like
(:mod:`jobticket_kit.privacy.fake`): a fake is never a finding. Findings never repeat the value they
found, only what it looks like and how long it is (:func:`mask`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from jobticket_kit.privacy.fake import FAKE_EMAIL_DOMAIN, FIELD_KINDS, PLACEHOLDER, is_fake
from jobticket_kit.privacy.walk import members
from jobticket_twin.seed import build_seed

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "COOKIE_HEADERS",
    "field_findings",
    "is_clean",
    "is_secret_name",
    "mask",
    "text_findings",
]

COOKIE_HEADERS = frozenset({"set-cookie", "cookie", "proxy-authorization"})
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_SENSITIVE_WORDS = r"password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|signature|credential"
_TEXT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("HTTP credential", re.compile(r"(?i)\b(?:basic|bearer)\s+[A-Za-z0-9+/_.~-]{8,}=*")),
    ("credentials in a URL", re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    (
        "secret value",
        re.compile(
            rf"(?i)[\w-]*(?:{_SENSITIVE_WORDS})[\w-]*[\"']?[ \t]*[:=][ \t]*[\"']?"
            r"(?P<value><redacted>|[^\s\"'<>,&}]{4,})"
        ),
    ),
    (
        "secret query parameter",
        re.compile(r"(?i)[?&;](?:sig|sign|sig_[\w-]+|x-amz-[\w-]*|auth|key)=(?P<value>[^&\s\"']{4,})"),
    ),
    (
        "token",
        re.compile(
            r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}|\b(?:sk|pk|rk)_(?:live|test)_\w{8,}|\bgh[pousr]_\w{20,}"
        ),
    ),
    ("twin key secret", re.compile(r"twin-secret-[\w-]+")),
)
_SECRET_NAME = re.compile(
    rf"(?i)(?:{_SENSITIVE_WORDS}|^(?:sig|pwd|auth|authorization|cookie|session(?:[_-]?id)?)$)"
)
_PERSONAL_NAME = re.compile(r"(?i)(?:birth|^dob$|name$|surname|e-?mail|phone|address|contact)")


def mask(value: str) -> str:
    """A hint of a found value that does not repeat it: its first two characters and its length."""
    return f"{value[:2]}... {len(value)} chars"


def is_clean(value: Any) -> bool:
    """Empty, the credential placeholder, or one of the fakes."""
    return not value or value == PLACEHOLDER or (isinstance(value, str) and is_fake(value))


def is_secret_name(name: str) -> bool:
    """Whether a key, header or parameter name says its value is a secret (``client_secret``, ``sig``)."""
    return _SECRET_NAME.search(name) is not None


def text_findings(text: str) -> Iterator[tuple[str, str]]:
    """(kind, masked hint) for every credential, token, real-looking email or seed name in free text."""
    if "%" in text:
        text = f"{text} {unquote(text)}"
    for kind, pattern in _TEXT_RULES:
        for match in pattern.finditer(text):
            if "value" not in pattern.groupindex or not is_clean(match.group("value")):
                yield kind, mask(match.group(0))
    for match in _EMAIL.finditer(text):
        if match.group(0).lower().rpartition("@")[2] != FAKE_EMAIL_DOMAIN:
            yield "email address", mask(match.group(0))
    for match in _seed_names().finditer(text):
        yield "name of the twin's seed", mask(match.group(0))


def field_findings(document: Any, path: str = "$") -> Iterator[tuple[str, str, str]]:
    """(location, kind, hint) for each personal-data or secret-named field of a JSON document, not faked.

    Every value is looked at under the key it sits under (list items under their list's key), JSON
    held in strings included.
    """
    for member in members(document, path):
        key, value = member.key, member.value
        if key is None:
            continue
        kind = FIELD_KINDS.get(key)
        if kind is not None and isinstance(value, str) and value and not kind.is_fake(value):
            yield member.path, f"personal data in {key}", mask(value)
        elif is_secret_name(key) and isinstance(value, str | int) and not is_clean(value):
            yield member.path, "secret-named key", mask(str(value))
        elif _PERSONAL_NAME.search(key) and isinstance(value, str) and not is_clean(value):
            yield member.path, "personal-named key", mask(value)


@cache
def _seed_names() -> re.Pattern[str]:
    """The first and last names of the twin's seed, as whole words (case as written)."""
    names = {
        name
        for employee in build_seed(0).employees.values()
        for name in (employee.first_name, employee.last_name)
    }
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])")
