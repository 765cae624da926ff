"""The one traversal of JSON documents in the kit, JSON held inside strings included.

APIs put JSON inside strings more often than one would hope (an error detail quoting the rejected
object, a payload kept as text), so whoever looks for personal data must look inside those strings
too, and whoever replaces it must put the string back together. :func:`members` reads a document,
:func:`rebuilt` copies one with its strings replaced. Both decide whose value a string is the same
way: by the nearest object key (list items inherit their list's key) and, inside a JSON string, by
the nested document's own keys (its top level has no key).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

__all__ = ["Member", "members", "nested_json", "rebuilt"]

T = TypeVar("T")
NESTED = "(json)"
"""What a path says where it enters the JSON document a string holds: ``$.detail(json).email``."""


@dataclass(frozen=True)
class Member:
    """One value of a document: where it is, the key it sits under, and the value itself."""

    path: str
    key: str | None
    value: Any


def nested_json(text: str) -> dict[str, Any] | list[Any] | None:
    """The JSON object or array ``text`` holds, else None (plain text, a number, broken JSON)."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document if isinstance(document, dict | list) else None


def members(document: Any, path: str = "$", *, nested: bool = True) -> Iterator[Member]:
    """Every value of ``document``, parents before children, depth first.

    With ``nested`` a string holding a JSON object or array is followed by the members of that
    document (paths continue with ``(json)``); without, strings are leaves.
    """
    yield from _members(document, path, None, nested)


def _members(value: Any, path: str, key: str | None, nested: bool) -> Iterator[Member]:
    yield Member(path, key, value)
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _members(item, f"{path}.{name}", str(name), nested)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _members(item, f"{path}[{index}]", key, nested)
    elif nested and isinstance(value, str) and (inner := nested_json(value)) is not None:
        yield from _members(inner, path + NESTED, None, nested)


def rebuilt(
    value: T, replace: Callable[[str, str | None], Any], *, nested: bool = True, keys: bool = False
) -> T:
    """A copy of ``value`` with every string ``s`` under key ``k`` replaced by ``replace(s, k)``.

    Walks what JSON documents and reports are made of: mappings, lists, tuples and dataclasses (a
    field added to a report later is covered too); enums and other values stay as they are. With
    ``nested`` a string holding JSON is rebuilt inside and written back compactly; with ``keys``
    mapping keys are replaced too (their key is None). The original is left alone.
    """
    return _rebuilt(value, None, replace, nested, keys)  # type: ignore[no-any-return]


def _rebuilt(
    value: Any, key: str | None, replace: Callable[[str, str | None], Any], nested: bool, keys: bool
) -> Any:
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        inner = nested_json(value) if nested else None
        if inner is None:
            return replace(value, key)
        document = _rebuilt(inner, None, replace, nested, keys)
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            field.name: _rebuilt(getattr(value, field.name), field.name, replace, nested, keys)
            for field in dataclasses.fields(value)
            if field.init
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {
            (_rebuilt(name, None, replace, nested, keys) if keys else name): _rebuilt(
                item, str(name), replace, nested, keys
            )
            for name, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_rebuilt(item, key, replace, nested, keys) for item in value)
    return value
