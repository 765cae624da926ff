"""Logs never carry credentials or personal data; new server vocabulary or fields never crash a call."""

from __future__ import annotations

import base64
import logging
from typing import Any

import httpx
import pytest

from jobticket import UnexpectedResponseError, UnprocessableEntityError

from .fakes import (
    PASSWORD,
    USERNAME,
    document_json,
    employee_json,
    error_body,
    json_response,
    make_client,
    page_json,
)


def test_logs_hold_no_credentials_and_no_personal_query_values(caplog: pytest.LogCaptureFixture) -> None:
    answers = iter(
        [json_response(503, error_body()), json_response(200, page_json([employee_json(1)], 1, 100, 1))]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return next(answers)

    with make_client(handler) as client, caplog.at_level(logging.DEBUG, logger="jobticket"):
        list(client.list_employees(email="anna.mueller@example.com"))
    text = caplog.text
    assert "GET /employees?page=1&perPage=100&email=[redacted]" in text
    assert "retry 1 of 2" in text
    assert "anna.mueller" not in text
    assert PASSWORD not in text
    assert base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode() not in text
    assert "Authorization" not in text


def test_error_logs_name_status_and_request_id_only(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(
            422, error_body("The email anna@example.com is invalid."), {"X-Request-Id": "req-9"}
        )

    with (
        make_client(handler) as client,
        caplog.at_level(logging.DEBUG, logger="jobticket"),
        pytest.raises(UnprocessableEntityError),
    ):
        client.get_employee(42)
    assert "422 UnprocessableEntityError (request id req-9)" in caplog.text
    assert "anna@example.com" not in caplog.text


def with_changes(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**body, **changes}


def test_unknown_enum_values_and_new_fields_parse() -> None:
    employee = employee_json(42)
    employee["subscription"]["status"] = "suspended"  # not in the assumed vocabulary (O-16)
    employee["plan"]["type"] = "salary-conversion-plan"  # O-17
    employee["plan"]["contractSigningStatus"] = "expired"  # O-18
    employee["loyaltyTier"] = "gold"  # a field the spec does not know
    employee["subscription"]["pausedReason"] = "parental-leave"
    employee["_links"]["avatar"] = {"href": "https://x.invalid/a.png", "type": "image/png"}
    document = document_json(101)
    document["documentFileType"] = "docx"  # O-19
    document["category"] = "invoice"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/employees/42":
            return json_response(200, {"data": employee, "meta": {"version": 2}})
        return json_response(200, {"data": document})

    with make_client(handler) as client:
        parsed = client.get_employee(42)
        assert parsed.subscription.status == "suspended"
        assert parsed.plan.type_ == "salary-conversion-plan"
        assert parsed.plan.contract_signing_status == "expired"
        assert client.get_document(101).document_file_type == "docx"


def test_unparseable_values_keep_their_raw_form_instead_of_raising() -> None:
    employee = employee_json(42)
    employee["dateOfBirth"] = "15.04.1990"  # not an ISO date

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(200, {"data": employee})

    with make_client(handler) as client:
        assert client.get_employee(42).date_of_birth == "15.04.1990"


@pytest.mark.parametrize(
    "body",
    [
        {"data": with_changes(employee_json(42), resource="person")},
        {"data": {"id": 42}},
        {"unexpected": True},
        "[not, json",
    ],
)
def test_bodies_the_client_cannot_read_raise_a_typed_error_with_the_raw_response(body: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(200, text=body, headers={"Content-Type": "application/json"})
        return json_response(200, body, {"X-Request-Id": "req-7"})

    with make_client(handler) as client, pytest.raises(UnexpectedResponseError) as raised:
        client.get_employee(42)
    assert raised.value.response.status_code == 200
    assert "GET /employees/42" in str(raised.value)
