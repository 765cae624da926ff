"""Error bodies (O-13) and the handling of unknown query parameters (O-14)."""

from __future__ import annotations

import pytest

from jobticket_kit.contract.run_state import Api, ContractRun


@pytest.mark.open_point("O-13")
def test_error_bodies_have_a_message(api: Api, contract_run: ContractRun) -> None:
    """401, 404 and 422 bodies are JSON objects with a string message."""
    responses = {
        401: contract_run.api(None).get("/employees"),
        404: api.get("/employees/9000000000"),
        422: api.get("/employees", perPage=0),
    }
    for status, response in responses.items():
        assert response.status_code == status
        assert response.headers.get("Content-Type", "").startswith("application/json"), status
        assert isinstance(response.json().get("message"), str), f"{status} body has no message"


@pytest.mark.open_point("O-13")
def test_validation_errors_map_fields_to_messages(api: Api) -> None:
    """A 422 body has errors: {field: [messages]}."""
    errors = api.get("/employees", perPage=101).json().get("errors")
    assert isinstance(errors, dict), errors
    assert errors, "the 422 body has no field errors"
    assert all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in errors.values()
    )


@pytest.mark.open_point("O-10")
@pytest.mark.operation("listAllDocuments")
def test_document_lists_have_no_filters(api: Api) -> None:
    """employeeId is not a filter of List All Documents: it changes nothing."""
    plain = api.get_json("/employee-documents", perPage=5)["data"]
    owner = plain["data"][-1]["employeeId"]
    assert api.get_json("/employee-documents", perPage=5, employeeId=owner)["data"] == plain


@pytest.mark.open_point("O-14")
@pytest.mark.operation("listEmployees")
def test_unknown_query_parameters_are_ignored(api: Api) -> None:
    """An unknown query parameter changes nothing (the filter checks of O-9 rely on it)."""
    plain = api.get_json("/employees", perPage=5)["data"]
    extra = api.get_json("/employees", perPage=5, noSuchParameter="x")["data"]
    assert extra == plain
