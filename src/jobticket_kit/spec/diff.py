"""Classify the differences between two OpenAPI descriptions from the point of view of our client.

No well-kept Python or npm diff tool knows our rules (a new enum value or a newly nullable field breaks
the generated client, which raises on both), so this is a small classifier of our own. It compares
operations, parameters, request bodies and response bodies schema by schema; ``$ref`` s are followed.
What it cannot see on the wire (a generated constructor, our own client's code) the update checks in
Python afterwards (:mod:`jobticket_kit.spec.client_impact`). ``docs/spec-updates.md`` lists which of
oasdiff's rule categories this covers and which not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jobticket_kit.spec.paths import HTTP_METHODS

__all__ = ["Change", "diff_specs"]

_MAX_DEPTH = 32
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")


@dataclass(frozen=True, order=True)
class Change:
    """One difference: where it is, what happened, and whether it breaks the client."""

    location: str
    description: str
    breaking: bool

    def __str__(self) -> str:
        label = "BREAKING" if self.breaking else "compatible"
        return f"[{label}] {self.location}: {self.description}"


def diff_specs(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Return every classified change from ``old`` to ``new``, sorted by location."""
    differ = _Differ(old, new)
    differ.compare_operations()
    return sorted(set(differ.changes))


class _Differ:
    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []

    def add(self, location: str, description: str, *, breaking: bool) -> None:
        self.changes.append(Change(location, description, breaking))

    def compare_operations(self) -> None:
        old_ops = _operations(self.old)
        new_ops = _operations(self.new)
        new_by_id = {op.get("operationId"): key for key, op in new_ops.items()}
        for key, old_op in old_ops.items():
            name = f"{key[0].upper()} {key[1]}"
            if key not in new_ops:
                moved_to = new_by_id.get(old_op.get("operationId"))
                how = f"moved to {moved_to[0].upper()} {moved_to[1]}" if moved_to else "removed"
                self.add(name, f"operation {old_op.get('operationId')} {how}", breaking=True)
                continue
            new_op = new_ops[key]
            if old_op.get("operationId") != new_op.get("operationId"):
                self.add(
                    name,
                    f"operationId renamed {old_op.get('operationId')} -> {new_op.get('operationId')}",
                    breaking=True,
                )
            self.compare_parameters(name, old_op, new_op)
            self.compare_request_body(name, old_op, new_op)
            self.compare_responses(name, old_op, new_op)
        for key, new_op in new_ops.items():
            if key not in old_ops and new_op.get("operationId") not in {
                op.get("operationId") for op in old_ops.values()
            }:
                self.add(
                    f"{key[0].upper()} {key[1]}",
                    f"operation {new_op.get('operationId')} added",
                    breaking=False,
                )

    def compare_parameters(self, name: str, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
        old_params = self.parameters(self.old, old_op)
        new_params = self.parameters(self.new, new_op)
        for key, old_param in old_params.items():
            where = f"{name} {key[1]} parameter {key[0]}"
            if key not in new_params:
                self.add(where, "removed", breaking=True)
                continue
            new_param = new_params[key]
            if new_param.get("required") and not old_param.get("required"):
                self.add(where, "became required", breaking=True)
            self.compare_schema(where, old_param.get("schema", {}), new_param.get("schema", {}), request=True)
        for key, new_param in new_params.items():
            if key not in old_params:
                required = bool(new_param.get("required"))
                kind = "required" if required else "optional"
                self.add(f"{name} {key[1]} parameter {key[0]}", f"new {kind} parameter", breaking=required)

    def compare_request_body(self, name: str, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
        old_body = _json_schema(_resolve(self.old, old_op.get("requestBody", {})))
        new_body = _json_schema(_resolve(self.new, new_op.get("requestBody", {})))
        if old_body is None and new_body is None:
            return
        where = f"{name} request body"
        if old_body is None or new_body is None:
            self.add(where, "added" if old_body is None else "removed", breaking=True)
            return
        self.compare_schema(where, old_body, new_body, request=True)

    def compare_responses(self, name: str, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
        old_responses = old_op.get("responses", {})
        new_responses = new_op.get("responses", {})
        for status, old_response in old_responses.items():
            where = f"{name} response {status}"
            if status not in new_responses:
                self.add(where, "status no longer documented", breaking=True)
                continue
            old_schema = _json_schema(_resolve(self.old, old_response))
            new_schema = _json_schema(_resolve(self.new, new_responses[status]))
            if old_schema is not None and new_schema is not None:
                self.compare_schema(where, old_schema, new_schema, request=False)
            elif old_schema != new_schema:
                self.add(where, "body added" if old_schema is None else "body removed", breaking=True)
        for status in new_responses.keys() - old_responses.keys():
            self.add(f"{name} response {status}", "status newly documented", breaking=False)

    def compare_schema(
        self, where: str, old: dict[str, Any], new: dict[str, Any], *, request: bool, depth: int = 0
    ) -> None:
        if depth > _MAX_DEPTH:
            return
        old = _resolve(self.old, old)
        new = _resolve(self.new, new)
        old_nullable, old = _split_nullable(self.old, old)
        new_nullable, new = _split_nullable(self.new, new)
        if new_nullable and not old_nullable:
            self.add(where, "became nullable", breaking=not request)
        if old_nullable and not new_nullable:
            self.add(where, "no longer nullable", breaking=request)
        old_type, new_type = _type_of(old), _type_of(new)
        if old_type and new_type and old_type != new_type:
            self.add(where, f"type changed {old_type} -> {new_type}", breaking=True)
            return
        if old.get("format") != new.get("format"):
            self.add(where, f"format changed {old.get('format')} -> {new.get('format')}", breaking=True)
        self.compare_values(where, old, new, request=request)
        old_props = _properties(self.old, old)
        new_props = _properties(self.new, new)
        old_required = set(_required(self.old, old))
        new_required = set(_required(self.new, new))
        for prop, old_prop in old_props.items():
            field = f"{where} .{prop}"
            if prop not in new_props:
                self.add(field, "field removed", breaking=True)
                continue
            if request and prop in new_required - old_required:
                self.add(field, "became required", breaking=True)
            if not request and prop in old_required - new_required:
                self.add(field, "no longer always present", breaking=True)
            if not request and prop in new_required - old_required:
                self.add(field, "became required (its constructor argument changes)", breaking=True)
            self.compare_schema(field, old_prop, new_props[prop], request=request, depth=depth + 1)
        for prop in new_props.keys() - old_props.keys():
            required = prop in new_required
            if request:
                kind = "required" if required else "optional"
                self.add(f"{where} .{prop}", f"new {kind} request field", breaking=required)
            elif required:
                # The generated model's constructor gains a required argument: code building the
                # model (tests, fakes, the twin) breaks, although the wire stays readable.
                self.add(
                    f"{where} .{prop}",
                    "new required response field (a new constructor argument)",
                    breaking=True,
                )
            else:
                self.add(f"{where} .{prop}", "new response field", breaking=False)
        if "items" in old and "items" in new:
            self.compare_schema(f"{where}[]", old["items"], new["items"], request=request, depth=depth + 1)

    def compare_values(self, where: str, old: dict[str, Any], new: dict[str, Any], *, request: bool) -> None:
        for keyword in ("enum", "x-known-values"):
            old_values = old.get(keyword)
            new_values = new.get(keyword)
            if old_values is None or new_values is None:
                continue
            added = [value for value in new_values if value not in old_values]
            removed = [value for value in old_values if value not in new_values]
            if added:
                # The generated client raises on an enum value it does not know, in a request's or a
                # response's schema alike; x-known-values only document an open string (compatible).
                self.add(where, f"new {keyword} value(s) {added}", breaking=keyword == "enum")
            if removed:
                self.add(where, f"{keyword} value(s) removed {removed}", breaking=request)
        self.compare_bounds(where, old, new, request=request)
        if "const" in old and old.get("const") != new.get("const"):
            self.add(where, f"constant changed {old.get('const')!r} -> {new.get('const')!r}", breaking=True)

    def compare_bounds(self, where: str, old: dict[str, Any], new: dict[str, Any], *, request: bool) -> None:
        """Bounds and patterns: tightened on what we send breaks (the server refuses what passed before).

        On what we receive the generated client checks no bound, so any change there is compatible.
        """
        for keyword in (*_LOWER_BOUNDS, *_UPPER_BOUNDS, "pattern"):
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            if after is None:
                tightened = False
            elif before is None or keyword == "pattern":
                tightened = True
            elif isinstance(before, bool) or isinstance(after, bool):  # exclusiveMinimum: true (3.0)
                tightened = bool(after) and not bool(before)
            else:
                tightened = after > before if keyword in _LOWER_BOUNDS else after < before
            self.add(where, f"{keyword} {before!r} -> {after!r}", breaking=request and tightened)

    def parameters(self, spec: dict[str, Any], operation: dict[str, Any]) -> dict[tuple[str, str], Any]:
        found: dict[tuple[str, str], Any] = {}
        for raw in operation.get("parameters", []):
            param = _resolve(spec, raw)
            found[(param["name"], param["in"])] = param
        return found


def _operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in spec.get("paths", {}).items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` s until a real node is reached."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#/"):
            return {}
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        node = target
    return node


def _json_schema(holder: dict[str, Any]) -> dict[str, Any] | None:
    content = holder.get("content", {})
    for media_type, media in content.items():
        if "json" in media_type:
            schema: dict[str, Any] = media.get("schema", {})
            return schema
    return None


def _split_nullable(spec: dict[str, Any], schema: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Tell whether a schema admits null, and give the schema of its non-null values."""
    types = schema.get("type")
    if isinstance(types, list) and "null" in types:
        rest = [t for t in types if t != "null"]
        return True, {**schema, "type": rest[0] if len(rest) == 1 else rest}
    for keyword in ("oneOf", "anyOf"):
        variants = [_resolve(spec, variant) for variant in schema.get(keyword, [])]
        if any(variant.get("type") == "null" for variant in variants):
            others = [variant for variant in variants if variant.get("type") != "null"]
            if len(others) == 1:
                return True, others[0]
    return False, schema


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        return "|".join(sorted(kind))
    if kind is None and ("properties" in schema or "allOf" in schema):
        return "object"
    return kind


def _properties(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        merged.update(_properties(spec, _resolve(spec, part)))
    return merged


def _required(spec: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    required: list[str] = list(schema.get("required", []))
    for part in schema.get("allOf", []):
        required.extend(_required(spec, _resolve(spec, part)))
    return required
