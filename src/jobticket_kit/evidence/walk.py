"""One answer of the target read against the spec, element by element: what was there, never a value.

:class:`SpecView` answers what the spec says of an operation's responses and schemas (local ``$ref``
followed, each node with its JSON pointer). :func:`observe_answer` counts, in a
:class:`~jobticket_kit.evidence.store.RunEvidence`, the operation and status answered, the response
header names and, walking a JSON body against its schema, every property: present or absent, null,
its JSON type, whether it matches its ``format``, the value of a vocabulary field the spec marks
``x-personal: false``, and properties the spec does not declare (their names and JSON types, nested
ones included, never their values). Everything a server controls is bounded: depth, items per array,
names per object.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator

from jobticket_kit.evidence.store import RunEvidence, element_id
from jobticket_kit.privacy.tokens import quotable_name, quotable_token
from jobticket_kit.spec.personal import NON_PERSONAL_MARK

__all__ = [
    "MAX_DEPTH",
    "MAX_ITEMS",
    "SpecView",
    "json_type",
    "observe_answer",
    "pointer_of",
    "pointer_parts",
    "shape_facets",
]

MAX_DEPTH = 12
MAX_ITEMS = 100  # items of one array walked; enough to see every shape of a page of 100
MAX_FIELDS = 50  # names of one undocumented object described
MAX_BODY = 4 * 1024 * 1024  # larger bodies are not read for evidence (the twin's largest is ~100 kB)
VOCABULARY_KEYS = ("x-known-values", "enum", "const")
_FORMATS = Draft202012Validator.FORMAT_CHECKER
_CHECKED_FORMATS = frozenset({"date", "date-time", "email", "uuid", "uri"})
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def json_type(value: Any) -> str:
    """The JSON type of a parsed value (``integer`` for whole numbers written without a fraction)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def pointer_of(*parts: str) -> str:
    """A JSON pointer from its unescaped parts."""
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def pointer_parts(pointer: str) -> list[str]:
    """The unescaped parts of a JSON pointer."""
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]


class SpecView:
    """The pinned spec as the walk reads it: nodes by pointer, ``$ref`` followed, responses per status."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw

    def node(self, pointer: str) -> Any:
        """The node at ``pointer``, or None when there is none."""
        node: Any = self.raw
        for part in pointer_parts(pointer):
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow local ``$ref`` until a node without one; return it with its pointer."""
        for _ in range(32):
            if not isinstance(node, Mapping) or not isinstance(node.get("$ref"), str):
                return node, pointer
            reference = node["$ref"]
            if not reference.startswith("#/"):
                return {}, pointer
            pointer = reference[1:]
            node = self.node(pointer)
        return {}, pointer

    def operation_pointer(self, path: str, method: str) -> str:
        """The pointer of an operation (``/paths/~1employees/get``)."""
        return pointer_of("paths", path, method)

    def responses(self, path: str, method: str) -> Mapping[str, Any]:
        """The documented responses of an operation, by status."""
        operation = self.node(self.operation_pointer(path, method)) or {}
        responses = operation.get("responses") or {}
        return responses if isinstance(responses, Mapping) else {}

    def response(self, path: str, method: str, status: int) -> tuple[Any, str] | None:
        """The response object documented for ``status`` (resolved, with its pointer), or None."""
        documented = self.responses(path, method)
        if str(status) not in documented:
            return None
        pointer = pointer_of("paths", path, method, "responses", str(status))
        return self.resolve(documented[str(status)], pointer)

    def body_schema(self, path: str, method: str, status: int) -> tuple[Any, str] | None:
        """The JSON body schema documented for ``status`` (with its pointer), or None."""
        found = self.response(path, method, status)
        if found is None:
            return None
        response, pointer = found
        content = (response.get("content") or {}).get("application/json")
        if not isinstance(content, Mapping) or "schema" not in content:
            return None
        return self.resolve(content["schema"], f"{pointer}/content/application~1json/schema")

    def allowed_types(self, schema: Any, pointer: str) -> set[str] | None:
        """The JSON types a schema admits (``number`` admits ``integer``), or None for any."""
        schema, pointer = self.resolve(schema, pointer)
        if not isinstance(schema, Mapping):
            return None
        if "const" in schema:
            return {json_type(schema["const"])}
        if isinstance(schema.get("enum"), list):
            return {json_type(value) for value in schema["enum"]}
        declared = schema.get("type")
        if declared is not None:
            named = {str(name) for name in declared} if isinstance(declared, list) else {str(declared)}
            return named | {"integer"} if "number" in named else named
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                union: set[str] = set()
                for index, branch in enumerate(schema[key]):
                    branch_types = self.allowed_types(branch, f"{pointer}/{key}/{index}")
                    if branch_types is None:
                        return None
                    union |= branch_types
                return union
        if "properties" in schema or "allOf" in schema:
            return {"object"}
        return None

    def branch_for(self, value: Any, schema: Any, pointer: str) -> tuple[Any, str]:
        """The schema a value is read against: for ``oneOf``/``anyOf``, the first branch its type fits."""
        schema, pointer = self.resolve(schema, pointer)
        if not isinstance(schema, Mapping):
            return {}, pointer
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                for index, branch in enumerate(schema[key]):
                    types = self.allowed_types(branch, f"{pointer}/{key}/{index}")
                    if types is None or json_type(value) in types:
                        return self.branch_for(value, branch, f"{pointer}/{key}/{index}")
        return schema, pointer

    def properties(self, schema: Mapping[str, Any], pointer: str) -> Iterator[tuple[str, Any, str]]:
        """The declared properties of an object schema, ``allOf`` branches included: name, schema, pointer."""
        own = schema.get("properties")
        if isinstance(own, Mapping):
            for name, definition in own.items():
                yield str(name), definition, f"{pointer}/properties/{pointer_of(str(name))[1:]}"
        for index, branch in enumerate(schema.get("allOf") or []):
            resolved, at = self.resolve(branch, f"{pointer}/allOf/{index}")
            if isinstance(resolved, Mapping):
                yield from self.properties(resolved, at)

    def extra_schema(self, schema: Mapping[str, Any], pointer: str) -> tuple[Any, str] | None:
        """The schema undeclared properties must match, if the object allows them by a schema."""
        for key in ("additionalProperties", "unevaluatedProperties"):
            if isinstance(schema.get(key), Mapping):
                return schema[key], f"{pointer}/{key}"
        return None


