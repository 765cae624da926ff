"""Each error status becomes its own exception, carrying the parsed body, request id and raw response."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from http import HTTPStatus

import httpx
import pytest

import jobticket
from jobticket import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    JobTicketError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    UnexpectedResponseError,
    UnprocessableEntityError,
    _exceptions,
)
from jobticket.webhooks import WebhookPayloadError, parse_event

from .fakes import document_json, error_body, json_response, make_client


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_each_status_has_its_exception(status: int, error_type: type[APIStatusError]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(status, error_body("Nope.", code="x"), {"X-Request-Id": "req-123"})

    with make_client(handler) as client, pytest.raises(error_type) as raised:
        client.get_employee(42)
    error = raised.value
    assert type(error) is error_type
    assert isinstance(error, JobTicketError)
    assert error.status_code == status
    assert error.request_id == "req-123"
    assert error.body is not None
    assert error.body.message == "Nope."
    assert error.body.additional_properties == {"code": "x"}
    assert error.response is not None
    assert error.response.json()["code"] == "x"
    # The server's message stays on .body: str() says the status in its standard words.
    assert str(error) == f"{status}: {HTTPStatus(status).phrase} (request id req-123)"


def test_422_exposes_its_field_level_details() -> None:
    details = {"perPage": ["The perPage must be between 1 and 100."], "page": ["The page must be >= 1."]}

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(422, error_body("Invalid.", errors=details))

    with make_client(handler) as client, pytest.raises(UnprocessableEntityError) as raised:
        client.request("GET", "/employees", params={"perPage": 0, "page": 0})
    assert raised.value.field_errors == details


def test_error_bodies_of_another_shape_still_raise_the_typed_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>Bad gateway</html>")

    with (
        make_client(handler, max_retries=0, retry_policy=None) as client,
        pytest.raises(InternalServerError) as raised,
    ):
        client.get_employee(42)
    assert raised.value.body is None
    assert raised.value.status_code == 502
    assert "Bad Gateway" in str(raised.value)


def test_a_non_list_errors_field_does_not_break_parsing() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(422, {"message": "Invalid.", "errors": ["not", "a", "map"]})

    with make_client(handler) as client, pytest.raises(UnprocessableEntityError) as raised:
        client.get_employee(42)
    assert raised.value.field_errors == {}
    assert raised.value.body is not None
    assert raised.value.body.message == "Invalid."


def test_raw_requests_keep_the_response_and_still_raise_typed_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/health":
            return json_response(200, {"status": "ok", "extra": 1}, {"X-Served-By": "twin"})
        return json_response(404, error_body())

    with make_client(handler) as client:
        response = client.request("GET", "/health")
        assert response.headers["X-Served-By"] == "twin"
        assert response.json() == {"status": "ok", "extra": 1}
        with pytest.raises(NotFoundError):
            client.request("GET", "/nowhere")
        # The raw httpx client is paced and retried too, but leaves status handling to the caller.
        assert client.http.get("/nowhere").status_code == 404


def test_every_exception_of_the_package_lives_in_one_module_and_is_named_error() -> None:
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(jobticket.__path__, "jobticket.")
        if not info.name.endswith("__main__")  # running it would start the command line
    ]
    assert len(modules) > 20
    defined = {
        (value.__module__, value.__qualname__)
        for module in modules
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and value.__module__.startswith("jobticket.")
    }
    assert {module for module, _ in defined} == {"jobticket._exceptions"}
    assert [name for _, name in defined if not name.endswith("Error")] == []
    assert {name for _, name in defined} <= set(_exceptions.__all__)


PERSONAL = "Anna-Lena Müller"


@pytest.mark.parametrize("status", [400, 404, 409, 422, 429, 500, 418])
def test_messages_quote_nothing_the_server_sent(status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"message": f"{PERSONAL} has no such document", "errors": {PERSONAL: [PERSONAL]}}
        return httpx.Response(
            status,
            json=body,
            headers={b"X-Request-Id": f"req for {PERSONAL}".encode()},
            extensions={"reason_phrase": PERSONAL.encode()},
        )

    with (
        make_client(handler, retry_policy=RetryPolicy(max_retries=0, retry_after_cap=0.0)) as client,
        pytest.raises(APIStatusError) as raised,
    ):
        client.get_employee(42)
    error = raised.value
    for text in (str(error), repr(error), *map(str, error.args)):
        assert "Anna" not in text, text
        assert "Müller" not in text, text
    assert str(error) == f"{status}: {_exceptions.status_phrase(status)}"  # no request id shaped like one
    assert error.request_id is None
    assert error.body is not None
    assert error.body.message == f"{PERSONAL} has no such document"  # still there, on .body


def test_an_unreadable_answer_names_the_reason_not_the_value() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        broken = {**document_json(101), "createdAt": f"{PERSONAL} (not a date)"}
        return json_response(200, {"data": broken})

    with make_client(handler) as client, pytest.raises(UnexpectedResponseError) as raised:
        client.get_document(101)
    assert PERSONAL in str(raised.value.__cause__)  # the parser's own words quote the value...
    assert "Anna" not in str(raised.value)  # ...the client's do not
    assert str(raised.value) == "cannot read the 200 response of GET /employee-documents/101: ValueError"


def test_a_webhook_it_cannot_read_names_the_reason_not_the_payload() -> None:
    body = json.dumps(
        {
            "event": {"id": "e-1", "type": "employee-subscription-changed", "timestamp": 1},
            "payload": {"id": 42, "resource": "employee", "subscription": PERSONAL},
        }
    ).encode()
    with pytest.raises(WebhookPayloadError) as raised:
        parse_event(body)
    assert "Anna" not in str(raised.value)
