"""What the contract suite reads from the pinned spec: operations, their marks, open points, vocabularies.

Everything the suite decides per operation (destructive or not, which permissions, which open point)
comes from the spec's vendor extensions, so a change in ``openapi/`` changes the suite with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from jobticket_kit.checkout import Layout
from jobticket_kit.spec.paths import HTTP_METHODS, path_pattern
from jobticket_kit.spec.refs import resolve_pointer

__all__ = [
    "LIST_OPERATIONS",
    "SPEC_PATH",
    "ContractSpec",
    "KnownValues",
    "Operation",
    "list_path",
    "load_spec",
]


SPEC_PATH = Layout.current().spec
_OPEN_POINT = re.compile(r"^O-(\d+)$")


@dataclass(frozen=True)
class Operation:
    """One API operation as the suite sees it."""

    operation_id: str
    method: str
    path: str
    permissions: tuple[str, ...]
    destructive: bool
    open_point: str | None
    list_sort_fields: tuple[str, ...]

    @property
    def label(self) -> str:
        """Schemathesis' name for it, e.g. ``GET /employees/{id}``."""
        return f"{self.method.upper()} {self.path}"

    @property
    def needs_auth(self) -> bool:
        """Everything but Health Check requires Basic auth [DOC]."""
        return self.operation_id != "healthCheck"

    def matches(self, method: str, path: str) -> bool:
        """Whether a concrete request (``GET``, ``/employees/42``) is a call of this operation."""
        return method.lower() == self.method and path_pattern(self.path).fullmatch(path) is not None


@dataclass(frozen=True)
class KnownValues:
    """An open vocabulary: where it lives, its known values and the open point it belongs to."""

    name: str
    values: frozenset[str]
    open_point: str


class ContractSpec:
    """The parsed spec plus the lookups the suite needs."""

    def __init__(self, raw: Mapping[str, Any], path: Path = SPEC_PATH) -> None:
        self.raw = raw
        self.path = path
        self.operations = tuple(self._operations())
        self.open_points = self._open_points()

    def operation(self, operation_id: str) -> Operation:
        """The operation with this ``operationId``."""
        for operation in self.operations:
            if operation.operation_id == operation_id:
                return operation
        raise KeyError(operation_id)

    def labelled(self, label: str | None) -> Operation | None:
        """The operation schemathesis calls ``label`` (``GET /employees/{id}``), if any."""
        return next((operation for operation in self.operations if operation.label == label), None)

    def operation_id_of(self, label: str | None) -> str | None:
        """The operation id behind a schemathesis label: the label itself when no operation has it."""
        if not label:
            return None
        operation = self.labelled(label)
        return operation.operation_id if operation is not None else label

    def operation_for(self, method: str, path: str) -> Operation | None:
        """The operation a concrete request calls, if any (literal paths win over templated ones)."""
        candidates = [op for op in self.operations if op.matches(method, path)]
        candidates.sort(key=lambda op: op.path.count("{"))
        return candidates[0] if candidates else None

    def open_point_at(self, pointer: str | None) -> str | None:
        """The open point of the schema node at a JSON pointer (``/components/schemas/...``), if any."""
        if not pointer:
            return None
        try:
            node = resolve_pointer(self.raw, pointer if pointer.startswith("/") else f"/{pointer}")
        except LookupError:
            return None
        point = node.get("x-open-point") if isinstance(node, dict) else None
        return point if isinstance(point, str) else None

    def known_values(self) -> dict[str, KnownValues]:
        """Open vocabularies by schema location, e.g. ``Subscription.status``."""
        found: dict[str, KnownValues] = {}
        for schema_name, schema in self.raw["components"]["schemas"].items():
            for prop, definition in (schema.get("properties") or {}).items():
                if "x-known-values" in definition:
                    name = f"{schema_name}.{prop}"
                    found[name] = KnownValues(
                        name=name,
                        values=frozenset(definition["x-known-values"]),
                        open_point=definition.get("x-open-point", ""),
                    )
        return found

    def _operations(self) -> Iterator[Operation]:
        for path, item in self.raw["paths"].items():
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                op = item[method]
                yield Operation(
                    operation_id=op["operationId"],
                    method=method,
                    path=path,
                    permissions=tuple(op.get("x-permissions", ())),
                    destructive=bool(op.get("x-destructive", False)),
                    open_point=op.get("x-open-point"),
                    list_sort_fields=self._sort_fields(op),
                )

    def _sort_fields(self, op: Mapping[str, Any]) -> tuple[str, ...]:
        for parameter in op.get("parameters", ()):
            resolved = self.resolve(parameter)
            if resolved.get("name") == "sortField":
                return tuple(self.resolve(resolved["schema"])["enum"])
        return ()

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow a local ``$ref`` (one level at a time, until none is left)."""
        while "$ref" in node:
            target: Any = self.raw
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def _open_points(self) -> dict[str, str]:
        """Every open point the spec names, with the distinct working assumptions stated for it."""
        found: dict[str, dict[str, None]] = {}

        def walk(node: object) -> None:
            if isinstance(node, dict):
                point = node.get("x-open-point")
                if isinstance(point, str) and _OPEN_POINT.match(point):
                    texts = found.setdefault(point, {})
                    if node.get("x-assumption"):
                        texts[" ".join(str(node["x-assumption"]).split())] = None
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.raw)
        ordered = sorted(found.items(), key=lambda item: int(item[0][2:]))
        return {point: " / ".join(texts) for point, texts in ordered}


@cache
def load_spec(path: Path = SPEC_PATH) -> ContractSpec:
    """Parse the pinned spec once per process."""
    with path.open(encoding="utf-8") as handle:
        return ContractSpec(yaml.safe_load(handle), path)


LIST_OPERATIONS = ("listEmployees", "listEmployeeDocuments", "listAllDocuments", "listHrIntegrations")


def list_path(operation_id: str, employee_id: int) -> str:
    """The path of a list operation (``employee_id`` fills List Employee Documents)."""
    return {
        "listEmployees": "/employees",
        "listEmployeeDocuments": f"/employees/{employee_id}/documents",
        "listAllDocuments": "/employee-documents",
        "listHrIntegrations": "/hr-integrations",
    }[operation_id]
