"""Authentication and permissions: 401 without or with wrong credentials, 403 for a key missing a permission.

Keys missing one permission come from the twin's seed or, on staging, from ``JOBTICKET_LIMITED_KEYS``;
checks whose key is not configured are deselected and their open points reported "not exercised".
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.run_state import Api, ContractRun, Credential
from jobticket_kit.contract.synthetic import synthetic_employee

pytestmark = pytest.mark.statuses

_SPEC = load_spec()
_READS = [op.operation_id for op in _SPEC.operations if op.needs_auth and not op.destructive]
_SYNC = next(op for op in _SPEC.operations if op.destructive)


def _sync_body(tag: str) -> dict[str, Any]:
    return {"syncId": f"contract-{tag}", "employees": [synthetic_employee(tag, 1)]}


@pytest.mark.parametrize("operation_id", _READS)
def test_missing_credentials_are_401(
    contract_run: ContractRun, probe_paths: dict[str, str], operation_id: str
) -> None:
    """Every operation but Health Check answers 401 without credentials [DOC]."""
    response = contract_run.api(None).get(probe_paths[operation_id])
    assert response.status_code == 401, f"{operation_id} without credentials -> {response.status_code}"


@pytest.mark.parametrize("operation_id", _READS)
def test_wrong_credentials_are_401(
    contract_run: ContractRun, probe_paths: dict[str, str], operation_id: str
) -> None:
    """Unknown key id and secret are 401 [DOC]."""
    stranger = Credential("stranger", str(uuid.uuid4()), "not-a-secret")
    response = contract_run.api(stranger).get(probe_paths[operation_id])
    assert response.status_code == 401, f"{operation_id} with wrong credentials -> {response.status_code}"


@pytest.mark.destructive
@pytest.mark.operation("triggerHrSync")
def test_sync_without_credentials_is_401(
    contract_run: ContractRun, sync_integration: int, twin_reset_after: None
) -> None:
    """Trigger HR Sync answers 401 without credentials, before it looks at the roster."""
    response = contract_run.api(None).request(
        "POST", f"/hr-integrations/{sync_integration}/sync", json=_sync_body("unauthenticated")
    )
    assert response.status_code == 401


@pytest.mark.open_point("O-35")
@pytest.mark.needs_key("disabled")
def test_disabled_key_is_401(contract_run: ContractRun, probe_paths: dict[str, str]) -> None:
    """A disabled key gets 401, like unknown credentials."""
    response = contract_run.api("disabled").get(probe_paths["listEmployees"])
    assert response.status_code == 401


def _forbidden_cases() -> list[Any]:
    cases = []
    for op in _SPEC.operations:
        for permission in op.permissions:
            marks = [pytest.mark.needs_key(f"without-{permission}")]
            if op.destructive:
                marks.append(pytest.mark.destructive)
            cases.append(
                pytest.param(permission, op.operation_id, marks=marks, id=f"{op.operation_id}-{permission}")
            )
    return cases


@pytest.mark.parametrize(("permission", "operation_id"), _forbidden_cases())
def test_key_without_permission_is_403(
    contract_run: ContractRun,
    probe_paths: dict[str, str],
    permission: str,
    operation_id: str,
    request: pytest.FixtureRequest,
) -> None:
    """A valid key lacking one permission the operation needs gets 403 [DOC]."""
    api: Api = contract_run.api(f"without-{permission}")
    if operation_id == _SYNC.operation_id:
        request.getfixturevalue("twin_reset_after")
        path = _SYNC.path.replace("{id}", str(request.getfixturevalue("sync_integration")))
        response = api.request("POST", path, json=_sync_body(f"no-{permission}"))
    else:
        response = api.get(probe_paths[operation_id])
    assert response.status_code == 403, f"{operation_id} without {permission} -> {response.status_code}"


@pytest.mark.open_point("O-5")
def test_health_check_needs_no_credentials(contract_run: ContractRun) -> None:
    """Health Check is the one operation without authentication [DOC]."""
    response = contract_run.api(None).get("/health")
    assert response.status_code == 200
