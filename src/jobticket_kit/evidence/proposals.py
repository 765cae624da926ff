"""The rules that turn accumulated vendor evidence into proposed spec changes, and what needs a human.

Only the vendor's history counts (runs against the twin the kit starts itself never do), and a change
needs sightings on at least ``min_runs`` runs (default 2). Proposals are computed against the spec as
it is now, so what the spec already says (an applied overlay included) is never proposed again:

- ``new-property``: a property the spec does not declare, with the JSON types seen (nested names and
  types included), optional, ``x-confidence: observed``; never a value, and never marked
  ``x-personal: false`` (an undeclared field counts as personal);
- ``new-known-value``: a value of a vocabulary the spec lists in ``x-known-values`` (or ``enum``);
- ``nullable``: null seen where the property's ``type`` does not allow it;
- ``new-status``: a status the operation answered that the spec does not document (server errors
  are outages, never proposed), with the body's shape (the ``Error`` schema when it fits);
- ``refuted-assumption``: a working assumption the runs contradicted (the ledger's verdict or an
  element's own evidence), noted (``x-refuted``) on every node of its open point not marked ``doc``,
  with what was observed;
- ``observed``: ``x-confidence`` raised from ``inferred`` or ``open`` to ``observed`` (with the date)
  for an element seen as the spec says on enough runs, or whose open point the checks confirmed.

Nothing marked ``x-confidence: doc`` is changed from traffic: evidence that contradicts documented
behaviour becomes a :class:`Flag` for a human, as do changes no rule may make (a type change, a
required property that was absent, a format that does not match, null on a ``$ref``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jobticket_kit.evidence.store import History, Tally, parse_time
from jobticket_kit.evidence.walk import SpecView, pointer_of, pointer_parts
from jobticket_kit.spec.paths import HTTP_METHODS

__all__ = [
    "ANNOTATIONS",
    "DEFAULT_MIN_RUNS",
    "SHAPE_CHANGES",
    "TRANSPORT_HEADERS",
    "Flag",
    "Pending",
    "Proposal",
    "Review",
    "jsonpath",
    "review",
]

DEFAULT_MIN_RUNS = 2
SHAPE_CHANGES = ("new-property", "new-known-value", "nullable", "new-status")
ANNOTATIONS = ("refuted-assumption", "observed")
OBSERVED = "observed"
_RAISABLE = frozenset({"inferred", "open"})
_SHORTHAND = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FIELD = re.compile(r"field:(?P<path>.*):(?P<type>[a-z]+)")
_ERROR_FIELDS = frozenset({"message", "errors"})
#: Headers of HTTP itself, which no API description documents.
TRANSPORT_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "date",
        "server",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "vary",
    }
)


@dataclass(frozen=True)
class Proposal:
    """One proposed change: an overlay action, with what it rests on."""

    kind: str
    target: str
    update: Any
    summary: str
    evidence: Tally
    open_point: str | None = None
    details: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        """Stable across nights: the kind, the target and the change, without dates."""
        key = json.dumps([self.kind, self.target, _undated(self.update)], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Flag:
    """Evidence no rule may act on: a contradiction of documented behaviour, or a change for a human."""

    kind: str
    element: str
    summary: str
    evidence: Tally
    open_point: str | None = None


@dataclass(frozen=True)
class Pending:
    """An observation that would be proposed, seen on fewer runs than the rule needs so far."""

    kind: str
    element: str
    summary: str
    evidence: Tally


@dataclass
class Review:
    """Everything the evidence says about the spec: proposals, flags, pending, undocumented headers.

    Flags are for a human; pending observations wait for more runs; response headers the spec does not
    document are listed by name only, and no change is proposed for them.
    """

    proposals: list[Proposal] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    headers: list[Pending] = field(default_factory=list)

    @property
    def shape_changes(self) -> list[Proposal]:
        """The proposals that change the API's shape (confidence and refutation notes aside)."""
        return [proposal for proposal in self.proposals if proposal.kind in SHAPE_CHANGES]