def observe_answer(
    evidence: RunEvidence,
    spec: SpecView,
    operation: tuple[str, str, str],
    *,
    status: int,
    headers: Mapping[str, str],
    body: bytes | None,
    content_type: str = "",
) -> None:
    """Count what one answer shows: ``operation`` is (operationId, path template, method).

    ``body`` is the body as received, None when it was not read (a stream, the client's own calls).
    """
    operation_id, path, method = operation
    response = element_id("response", operation_id, status)
    evidence.add(response, "answered")
    for name in headers:
        lowered = name.lower()
        if quotable_name(lowered):
            evidence.add(response, f"header:{lowered}")
    if body is None:
        evidence.add(response, "body:unread")
        return
    document = _json(body) if "json" in content_type else _NOT_JSON
    if document is _NOT_JSON:
        evidence.add(response, "body:none" if not body else "body:not-json")
        return
    schema = spec.body_schema(path, method, status)
    if schema is None:
        evidence.add(response, "body:undescribed")
        for facet in shape_facets(document):
            evidence.add(response, facet)
        return
    evidence.add(response, "body:json")
    _Walk(evidence, spec).value(document, *schema, depth=0)
    if isinstance(document, Mapping):
        _observe_page(evidence, operation_id, document)


_NOT_JSON = object()


def _json(body: bytes) -> Any:
    """The parsed body, or ``_NOT_JSON`` when it is too large, too deep or not JSON."""
    if len(body) > MAX_BODY:
        return _NOT_JSON
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _NOT_JSON


