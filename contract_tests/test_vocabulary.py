"""Open vocabularies: every value the target sends is one the spec knows (x-known-values).

An unknown value refutes the vocabulary's open point (O-16 status, O-17 plan type, O-18 signing
status, O-19 file type, O-8 integration status) and fails the check, so that the spec is updated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.run_state import Api, ContractRun

_SOURCES: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "Subscription.status": ("/employees", lambda item: item["subscription"]["status"]),
    "Plan.type": ("/employees", lambda item: item["plan"]["type"]),
    "Plan.contractSigningStatus": ("/employees", lambda item: item["plan"]["contractSigningStatus"]),
    "EmployeeDocument.documentFileType": ("/employee-documents", lambda item: item["documentFileType"]),
    "HrIntegration.status": ("/hr-integrations", lambda item: item["status"]),
    "Link.type": ("/employees", lambda item: item["_links"]["self"]["type"]),
}
_KNOWN = load_spec().known_values()


@pytest.mark.parametrize(
    "vocabulary",
    [pytest.param(name, marks=pytest.mark.open_point(_KNOWN[name].open_point)) for name in _SOURCES],
)
def test_values_are_known(api: Api, contract_run: ContractRun, vocabulary: str) -> None:
    """Collect the values of one vocabulary across the first pages and compare with the spec."""
    path, read = _SOURCES[vocabulary]
    items = api.get_json(path, perPage=100)["data"]["data"]
    seen = {read(item) for item in items}
    assert seen, f"no {vocabulary} value seen"
    unknown = sorted(seen - _KNOWN[vocabulary].values)
    assert not unknown, f"{vocabulary}: values the spec does not know: {unknown}"


@pytest.mark.open_point(_KNOWN["HealthStatus.status"].open_point)
def test_the_health_status_is_known(contract_run: ContractRun) -> None:
    """Health Check answers a status the spec knows (its one object, not a list)."""
    status = contract_run.api(None).get_json("/health").get("status")
    assert status in _KNOWN["HealthStatus.status"].values, (
        f"HealthStatus.status: a value the spec does not know: {status!r}"
    )


def test_every_open_vocabulary_is_checked() -> None:
    """A new x-known-values list in the spec needs a source above (or a check of its own)."""
    assert set(_KNOWN) - {"WebhookEventMeta.type", "HealthStatus.status"} == set(_SOURCES)