def jsonpath(pointer: str, document: Any) -> str:
    """The RFC 9535 JSONPath of one node of ``document``, from its JSON pointer.

    ``/paths/~1employees/get/responses/200`` becomes ``$.paths['/employees'].get.responses['200']``:
    a member name in brackets unless it is a plain identifier, an index only inside an array.
    """
    path, node = "$", document
    for part in pointer_parts(pointer):
        if isinstance(node, list):
            path += f"[{int(part)}]"
            node = node[int(part)] if int(part) < len(node) else None
            continue
        if _SHORTHAND.fullmatch(part):
            path += f".{part}"
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            path += f"['{escaped}']"
        node = node.get(part) if isinstance(node, Mapping) else None
    return path


def review(history: History, spec: Mapping[str, Any], *, min_runs: int = DEFAULT_MIN_RUNS) -> Review:
    """What the vendor evidence in ``history`` proposes for ``spec``, flags and leaves pending."""
    return _Rules(history, SpecView(spec), min_runs).run()


class _Rules:
    def __init__(self, history: History, spec: SpecView, min_runs: int) -> None:
        self.history = history
        self.spec = spec
        self.min_runs = min_runs
        self.result = Review()
        self.contradicted: dict[str, list[tuple[str, Tally]]] = {}  # open point -> what contradicted it
        self.troubled: set[str] = set()  # pointers of nodes with contradicting evidence
        self.raised: dict[str, Proposal] = {}

    def run(self) -> Review:
        elements = sorted(self.history.elements.items())
        for name, facets in elements:
            kind, _, rest = name.partition(" ")
            if kind == "property":
                self.property(rest, facets)
            elif kind == "response":
                operation_id, _, status = rest.rpartition(" ")
                if status.isdigit():
                    self.response(name, operation_id, int(status), facets)
        for name, facets in elements:
            kind, _, rest = name.partition(" ")
            if kind == "object":
                self.object(rest, facets)
        points = {name.partition(" ")[2] for name, _ in elements if name.startswith("open-point ")}
        for point in sorted(points | set(self.contradicted)):
            self.open_point(point, self.history.facets(f"open-point {point}"))
        self.result.proposals.extend(self.raised.values())
        order = {kind: index for index, kind in enumerate((*SHAPE_CHANGES, *ANNOTATIONS))}
        self.result.proposals.sort(key=lambda proposal: (order[proposal.kind], proposal.target))
        return self.result

    # -- properties -------------------------------------------------------------------------------

    def property(self, pointer: str, facets: Mapping[str, Tally]) -> None:
        definition = self.spec.node(pointer)
        parent_pointer, _, _ = pointer.rpartition("/properties/")
        name = pointer_parts(pointer)[-1]
        if definition is None:
            self.new_property(pointer, parent_pointer, name, facets)
            return
        resolved, _ = self.spec.resolve(definition, pointer)
        confidence = _confidence(definition, resolved)
        point = _open_point(definition, resolved)
        where = _element_name(pointer)
        problems: list[tuple[str, str, Tally]] = []  # (rule kind, summary, tally)

        allowed = self.spec.allowed_types(definition, pointer)
        null = facets.get("null")
        if null is not None and allowed is not None and "null" not in allowed:
            if confidence != "doc" and _plain_type(definition):
                problems.append(("nullable", f"null seen at {where}, whose type does not allow it", null))
            else:
                problems.append(("flag", f"null seen at {where}, whose type does not allow it", null))
        for facet, tally in facets.items():
            seen_type = facet.removeprefix("type:")
            if (
                facet.startswith("type:")
                and seen_type != "null"
                and allowed is not None
                and seen_type not in allowed
            ):
                problems.append(
                    ("flag", f"{where} was {seen_type}; the spec allows {_types(allowed)}", tally)
                )
        if "format:mismatch" in facets:
            fmt = _format_of(resolved)
            problems.append(("flag", f"{where} did not match its format {fmt}", facets["format:mismatch"]))
        parent = self.spec.node(parent_pointer) or {}
        if "absent" in facets and name in (parent.get("required") or []):
            problems.append(("flag", f"{where} was absent, though the spec requires it", facets["absent"]))
        known = _known_values(resolved)
        for facet, tally in facets.items():
            value = facet.removeprefix("value:")
            if facet.startswith("value:") and known is not None and value not in known:
                problems.append(("value", value, tally))

        for rule, text, tally in problems:
            self.troubled.add(pointer)
            if point is not None and confidence != "doc":
                summary = f"value {text!r} of {where}" if rule == "value" else text
                self.contradicted.setdefault(point, []).append((summary, tally))
            if rule == "nullable":
                self.nullable(pointer, definition, text, tally, point)
            elif rule == "value":
                self.new_value(pointer, text, tally)
            else:
                self.flag(confidence, f"property {pointer}", text, tally, point)
        present = facets.get("present")
        if not problems and present is not None and "x-confidence" in definition:
            self.raise_confidence(pointer, definition, f"{where} seen as the spec says", present)

    def new_property(self, pointer: str, parent_pointer: str, name: str, facets: Mapping[str, Tally]) -> None:
        parent = self.spec.node(parent_pointer)
        present = facets.get("present")
        if not isinstance(parent, Mapping) or present is None:
            return  # the spec moved: the object this property was seen on is gone
        types = {facet.removeprefix("type:") for facet in facets if facet.startswith("type:")}
        fields = _fields(facets)
        schema = _inferred(types, fields, "", present)
        where = _element_name(pointer)
        summary = f"new optional property {where} ({_describe(schema)})"
        if not self.enough(present):
            self.pend("new-property", f"property {pointer}", summary, present)
            return
        schema = {
            **schema,
            "description": f"Not in the vendor's documentation; observed on {present.runs} runs "
            f"({_day(present.first_seen)} to {_day(present.last_seen)}).",
        }
        if isinstance(parent.get("properties"), Mapping):
            target, update = self.path(f"{parent_pointer}/properties"), {name: schema}
        else:
            target, update = self.path(parent_pointer), {"properties": {name: schema}}
        self.propose(Proposal("new-property", target, update, summary, present))

    def nullable(
        self, pointer: str, definition: Mapping[str, Any], text: str, tally: Tally, point: str | None
    ) -> None:
        declared = definition["type"]
        types = [*declared] if isinstance(declared, list) else [declared]
        summary = f"{_element_name(pointer)} may be null ({text})"
        if not self.enough(tally):
            self.pend("nullable", f"property {pointer}", summary, tally)
            return
        self.propose(
            Proposal("nullable", self.path(pointer), {"type": [*types, "null"]}, summary, tally, point)
        )

    def new_value(self, pointer: str, value: str, tally: Tally) -> None:
        definition = self.spec.node(pointer)
        resolved, at = self.spec.resolve(definition, pointer)
        confidence, point = _confidence(definition, resolved), _open_point(definition, resolved)
        where = _element_name(pointer)
        summary = f"new value {value!r} of {where}"
        if confidence == "doc" or not any(key in resolved for key in ("x-known-values", "enum")):
            self.flag(
                confidence,
                f"property {pointer}",
                f"value {value!r} of {where} is not in the spec",
                tally,
                point,
            )
            return
        if not self.enough(tally):
            self.pend("new-known-value", f"property {pointer}", summary, tally)
            return
        key = "x-known-values" if "x-known-values" in resolved else "enum"
        self.propose(Proposal("new-known-value", self.path(f"{at}/{key}"), value, summary, tally, point))

    # -- objects, responses, operations ------------------------------------------------------------

    def object(self, pointer: str, facets: Mapping[str, Tally]) -> None:
        node = self.spec.node(pointer)
        seen = facets.get("seen")
        if not isinstance(node, Mapping) or seen is None or "x-confidence" not in node:
            return
        inside = f"{pointer}/properties/"
        if any(troubled.startswith(inside) for troubled in self.troubled):
            return
        undeclared = [
            name
            for name in self.history.elements
            if name.startswith(f"property {inside}") and self.spec.node(name.partition(" ")[2]) is None
        ]
        if not undeclared:
            self.raise_confidence(pointer, node, f"{_element_name(pointer)} seen as the spec says", seen)

    def response(self, element: str, operation_id: str, status: int, facets: Mapping[str, Tally]) -> None:
        found = self.operation(operation_id)
        answered = facets.get("answered")
        if found is None or answered is None:
            return
        path, method, operation = found
        documented = operation.get("responses") or {}
        if str(status) not in documented:
            if status >= 500:
                return
            self.new_status(element, status, facets)
            return
        node_pointer = pointer_of("paths", path, method, "responses", str(status))
        node, at = self.spec.resolve(documented[str(status)], node_pointer)
        known = (
            {str(name).lower() for name in (node.get("headers") or {})}
            if isinstance(node, Mapping)
            else set()
        )
        for facet, seen in facets.items():
            name = facet.removeprefix("header:")
            if facet.startswith("header:") and name not in known | TRANSPORT_HEADERS:
                self.result.headers.append(
                    Pending("header", element, f"{operation_id} {status}: {name}", seen)
                )
        if isinstance(node, Mapping) and "x-confidence" in node:
            self.raise_confidence(at, node, f"{operation_id} answered {status}", answered)
        if 200 <= status < 300 and self.confirmed(operation.get("x-open-point")):
            self.raise_confidence(
                pointer_of("paths", path, method), operation, f"{operation_id} answered {status}", answered
            )

    def confirmed(self, point: Any) -> bool:
        """No open point, or one the checks confirmed on enough runs and never refuted."""
        if point is None:
            return True
        facets = self.history.facets(f"open-point {point}")
        confirmed = facets.get("confirmed")
        return confirmed is not None and self.enough(confirmed) and "refuted" not in facets

    def new_status(self, element: str, status: int, facets: Mapping[str, Tally]) -> None:
        operation_id = element.split(" ")[1]
        path, method, _ = self.operation(operation_id) or ("", "", {})
        answered = facets["answered"]
        summary = f"{operation_id} answers {status}, which the spec does not document"
        if not self.enough(answered):
            self.pend("new-status", element, summary, answered)
            return
        response: dict[str, Any] = {
            "description": f"Not in the vendor's documentation; answered on {answered.runs} runs "
            f"({_day(answered.first_seen)} to {_day(answered.last_seen)}).",
            "x-confidence": OBSERVED,
            "x-observed-on": _day(answered.last_seen),
        }
        fields = _fields(facets)
        if fields:
            names = {path.split(".")[0].split("[")[0] for path in fields}
            if "message" in fields and fields["message"] == {"string"} and names <= _ERROR_FIELDS:
                schema: dict[str, Any] = {"$ref": "#/components/schemas/Error"}
            else:
                schema = _inferred({"object"}, fields, "", answered)
            response["content"] = {"application/json": {"schema": schema}}
        target = self.path(pointer_of("paths", path, method, "responses"))
        self.propose(Proposal("new-status", target, {str(status): response}, summary, answered))

    def operation(self, operation_id: str) -> tuple[str, str, Mapping[str, Any]] | None:
        for path, item in (self.spec.raw.get("paths") or {}).items():
            for method in HTTP_METHODS:
                operation = item.get(method) if isinstance(item, Mapping) else None
                if isinstance(operation, Mapping) and operation.get("operationId") == operation_id:
                    return str(path), method, operation
        return None

    # -- open points ------------------------------------------------------------------------------

    def open_point(self, point: str, facets: Mapping[str, Tally]) -> None:
        refuted = facets.get("refuted")
        observed = self.contradicted.get(point, [])
        if refuted is None and not observed:
            confirmed = facets.get("confirmed")
            if confirmed is not None and self.enough(confirmed):
                self.raise_open_point(point, confirmed)
            return
        lines = [f"{summary} ({tally.runs} runs)" for summary, tally in observed]
        checks = sorted(facet.partition(":")[2] for facet in facets if facet.startswith("refuted-by:"))
        if checks:
            lines.append("checks that failed: " + ", ".join(checks))
        tallies = [tally for _, tally in observed] + ([refuted] if refuted is not None else [])
        evidence = max(tallies, key=lambda tally: (tally.runs, tally.sightings))
        summary = f"the working assumption of {point} is contradicted"
        if not self.enough(evidence):
            self.pend("refuted-assumption", f"open-point {point}", summary, evidence)
            return
        if not [
            node
            for _, node in _nodes_with(self.spec.raw, "x-open-point", point)
            if node.get("x-confidence") != "doc"
        ]:
            self.flag("doc", f"open-point {point}", f"{summary}: {'; '.join(lines)}", evidence, point)
            return
        if self.noted(point, _day(evidence.last_seen)):
            return
        update = {
            "x-refuted": {
                "last-seen": _day(evidence.last_seen),
                "runs": evidence.runs,
                "observed": lines or [f"the checks of {point} failed"],
            }
        }
        target = f"$..[?@['x-open-point'] == '{point}' && @['x-confidence'] != 'doc']"
        self.propose(Proposal("refuted-assumption", target, update, summary, evidence, point, tuple(lines)))

    def noted(self, point: str, day: str) -> bool:
        """Whether every node of the open point already notes a refutation seen on ``day`` or later."""
        nodes = _nodes_with(self.spec.raw, "x-open-point", point)
        notes = [node.get("x-refuted") for _, node in nodes if node.get("x-confidence") != "doc"]
        return bool(notes) and all(
            isinstance(note, Mapping) and str(note.get("last-seen", "")) >= day for note in notes
        )

    def raise_open_point(self, point: str, confirmed: Tally) -> None:
        """Raise the open or inferred nodes of a confirmed open point that answers do not speak for.

        Schemas and responses are raised by what the answers showed (a status never answered is not
        confirmed by a check that passed); parameters, headers and the like by the checks alone.
        """
        for pointer, node in _nodes_with(self.spec.raw, "x-open-point", point):
            parts = pointer_parts(pointer)
            answered_for = parts[:1] == ["paths"] and "responses" in parts[:4] and parts[-2:-1] != ["headers"]
            if pointer in self.troubled or parts[:2] in (
                ["components", "schemas"],
                ["components", "responses"],
            ):
                continue
            if answered_for:
                continue
            self.raise_confidence(pointer, node, f"the checks of {point} confirmed it", confirmed)

    # -- helpers ----------------------------------------------------------------------------------

    def raise_confidence(self, pointer: str, node: Mapping[str, Any], why: str, tally: Tally) -> None:
        if node.get("x-confidence") not in _RAISABLE or not self.enough(tally) or pointer in self.raised:
            return
        update = {"x-confidence": OBSERVED, "x-observed-on": _day(tally.last_seen)}
        summary = f"{_element_name(pointer)}: {node['x-confidence']} → observed ({why})"
        point = node.get("x-open-point")
        self.raised[pointer] = Proposal(OBSERVED, self.path(pointer), update, summary, tally, point)

    def path(self, pointer: str) -> str:
        return jsonpath(pointer, self.spec.raw)

    def enough(self, tally: Tally) -> bool:
        return tally.runs >= self.min_runs

    def propose(self, proposal: Proposal) -> None:
        self.result.proposals.append(proposal)

    def pend(self, kind: str, element: str, summary: str, tally: Tally) -> None:
        self.result.pending.append(Pending(kind, element, summary, tally))

    def flag(self, confidence: str | None, element: str, text: str, tally: Tally, point: str | None) -> None:
        if confidence == "doc":
            self.result.flags.append(
                Flag("contradicts-doc", element, f"{text} (documented behaviour)", tally, point)
            )
        else:
            self.result.flags.append(Flag("needs-a-human", element, text, tally, point))