class _Walk:
    """The walk of one body against its schema."""

    def __init__(self, evidence: RunEvidence, spec: SpecView) -> None:
        self.evidence = evidence
        self.spec = spec

    def value(self, value: Any, schema: Any, pointer: str, *, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        schema, pointer = self.spec.branch_for(value, schema, pointer)
        if isinstance(value, Mapping):
            self.object(value, schema, pointer, depth)
        elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
            for item in value[:MAX_ITEMS]:
                self.value(item, schema["items"], f"{pointer}/items", depth=depth + 1)

    def object(self, value: Mapping[str, Any], schema: Mapping[str, Any], pointer: str, depth: int) -> None:
        self.evidence.add(element_id("object", pointer), "seen")
        declared = {name: (definition, at) for name, definition, at in self.spec.properties(schema, pointer)}
        for name, (definition, at) in declared.items():
            if name in value:
                self.property(value[name], definition, at, depth)
            else:
                self.evidence.add(element_id("property", at), "absent")
        extra = self.spec.extra_schema(schema, pointer)
        for name, item in list(value.items())[: MAX_FIELDS * 4]:
            if name in declared:
                continue
            if extra is not None:
                self.value(item, *extra, depth=depth + 1)
            elif quotable_name(name):
                self.undeclared(item, f"{pointer}/properties/{name}")

    def property(self, value: Any, schema: Any, pointer: str, depth: int) -> None:
        element = element_id("property", pointer)
        self.evidence.add(element, "present")
        self.evidence.add(element, f"type:{json_type(value)}")
        if value is None:
            self.evidence.add(element, "null")
            return
        branch, _ = self.spec.branch_for(value, schema, pointer)
        definition, _ = self.spec.resolve(schema, pointer)
        fmt = branch.get("format") if isinstance(branch, Mapping) else None
        if isinstance(value, str) and fmt in _CHECKED_FORMATS:
            self.evidence.add(element, "format:match" if _conforms(value, str(fmt)) else "format:mismatch")
        if _is_vocabulary(definition, branch) and quotable_token(value):
            self.evidence.add(element, f"value:{value}")
        self.value(value, schema, pointer, depth=depth + 1)

    def undeclared(self, value: Any, pointer: str) -> None:
        element = element_id("property", pointer)
        self.evidence.add(element, "present")
        self.evidence.add(element, f"type:{json_type(value)}")
        if value is None:
            self.evidence.add(element, "null")
        for facet in shape_facets(value):
            self.evidence.add(element, facet)


def shape_facets(value: Any, path: str = "", depth: int = 0) -> Iterator[str]:
    """``field:<path>:<type>`` for every name inside a value the spec does not describe (no values)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, Mapping):
        for name, item in list(value.items())[:MAX_FIELDS]:
            if quotable_name(name):
                inner = f"{path}.{name}" if path else str(name)
                yield f"field:{inner}:{json_type(item)}"
                yield from shape_facets(item, inner, depth + 1)
    elif isinstance(value, list):
        for item in value[:MAX_ITEMS]:
            inner = f"{path}[]"
            yield f"field:{inner}:{json_type(item)}"
            yield from shape_facets(item, inner, depth + 1)


def _observe_page(evidence: RunEvidence, operation_id: str, body: Mapping[str, Any]) -> None:
    """The page edges a list answer shows (the nested list envelope: ``data.data`` and page fields)."""
    page = body.get("data")
    if not isinstance(page, Mapping) or not isinstance(page.get("data"), list):
        return
    numbers = [page.get(name) for name in ("page", "perPage", "totalPages", "total")]
    if not all(isinstance(number, int) and not isinstance(number, bool) for number in numbers):
        return
    number, per_page, total_pages, total = (int(value) for value in numbers)  # type: ignore[arg-type]
    items = len(page["data"])
    element = element_id("pagination", operation_id)
    edges = {
        "first-page": number == 1,
        "last-page": number == total_pages > 0,
        "past-the-end": number > total_pages,
        "empty-list": total == 0,
        "partial-page": 0 < items < per_page,
        "page-arithmetic-wrong": per_page > 0 and total_pages != math.ceil(total / per_page) and total > 0,
        "page-overfull": items > per_page,
    }
    for edge, seen in edges.items():
        if seen:
            evidence.add(element, edge)


def _is_vocabulary(definition: Any, branch: Any) -> bool:
    """A field whose values may be kept: a vocabulary the spec marks ``x-personal: false``."""
    nodes = [node for node in (definition, branch) if isinstance(node, Mapping)]
    marked = any(node.get(NON_PERSONAL_MARK) is False for node in nodes)
    return marked and any(key in node for node in nodes for key in VOCABULARY_KEYS)


def _conforms(value: str, fmt: str) -> bool:
    if fmt == "uri":
        parts = urlsplit(value)
        return _URI.fullmatch(value) is not None and bool(parts.scheme)
    return bool(_FORMATS.conforms(value, fmt))
