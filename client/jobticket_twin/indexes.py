"""Indexes of one data version, so a page costs the same at 200,000 employees as at 1,000.

Records and data versions are never changed in place (``state``), so everything here is computed once
per version, when first asked for, and is simply dropped with the version: each sort order of a listing
(per filter, for the employees' ``status`` and ``planType``), the employees by email, the documents by
employee, and the JSON of the records a page shows. A request then slices a ready list and joins ready
bytes; only small candidate sets (the ``ids`` and ``email`` filters, one employee's documents) are sorted
per request.

Orders follow O-11: by the field (strings case-insensitively), ties by id ascending in both directions.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from jobticket_twin.representation import document_json, employee_json, integration_json

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

    from jobticket_twin.models import Document, Employee, Integration

__all__ = [
    "DataIndexes",
    "Record",
    "RecordIndex",
    "SortKey",
    "document_sort_key",
    "employee_sort_key",
    "encode",
    "integration_sort_key",
]

SortKey = str | int
RENDERED_CACHE_SIZE = 20_000  # records' JSON kept per version, whatever the base URLs: 200 pages, ~20 MB


class Record(Protocol):
    """What every record has: its id."""

    @property
    def id(self) -> int:
        """The record's id (its key, and the tie-breaker of every order)."""
        ...


R = TypeVar("R", bound=Record)


def encode(value: Any) -> bytes:
    """JSON bytes exactly as Starlette's ``JSONResponse`` writes them (compact, UTF-8, no NaN)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


class RecordIndex(Generic[R]):
    """One kind of record of a data version: its sort orders and the JSON of its records."""

    def __init__(
        self,
        records: Iterable[R],
        sort_key: Callable[[R, str], SortKey],
        render: Callable[[R, str], dict[str, Any]],
    ) -> None:
        self.in_id_order: list[R] = sorted(records, key=attrgetter("id"))
        self._sort_key = sort_key
        self._render = render
        self._orders: dict[tuple[str, bool, Hashable], list[R]] = {}
        self._rendered: dict[tuple[str, int], bytes] = {}

    def ordered(
        self,
        field: str,
        descending: bool,
        subset: tuple[Hashable, Callable[[R], bool]] | None = None,
    ) -> Sequence[R]:
        """All records (or the ``subset`` named by its key and chosen by its test) in one order, cached."""
        name = None if subset is None else subset[0]
        found = self._orders.get((field, descending, name))
        if found is None:
            if subset is None:
                found = self.sort(self.in_id_order, field, descending)
            else:
                found = [record for record in self.ordered(field, descending) if subset[1](record)]
            if found or subset is None:  # only values the data holds are kept: a query cannot grow this
                self._orders[field, descending, name] = found
        return found

    def sort(self, records: Iterable[R], field: str, descending: bool) -> list[R]:
        """``records`` (in id order) sorted by ``field``; the sort is stable, so ties stay by id."""
        return sorted(records, key=lambda record: self._sort_key(record, field), reverse=descending)

    def json(self, record: R, base_url: str) -> bytes:
        """The record's JSON as the API shows it, with links from ``base_url`` (kept for later pages)."""
        key = (base_url, record.id)  # the base URL comes from the request's Host: it is part of the key
        found = self._rendered.get(key)
        if found is None:
            if len(self._rendered) >= RENDERED_CACHE_SIZE:  # drop the oldest: a walk moves on
                del self._rendered[next(iter(self._rendered))]
            found = self._rendered[key] = encode(self._render(record, base_url))
        return found


class DataIndexes:
    """The indexes of one data version, each built on first use."""

    def __init__(
        self,
        employees: Mapping[int, Employee],
        documents: Mapping[int, Document],
        integrations: Mapping[int, Integration],
    ) -> None:
        self._sources = (employees, documents, integrations)

    @functools.cached_property
    def employees(self) -> RecordIndex[Employee]:
        """The employees: sort orders and JSON."""
        return RecordIndex(self._sources[0].values(), employee_sort_key, employee_json)

    @functools.cached_property
    def documents(self) -> RecordIndex[Document]:
        """The documents: sort orders and JSON."""
        return RecordIndex(self._sources[1].values(), document_sort_key, document_json)

    @functools.cached_property
    def integrations(self) -> RecordIndex[Integration]:
        """The HR integrations: sort orders and JSON."""
        return RecordIndex(self._sources[2].values(), integration_sort_key, integration_json)

    @functools.cached_property
    def employees_by_email(self) -> Mapping[str, list[Employee]]:
        """Employees by case-folded email, each list in id order."""
        return _grouped(self.employees.in_id_order, lambda employee: employee.email.casefold())

    @functools.cached_property
    def documents_by_employee(self) -> Mapping[int, list[Document]]:
        """Documents by employee id, each list in id order."""
        return _grouped(self.documents.in_id_order, attrgetter("employee_id"))


def employee_sort_key(employee: Employee, field: str) -> SortKey:
    """An employee's value for ``sortField`` (strings case-folded)."""
    if field == "id":
        return employee.id
    names = {"firstName": employee.first_name, "lastName": employee.last_name, "email": employee.email}
    return names[field].casefold()


def document_sort_key(document: Document, field: str) -> SortKey:
    """A document's value for ``sortField``."""
    if field == "id":
        return document.id
    return {
        "documentName": document.name.casefold(),
        "createdAt": document.created_at,
        "updatedAt": document.updated_at,
    }[field]


def integration_sort_key(integration: Integration, field: str) -> SortKey:
    """An HR integration's value for ``sortField``."""
    if field == "id":
        return integration.id
    return {"name": integration.name.casefold(), "createdAt": integration.created_at}[field]


K = TypeVar("K")
V = TypeVar("V")


def _grouped(values: Iterable[V], key: Callable[[V], K]) -> dict[K, list[V]]:
    groups: defaultdict[K, list[V]] = defaultdict(list)
    for value in values:
        groups[key(value)].append(value)
    return dict(groups)