def _confidence(definition: Mapping[str, Any], resolved: Mapping[str, Any]) -> str | None:
    value = definition.get("x-confidence", resolved.get("x-confidence"))
    return str(value) if value is not None else None


def _open_point(definition: Mapping[str, Any], resolved: Mapping[str, Any]) -> str | None:
    value = definition.get("x-open-point", resolved.get("x-open-point"))
    return str(value) if value is not None else None


def _plain_type(definition: Mapping[str, Any]) -> bool:
    """A property with its own ``type`` (no ``$ref`` or composition): null can be added to it."""
    return "type" in definition and not any(key in definition for key in ("$ref", "oneOf", "anyOf", "allOf"))


def _known_values(resolved: Mapping[str, Any]) -> set[str] | None:
    """The values a vocabulary field knows, or None when the field is no vocabulary."""
    if "x-known-values" in resolved:
        return {str(value) for value in resolved["x-known-values"]}
    if "enum" in resolved:
        return {str(value) for value in resolved["enum"]}
    if "const" in resolved:
        return {str(resolved["const"])}
    return None


def _format_of(resolved: Mapping[str, Any]) -> str:
    return str(resolved.get("format", "?"))


def _fields(facets: Iterable[str]) -> dict[str, set[str]]:
    fields: dict[str, set[str]] = {}
    for facet in facets:
        match = _FIELD.fullmatch(facet)
        if match is not None:
            fields.setdefault(match["path"], set()).add(match["type"])
    return fields


