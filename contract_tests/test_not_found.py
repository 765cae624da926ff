"""404 for ids that do not exist, for ids that are not integers (O-34) and for unknown routes."""

from __future__ import annotations

from typing import Any

import pytest

from jobticket_kit.contract.run_state import Api, ContractRun
from jobticket_kit.contract.synthetic import synthetic_employee

pytestmark = pytest.mark.statuses

_UNKNOWN = 9_000_000_000


@pytest.mark.parametrize(
    ("operation_id", "path"),
    [
        ("getEmployee", "/employees/{unknown}"),
        pytest.param(
            "listEmployeeDocuments", "/employees/{unknown}/documents", marks=pytest.mark.open_point("O-10")
        ),
        ("getDocument", "/employee-documents/{unknown}"),
        ("downloadDocument", "/employee-documents/{unknown}/download"),
        pytest.param("getHrIntegration", "/hr-integrations/{unknown}", marks=pytest.mark.open_point("O-7")),
    ],
)
def test_unknown_id_is_404(api: Api, operation_id: str, path: str) -> None:
    """An id that names nothing in the company is 404 [DOC]."""
    response = api.get(path.format(unknown=_UNKNOWN))
    assert response.status_code == 404, f"{operation_id} unknown id -> {response.status_code}"


@pytest.mark.open_point("O-34")
@pytest.mark.parametrize(
    ("operation_id", "path"),
    [
        ("getEmployee", "/employees/abc"),
        ("getDocument", "/employee-documents/1.5"),
        ("getHrIntegration", "/hr-integrations/x"),
    ],
)
def test_non_integer_id_is_404(api: Api, operation_id: str, path: str) -> None:
    """A path id that is not an integer is 404."""
    response = api.get(path)
    assert response.status_code == 404, f"{path} -> {response.status_code}"


@pytest.mark.destructive
@pytest.mark.operation("triggerHrSync")
def test_sync_of_unknown_integration_is_404(api: Api, twin_reset_after: None) -> None:
    """Trigger HR Sync on an integration that does not exist is 404 and touches nothing."""
    body: dict[str, Any] = {"syncId": "contract-unknown", "employees": [synthetic_employee("unknown", 1)]}
    # Never sync an integration outside the checked sandbox: make sure this one really does not exist.
    assert api.get(f"/hr-integrations/{_UNKNOWN}").status_code == 404, "the 'unknown' integration exists"
    response = api.request("POST", f"/hr-integrations/{_UNKNOWN}/sync", json=body)
    assert response.status_code == 404


def test_unknown_route_is_404(contract_run: ContractRun) -> None:
    """A path the API does not have is 404."""
    response = contract_run.api().get("/no-such-collection")
    assert response.status_code == 404
