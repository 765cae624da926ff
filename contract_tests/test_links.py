"""HAL links: every ``_links.href`` resolves to the resource it names, on the host that served it (O-36)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from jobticket_kit.contract.run_state import Api, ContractRun

_SAMPLE = 3


def _same_host(run: ContractRun, href: str) -> bool:
    target, link = urlsplit(run.base_url), urlsplit(href)
    return (link.scheme, link.hostname, link.port) == (target.scheme, target.hostname, target.port)


@pytest.mark.open_point("O-36")
@pytest.mark.operation("getEmployee")
def test_employee_links_resolve(api: Api, contract_run: ContractRun, employees: list[dict[str, Any]]) -> None:
    """self is the employee; employeeDocuments lists documents of that employee."""
    for employee in employees[:_SAMPLE]:
        links = employee["_links"]
        assert all(_same_host(contract_run, link["href"]) for link in links.values()), links
        assert api.get_json(links["self"]["href"])["data"]["id"] == employee["id"]
        documents = api.get_json(links["employeeDocuments"]["href"])["data"]["data"]
        assert all(document["employeeId"] == employee["id"] for document in documents)


@pytest.mark.open_point("O-36")
@pytest.mark.operation("getDocument")
def test_document_links_resolve(api: Api, contract_run: ContractRun, documents: list[dict[str, Any]]) -> None:
    """self is the document; employee is its owner."""
    for document in documents[:_SAMPLE]:
        links = document["_links"]
        assert all(_same_host(contract_run, link["href"]) for link in links.values()), links
        assert api.get_json(links["self"]["href"])["data"] == document
        assert api.get_json(links["employee"]["href"])["data"]["id"] == document["employeeId"]


@pytest.mark.open_point("O-8", "O-36")
@pytest.mark.operation("getHrIntegration")
def test_integration_links_resolve(
    api: Api, contract_run: ContractRun, integrations: list[dict[str, Any]]
) -> None:
    """self is the integration."""
    for integration in integrations[:_SAMPLE]:
        href = integration["_links"]["self"]["href"]
        assert _same_host(contract_run, href), href
        assert api.get_json(href)["data"]["id"] == integration["id"]


def test_every_link_is_typed_json(
    employees: list[dict[str, Any]], documents: list[dict[str, Any]], integrations: list[dict[str, Any]]
) -> None:
    """Every link's type is application/json, as in every documented example."""
    resources = [*employees, *documents, *integrations]
    types = {link["type"] for resource in resources for link in resource["_links"].values()}
    assert types == {"application/json"}
