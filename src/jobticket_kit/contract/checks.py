"""Pure helpers the named checks share: list paths, orderings, synthetic rosters."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "LIST_OPERATIONS",
    "is_ordered",
    "list_path",
    "synthetic_employee",
]

LIST_OPERATIONS = ("listEmployees", "listEmployeeDocuments", "listAllDocuments", "listHrIntegrations")


def list_path(operation_id: str, employee_id: int) -> str:
    """The path of a list operation (``employee_id`` fills List Employee Documents)."""
    return {
        "listEmployees": "/employees",
        "listEmployeeDocuments": f"/employees/{employee_id}/documents",
        "listAllDocuments": "/employee-documents",
        "listHrIntegrations": "/hr-integrations",
    }[operation_id]


def _plain(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


_COLLATIONS: tuple[Callable[[str], str], ...] = (lambda value: value, str.casefold, _plain)


def is_ordered(values: Sequence[Any], *, descending: bool) -> bool:
    """Whether ``values`` are sorted; strings may use any common collation (codepoint, casefold, accents)."""
    if all(isinstance(value, int | float) for value in values):
        return list(values) == sorted(values, reverse=descending)
    texts = [str(value) for value in values]
    return any(
        [collate(text) for text in texts] == sorted((collate(text) for text in texts), reverse=descending)
        for collate in _COLLATIONS
    )


def synthetic_employee(tag: str, number: int, **overrides: Any) -> dict[str, Any]:
    """A roster item that can only be synthetic: example.com address, ``contract-`` hrId."""
    item: dict[str, Any] = {
        "firstName": f"Probe{number}",
        "lastName": f"Contract{tag}",
        "email": f"contract.{tag}.{number}@example.com",
        "hrId": f"contract-{tag}-{number}",
        "profileImage": None,
        "dateOfBirth": None,
        "startDate": "2024-01-01",
        "terminationDate": None,
        "autoSyncEmployee": None,
        "absences": [],
    }
    item.update(overrides)
    return item
