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

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any, TypeVar
from unittest.mock import patch
from urllib.parse import quote, quote_plus

import requests
from requests.adapters import HTTPAdapter

from jobticket_kit.spec.personal import pinned_non_personal_fields

__all__ = ["EMAIL", "PERSONAL", "REDACTED", "Redactor", "check_failure_message", "observing"]

PERSONAL = "[personal]"
EMAIL = "[email]"
REDACTED = "[redacted]"
_MIN_LENGTH = 3  # shorter strings ("a", "42") would blank out ordinary words
_MAX_BODY = 4 * 1024 * 1024  # bodies beyond this are not learned from (the twin's largest is ~100 kB)
_MAX_VALUES = 200_000
_MIN_SECRET = 4
_TOKEN = re.compile(r"(?i)\b(basic|bearer)(\s+)[A-Za-z0-9+/_.~-]{8,}=*")
_EMAIL = re.compile(r"[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_SCHEMA_AT = re.compile(r"^Schema at /\S+:", re.MULTILINE)
T = TypeVar("T")


class Redactor:
    """Replaces the run's secrets and every personal value it has seen, in any structure of strings."""

    def __init__(self, secrets: Iterable[str] = (), non_personal: frozenset[str] | None = None) -> None:
        self._secrets = sorted({secret for secret in secrets if len(secret) >= _MIN_SECRET}, key=len)[::-1]
        self._non_personal = pinned_non_personal_fields() if non_personal is None else non_personal
        self._personal: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def learn(self, document: Any, key: str | None = None) -> None:
        """Remember every personal string of a parsed JSON document (the key decides, at any depth)."""
        if isinstance(document, dict):
            for name, item in document.items():
                self.learn(item, str(name))
        elif isinstance(document, list):
            for item in document:
                self.learn(item, key)
        elif isinstance(document, str):
            if document.lstrip().startswith(("{", "[")):
                self.learn_body(document)  # JSON inside a JSON string: its own keys decide
            if key not in self._non_personal:
                self._remember(document)

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

        Walking the fields generically means a field added to a report later is redacted too.
        """
        return self._walk(value)  # type: ignore[no-any-return]

    def _walk(self, value: Any) -> Any:
        if isinstance(value, Enum):
            return value
        if isinstance(value, str):
            return self.text(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {
                field.name: self._walk(getattr(value, field.name))
                for field in dataclasses.fields(value)
                if field.init
            }
            return dataclasses.replace(value, **changes)
        if isinstance(value, dict):
            return {self._walk(key): self._walk(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._walk(item) for item in value)
        return value

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


def check_failure_message(failure: Any) -> str:
    """A schemathesis failure's message; for a schema violation, built from paths, never the value.

    Schemathesis prints the rejected response value in full; here the message names the keyword, the
    JSON path and the spec's schema location, plus what the schema expected, so nothing the target
    sent is repeated except property names.
    """
    schema_path = getattr(failure, "schema_path", None)
    instance_path = getattr(failure, "instance_path", None)
    if schema_path is None or instance_path is None:
        return str(failure.message)
    keyword = str(schema_path[-1]) if schema_path else "schema"
    where = "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in instance_path)
    schema = getattr(failure, "schema", {}) or {}
    instance = getattr(failure, "instance", None)
    detail = f"violates `{keyword}`"
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        unexpected = sorted(str(name) for name in instance if name not in schema.get("properties", {}))
        detail += f": unexpected properties {', '.join(unexpected)}"
    elif keyword == "required" and isinstance(instance, dict):
        missing = [str(name) for name in schema.get("required", []) if name not in instance]
        detail += f": missing {', '.join(missing)}"
    elif keyword == "type":
        detail += f": expected {schema.get('type')}, got {_json_type(instance)}"
    elif keyword in schema and not isinstance(schema[keyword], dict | list):
        detail += f" ({keyword}: {schema[keyword]})"
    location = _SCHEMA_AT.search(str(failure.message))
    lines = [f"{where} {detail} (the value is withheld: it may hold personal data)"]
    if location:
        lines += ["", location.group(0)]
    return "\n".join(lines)


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


@contextmanager
def observing(redactor: Redactor) -> Iterator[None]:
    """Let ``redactor`` learn from every JSON response body ``requests`` receives inside the block.

    Request bodies are not learned from: the run sends generated or synthetic data only, and learning
    schemathesis' short random strings would blank out ordinary text (ids, counts) in the reports.
    """
    original = HTTPAdapter.send

    def send(adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        response: requests.Response = original(adapter, request, *args, **kwargs)
        if "json" in response.headers.get("Content-Type", "") and not kwargs.get("stream"):
            redactor.learn_body(response.content)
        return response

    with patch.object(HTTPAdapter, "send", send):
        yield
