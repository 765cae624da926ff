"""Which JSON fields hold personal data, as the spec says: an allowlist, never a list of known names.

A schema property marked ``x-personal: false`` holds no personal data (ids, statuses, vocabularies,
ticket and record dates, links). A field name counts as non-personal only if EVERY property of that
name in the spec is marked, so one unmarked use (a ``name`` that could be a person's) makes it personal.
Every other string, including fields the spec does not define (a new ``preferredName``), is personal.
Query parameters are marked the same way on the parameter object (``email`` is not marked).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

import yaml

from jobticket_kit.checkout import Layout

__all__ = [
    "NON_PERSONAL_MARK",
    "non_personal_fields",
    "non_personal_parameters",
    "pinned_non_personal_fields",
    "pinned_non_personal_parameters",
]

NON_PERSONAL_MARK = "x-personal"


def non_personal_fields(document: Mapping[str, Any]) -> frozenset[str]:
    """Field names whose string values the spec marks as non-personal everywhere it defines them."""
    return _marked_everywhere(
        (str(name), schema)
        for node in _mappings(document)
        if isinstance(node.get("properties"), Mapping)
        for name, schema in node["properties"].items()
        if isinstance(schema, Mapping)
    )


def non_personal_parameters(document: Mapping[str, Any]) -> frozenset[str]:
    """Query parameter names the spec marks as non-personal everywhere it defines them."""
    return _marked_everywhere(
        (str(node["name"]), node)
        for node in _mappings(document)
        if node.get("in") == "query" and "name" in node
    )


def pinned_non_personal_fields() -> frozenset[str]:
    """:func:`non_personal_fields` of the pinned spec."""
    return non_personal_fields(_pinned())


def pinned_non_personal_parameters() -> frozenset[str]:
    """:func:`non_personal_parameters` of the pinned spec."""
    return non_personal_parameters(_pinned())


@cache
def _pinned() -> Mapping[str, Any]:
    with Layout.current().spec.open(encoding="utf-8") as handle:
        document: Mapping[str, Any] = yaml.safe_load(handle)
    return document


def _marked_everywhere(declarations: Iterable[tuple[str, Mapping[str, Any]]]) -> frozenset[str]:
    marked: set[str] = set()
    unmarked: set[str] = set()
    for name, declaration in declarations:
        (marked if declaration.get(NON_PERSONAL_MARK) is False else unmarked).add(name)
    return frozenset(marked - unmarked)


def _mappings(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every mapping anywhere in the document, the document included."""
    if isinstance(node, Mapping):
        yield node
        for value in node.values():
            yield from _mappings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _mappings(item)
