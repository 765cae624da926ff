"""Small factories of valid API objects for downstream tests: change only what your test is about.

Each starts from a record of the twin's seed data, rendered exactly as the twin (and so the API's
working assumptions) puts it on the wire, merges your overrides (the API's camelCase names; nested
objects merge key by key) and parses the result with the generated models::

    employee(id=7, email="ida@example.com", subscription={"status": "paused"})
    roster_entry("HR-7", email="ida@example.com")  # one row for JobTicket.sync_roster
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from jobticket_twin.representation import document_json, employee_json, integration_json
from jobticket_twin.seed import SeedData, build_seed

if TYPE_CHECKING:
    from jobticket_api.models import Employee, EmployeeDocument, HrIntegration

__all__ = ["document", "employee", "employee_json_body", "hr_integration", "roster_entry"]

_BASE_URL = "http://127.0.0.1:8090"


@functools.cache
def _seed() -> SeedData:
    return build_seed(0)


def _merged(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def employee_json_body(**overrides: Any) -> dict[str, Any]:
    """An Employee as the API sends it (the docs' employee 42, Anna Müller), with ``overrides``."""
    return _merged(employee_json(_seed().employees[42], _BASE_URL), overrides)


def employee(**overrides: Any) -> Employee:
    """A valid ``Employee`` model (see :func:`employee_json_body`)."""
    from jobticket_api.models import Employee  # noqa: PLC0415 - the models load only when used

    return Employee.from_dict(employee_json_body(**overrides))


def document(**overrides: Any) -> EmployeeDocument:
    """A valid ``EmployeeDocument`` model: document 101 of employee 42 (downloadable) with ``overrides``."""
    from jobticket_api.models import EmployeeDocument  # noqa: PLC0415 - the models load only when used

    return EmployeeDocument.from_dict(_merged(document_json(_seed().documents[101], _BASE_URL), overrides))


def hr_integration(**overrides: Any) -> HrIntegration:
    """A valid ``HrIntegration`` model: integration 7 (active) with ``overrides``."""
    from jobticket_api.models import HrIntegration  # noqa: PLC0415 - the models load only when used

    return HrIntegration.from_dict(_merged(integration_json(_seed().integrations[7], _BASE_URL), overrides))


def roster_entry(hr_id: str = "HR-0001", **overrides: Any) -> dict[str, Any]:
    """One valid roster row for ``sync_roster`` (synthetic values; the email follows ``hr_id``)."""
    row: dict[str, Any] = {
        "hrId": hr_id,
        "firstName": "Test",
        "lastName": "Person",
        "email": f"{hr_id.lower()}@example.com",
        "dateOfBirth": "1990-01-01",
    }
    return _merged(row, overrides)