def _inferred(types: set[str], fields: Mapping[str, set[str]], path: str, tally: Tally) -> dict[str, Any]:
    """A schema from JSON types seen (nested names included), each property ``x-confidence: observed``."""
    concrete = sorted(types - {"null"})
    if {"integer", "number"} <= set(concrete):
        concrete.remove("integer")
    schema: dict[str, Any] = {}
    if concrete:
        names = [*concrete, "null"] if "null" in types else concrete
        schema["type"] = names[0] if len(names) == 1 else names
    elif "null" in types:
        schema["type"] = "null"
    if "object" in concrete:
        children = sorted(
            name
            for name in fields
            if name.startswith(f"{path}.") or (not path and "." not in name and "[" not in name)
        )
        properties = {}
        for child in children:
            rest = child[len(path) + 1 :] if path else child
            if rest and not re.search(r"[.\[]", rest):
                inner = _inferred(fields[child], fields, child, tally)
                properties[rest] = {**inner, "x-confidence": OBSERVED, "x-observed-on": _day(tally.last_seen)}
        if properties:
            schema["properties"] = properties
    if "array" in concrete and f"{path}[]" in fields:
        schema["items"] = _inferred(fields[f"{path}[]"], fields, f"{path}[]", tally)
    if path == "":
        schema.update({"x-confidence": OBSERVED, "x-observed-on": _day(tally.last_seen)})
    return schema


