"""Fixtures of the contract checks: the run, API clients, discovered test data, twin resets.

The checks never hard-code ids: they discover employees, documents and integrations through the API,
so the same checks run against the twin and against staging. Run them with ``scripts/contract``;
a plain ``pytest contract_tests`` starts the same run itself (see ``standalone``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from jobticket_kit.contract.plugin import ContractPlugin
from jobticket_kit.contract.run_state import Api, ContractRun, current_run
from jobticket_kit.contract.standalone import StandaloneRun


def pytest_configure(config: pytest.Config) -> None:
    """Without the runner's plugin (plain pytest), set up the run here."""
    if not any(
        isinstance(plugin, ContractPlugin | StandaloneRun) for plugin in config.pluginmanager.get_plugins()
    ):
        config.pluginmanager.register(StandaloneRun(), "jobticket-contract-standalone")


@pytest.fixture(scope="session")
def contract_run() -> ContractRun:
    """The run in progress."""
    return current_run()


@pytest.fixture(scope="module")
def fresh_target(contract_run: ContractRun) -> ContractRun:
    """The target with the twin reset to its seed, so every module starts from the same data."""
    contract_run.reset_twin()
    return contract_run


@pytest.fixture(scope="module")
def api(fresh_target: ContractRun) -> Api:
    """A client with the main credential."""
    return fresh_target.api()


@pytest.fixture(scope="module")
def employees(api: Api) -> list[dict[str, Any]]:
    """The first page of employees (up to 100)."""
    items: list[dict[str, Any]] = api.get_json("/employees", perPage=100)["data"]["data"]
    assert items, "the target has no employees; the contract checks need some"
    return items


@pytest.fixture(scope="module")
def documents(api: Api) -> list[dict[str, Any]]:
    """The first page of documents (up to 100)."""
    items: list[dict[str, Any]] = api.get_json("/employee-documents", perPage=100)["data"]["data"]
    assert items, "the target has no documents; the contract checks need some"
    return items


@pytest.fixture(scope="module")
def integrations(api: Api) -> list[dict[str, Any]]:
    """The first page of HR integrations."""
    items: list[dict[str, Any]] = api.get_json("/hr-integrations", perPage=100)["data"]["data"]
    assert items, "the target has no HR integration; the contract checks need one"
    return items


@pytest.fixture
def twin_reset_after(contract_run: ContractRun) -> Iterator[None]:
    """Reset the twin after a destructive check, so later checks see the seed again."""
    yield
    contract_run.reset_twin()


@pytest.fixture(scope="module")
def employee_with_documents(documents: list[dict[str, Any]]) -> int:
    """The employee owning the most documents on the first page of documents."""
    counts: dict[int, int] = {}
    for document in documents:
        counts[document["employeeId"]] = counts.get(document["employeeId"], 0) + 1
    return int(max(counts, key=lambda employee_id: (counts[employee_id], -employee_id)))


@pytest.fixture(scope="module")
def downloadable_document(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """A document whose file may be downloaded."""
    found = next((document for document in documents if document["downloadable"]), None)
    assert found is not None, "no downloadable document on the first page of documents"
    return found


@pytest.fixture(scope="module")
def sync_integration(fresh_target: ContractRun, integrations: list[dict[str, Any]]) -> int:
    """The integration destructive checks may sync: the sandbox one, or on the twin a pending one."""
    if not fresh_target.is_twin:
        assert fresh_target.sandbox_integration is not None
        return fresh_target.sandbox_integration
    pending = [item["id"] for item in integrations if item["status"] == "initial-sync-pending"]
    return int(pending[0] if pending else integrations[0]["id"])


@pytest.fixture(scope="module")
def probe_paths(
    employee_with_documents: int, downloadable_document: dict[str, Any], integrations: list[dict[str, Any]]
) -> dict[str, str]:
    """A concrete path per read operation, with ids that exist on the target."""
    document, integration = downloadable_document["id"], integrations[0]["id"]
    return {
        "listEmployees": "/employees",
        "getEmployee": f"/employees/{employee_with_documents}",
        "listEmployeeDocuments": f"/employees/{employee_with_documents}/documents",
        "listAllDocuments": "/employee-documents",
        "getDocument": f"/employee-documents/{document}",
        "downloadDocument": f"/employee-documents/{document}/download",
        "healthCheck": "/health",
        "listHrIntegrations": "/hr-integrations",
        "getHrIntegration": f"/hr-integrations/{integration}",
    }
