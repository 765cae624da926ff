"""Which JSON fields hold personal data, as the spec says: an allowlist, never a list of known names.

A schema property marked ``x-personal: false`` holds no personal data (ids, statuses, vocabularies,
ticket and record dates, links). A field name counts as non-personal only if EVERY property of that
name in the spec is marked, so one unmarked use (a ``name`` that could be a person's) makes it personal.
Every other string, including fields the spec does not define (a new ``preferredName``), is personal.
Query parameters are marked the same way on the parameter object (``email`` is not marked).

The mark says what the field is meant to hold, not what a server puts there: free text in a status
(a sick note) is still free text. So each non-personal field also has a :class:`ValueRule` from its
declarations: a value may be quoted only when it is one of the known values (``x-known-values``,
``enum``, ``const``) or matches a declared ``format`` or ``pattern``; anything else is an unexpected
value, and reports do not quote it.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from jobticket_kit.checkout import Layout
from jobticket_kit.spec.refs import resolve_pointer

__all__ = [
    "NON_PERSONAL_MARK",
    "ValueRule",
    "non_personal_fields",
    "non_personal_parameters",
    "non_personal_rules",
    "pinned_non_personal_fields",
    "pinned_non_personal_parameters",
    "pinned_non_personal_rules",
]

NON_PERSONAL_MARK = "x-personal"
_MAX_CHECKED = 2048  # longer values are never a date, an id or a vocabulary word


def _is_date(value: str) -> bool:
    return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) is not None and _parses(datetime.date, value)


def _is_date_time(value: str) -> bool:
    shape = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
    return re.fullmatch(shape, value) is not None and _parses(datetime.datetime, value.replace("Z", "+00:00"))


def _is_uuid(value: str) -> bool:
    return re.fullmatch(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", value) is not None and bool(
        uuid.UUID(value)
    )


def _is_uri(value: str) -> bool:
    """An absolute http(s) URI without user info, spaces or control characters."""
    return re.fullmatch(r"https?://[^\s@/?#]+(/[^\s]*)?", value, re.ASCII) is not None and value.isprintable()


def _parses(kind: type[datetime.date], value: str) -> bool:
    try:
        kind.fromisoformat(value)
    except ValueError:
        return False
    return True


#: The declared formats a value can be checked against; any other format checks nothing.
FORMATS: Mapping[str, Callable[[str], bool]] = {
    "date": _is_date,
    "date-time": _is_date_time,
    "uuid": _is_uuid,
    "uri": _is_uri,
}


@dataclass(frozen=True)
class ValueRule:
    """What a value of one non-personal field may be for a report to quote it (any declaration's rule)."""

    known: frozenset[str] = frozenset()
    formats: frozenset[str] = frozenset()
    patterns: tuple[str, ...] = ()
    unconstrained: bool = False
    """Some declaration of the field says nothing about its values (no vocabulary, format or pattern)."""

    @property
    def declares_values(self) -> bool:
        """Whether every declaration says what its values may be (a vocabulary, a format, a pattern)."""
        return not self.unconstrained and bool(self.known or self.formats or self.patterns)

    def allows(self, value: str) -> bool:
        """Whether ``value`` is a known value, or matches a declared format or pattern."""
        if value in self.known:
            return True
        if len(value) > _MAX_CHECKED:
            return False
        if any(FORMATS[name](value) for name in self.formats if name in FORMATS):
            return True
        return any(_matches(pattern, value) for pattern in self.patterns)

    def merged(self, other: ValueRule) -> ValueRule:
        """A value any of the two declarations allows."""
        return ValueRule(
            self.known | other.known,
            self.formats | other.formats,
            tuple(dict.fromkeys((*self.patterns, *other.patterns))),
            self.unconstrained or other.unconstrained,
        )


def _matches(pattern: str, value: str) -> bool:
    try:  # ASCII: a spec's \d means 0-9, not every script's digits
        return re.search(pattern, value, re.ASCII) is not None
    except re.error:
        return False


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


def non_personal_rules(document: Mapping[str, Any]) -> dict[str, ValueRule]:
    """The :class:`ValueRule` of every non-personal field (:func:`non_personal_fields`) of the spec."""
    names = non_personal_fields(document)
    rules: dict[str, ValueRule] = {}
    for node in _mappings(document):
        properties = node.get("properties")
        if not isinstance(properties, Mapping):
            continue
        for name, schema in properties.items():
            if name in names and isinstance(schema, Mapping):
                rule = _declaration_rule(document, schema)
                rules[name] = rules[name].merged(rule) if name in rules else rule
    return rules


def _rule_of(document: Mapping[str, Any], schema: Mapping[str, Any]) -> ValueRule:
    """The rule one declaration gives (its ``$ref``, ``allOf``/``anyOf``/``oneOf`` parts included)."""
    rule = ValueRule(
        frozenset(str(value) for value in [*schema.get("x-known-values", ()), *schema.get("enum", ())]),
        frozenset([schema["format"]] if isinstance(schema.get("format"), str) else []),
        (schema["pattern"],) if isinstance(schema.get("pattern"), str) else (),
    )
    if "const" in schema:
        rule = rule.merged(ValueRule(frozenset({str(schema["const"])})))
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        try:
            target = resolve_pointer(document, ref[1:])
        except LookupError:
            target = None
        if isinstance(target, Mapping) and target is not schema:
            rule = rule.merged(_rule_of(document, target))
    for combined in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(combined) or ():
            if isinstance(part, Mapping):
                rule = rule.merged(_rule_of(document, part))
    return rule


def _declaration_rule(document: Mapping[str, Any], schema: Mapping[str, Any]) -> ValueRule:
    """:func:`_rule_of`, marked unconstrained when the declaration names no values at all."""
    rule = _rule_of(document, schema)
    if rule.known or rule.formats or rule.patterns:
        return rule
    return ValueRule(unconstrained=True)


def pinned_non_personal_fields() -> frozenset[str]:
    """:func:`non_personal_fields` of the pinned spec."""
    return non_personal_fields(_pinned())


def pinned_non_personal_parameters() -> frozenset[str]:
    """:func:`non_personal_parameters` of the pinned spec."""
    return non_personal_parameters(_pinned())


def pinned_non_personal_rules() -> Mapping[str, ValueRule]:
    """:func:`non_personal_rules` of the pinned spec."""
    return _pinned_rules()


@cache
def _pinned_rules() -> Mapping[str, ValueRule]:
    return non_personal_rules(_pinned())


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