def _describe(schema: Mapping[str, Any]) -> str:
    declared = schema.get("type", "any type")
    return " or ".join(declared) if isinstance(declared, list) else str(declared)


def _types(types: set[str]) -> str:
    return ", ".join(sorted(types))


def _element_name(pointer: str) -> str:
    """A short readable name: ``Employee.costCenter``, ``GET /employees/{id} 404``, else the pointer."""
    parts = pointer_parts(pointer)
    if parts[:2] == ["components", "schemas"] and len(parts) >= 3:
        names = [
            parts[2],
            *(part for index, part in enumerate(parts[3:], 3) if parts[index - 1] == "properties"),
        ]
        return ".".join(names)
    if parts[:1] == ["paths"] and len(parts) >= 3:
        name = f"{parts[2].upper()} {parts[1]}"
        return (
            f"{name} {parts[4]}"
            if len(parts) == 5 and parts[3] == "responses"
            else name
            if len(parts) == 3
            else pointer
        )
    return pointer


def _nodes_with(
    node: Any, key: str, value: str, pointer: str = ""
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        if node.get(key) == value:
            yield pointer, node
        for name, child in node.items():
            yield from _nodes_with(child, key, value, f"{pointer}/{pointer_of(str(name))[1:]}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _nodes_with(child, key, value, f"{pointer}/{index}")


def _day(moment: str) -> str:
    return parse_time(moment).date().isoformat()


def _undated(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            key: _undated(item)
            for key, item in value.items()
            if key not in ("x-observed-on", "description", "last-seen", "runs", "observed")
        }
    if isinstance(value, list):
        return [_undated(item) for item in value]
    return value
