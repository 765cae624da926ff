"""Which JSON fields hold personal data, as the spec says: an allowlist, never a list of known names.

A schema property marked ``x-personal: false`` holds no personal data (ids, statuses, vocabularies,
ticket and record dates, links). A field name counts as non-personal only if EVERY property of that
name in the spec is marked, so one unmarked use (a ``name`` that could be a person's) makes it personal.
Every other string, including fields the spec does not define (a new ``preferredName``), is personal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from jobticket_kit.checkout import Layout

__all__ = ["NON_PERSONAL_MARK", "non_personal_fields", "pinned_non_personal_fields"]

NON_PERSONAL_MARK = "x-personal"


def non_personal_fields(document: Mapping[str, Any]) -> frozenset[str]:
    """Field names whose string values the spec marks as non-personal everywhere it defines them."""
    marked: set[str] = set()
    unmarked: set[str] = set()
    for name, schema in _properties(document):
        (marked if schema.get(NON_PERSONAL_MARK) is False else unmarked).add(name)
    return frozenset(marked - unmarked)


@cache
def pinned_non_personal_fields(spec: Path | None = None) -> frozenset[str]:
    """:func:`non_personal_fields` of the pinned spec (read once per process)."""
    with (spec or Layout.current().spec).open(encoding="utf-8") as handle:
        return non_personal_fields(yaml.safe_load(handle))


def _properties(node: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every (name, schema) of a ``properties`` mapping anywhere in the document."""
    if isinstance(node, Mapping):
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            for name, schema in properties.items():
                if isinstance(schema, Mapping):
                    yield str(name), schema
        for value in node.values():
            yield from _properties(value)
    elif isinstance(node, list):
        for item in node:
            yield from _properties(item)
