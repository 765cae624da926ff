"""Scrubbing: credentials and volatile headers go, personal data becomes consistent fakes, binary stays."""

from __future__ import annotations

import copy
import gzip
import json
from typing import Any

import pytest
from vcr.request import Request  # type: ignore[import-untyped]

from jobticket_kit.cassettes.scrub import Scrubber, scrub_request_headers, scrub_response_headers
from jobticket_kit.privacy.fake import PLACEHOLDER

pytestmark = pytest.mark.block_network

RECORDED_ORIGIN = "http://127.0.0.1:54321"
WRITTEN_ORIGIN = "http://127.0.0.1:8090"
ANNA = {
    "id": 42,
    "firstName": "Anna",
    "lastName": "Müller",
    "email": "Anna.Mueller@Example.com",
    "dateOfBirth": "1990-04-15",
    "profileImage": "https://images.example.com/42.png",
    "hrIntergartionLinks": [{"hrId": "emp_HR_001", "hrIntegrationId": 7}],
    "_links": {"self": {"href": f"{RECORDED_ORIGIN}/employees/42"}},
}


def request(uri: str, body: bytes = b"", **headers: str) -> Request:
    return Request("GET" if not body else "POST", uri, body, headers)


def response(body: bytes, content_type: str = "application/json", **headers: str) -> dict[str, Any]:
    all_headers = {"content-type": [content_type], "content-length": [str(len(body))]}
    all_headers |= {name.replace("_", "-"): [value] for name, value in headers.items()}
    return {"status": {"code": 200, "message": "OK"}, "headers": all_headers, "body": {"string": body}}


def as_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def scrub(
    scrubber: Scrubber, uri: str, body: Any, request_body: Any = None
) -> tuple[Request, dict[str, Any]]:
    sent = as_json(request_body) if request_body is not None else b""
    headers = {"content-type": "application/json"} if request_body is not None else {}
    return scrubber(request(uri, sent, **headers), response(as_json(body)))


def test_personal_fields_become_fakes_and_the_rest_stays() -> None:
    _, scrubbed = scrub(
        Scrubber({RECORDED_ORIGIN: WRITTEN_ORIGIN}), f"{RECORDED_ORIGIN}/employees/42", {"data": ANNA}
    )
    data = json.loads(scrubbed["body"]["string"])["data"]
    assert data["id"] == 42
    assert data["firstName"] == "Given0001"
    assert data["lastName"] == "Family0001"
    assert data["email"] == "person0001@example.invalid"
    assert data["dateOfBirth"] == "1900-01-02"
    assert data["profileImage"] == "https://images.example.invalid/profile-0001.png"
    assert data["hrIntergartionLinks"] == [{"hrId": "hr-0001", "hrIntegrationId": 7}]
    assert data["_links"]["self"]["href"] == f"{WRITTEN_ORIGIN}/employees/42"
    assert scrubbed["headers"]["content-length"] == [str(len(scrubbed["body"]["string"]))]


def test_the_same_value_gets_the_same_fake_across_interactions_urls_and_request_bodies() -> None:
    scrubber = Scrubber()
    _, first = scrub(scrubber, "https://staging.test/employees/42", {"data": ANNA})
    other = {**ANNA, "id": 43, "firstName": "Ben", "email": "ben@example.com", "hrIntergartionLinks": []}
    filtered, second = scrub(
        scrubber,
        "https://staging.test/employees?email=anna.mueller%40example.com",
        {"data": {"data": [ANNA, other]}},
    )
    roster = {"syncId": "s", "employees": [{"email": "ANNA.MUELLER@EXAMPLE.COM", "hrId": "emp_HR_001"}]}
    sync, _ = scrub(scrubber, "https://staging.test/hr-integrations/7/sync", None, request_body=roster)
    anna = json.loads(first["body"]["string"])["data"]
    anna_again, ben = json.loads(second["body"]["string"])["data"]["data"]
    assert anna_again == anna
    assert ben["email"] != anna["email"]
    assert ben["lastName"] == anna["lastName"]  # same real value, same fake
    assert filtered.query == [("email", anna["email"])]
    assert json.loads(sync.body)["employees"] == [
        {"email": anna["email"], "hrId": anna["hrIntergartionLinks"][0]["hrId"]}
    ]


def test_scrubbing_twice_changes_nothing() -> None:
    scrubber = Scrubber()
    once_request, once = scrub(scrubber, "https://staging.test/employees?email=a%40b.com", {"data": ANNA})
    twice_request, twice = scrubber(once_request, copy.deepcopy(once))
    assert twice["body"]["string"] == once["body"]["string"]
    assert twice_request.uri == once_request.uri


def test_file_names_become_fakes_that_keep_their_extension() -> None:
    scrubber = Scrubber()
    scrub(scrubber, "https://staging.test/employees/42", {"data": ANNA})
    _, download = scrubber(
        request("https://staging.test/employee-documents/1/download"),
        response(
            b"%PDF",
            "application/pdf",
            content_disposition='attachment; filename="Invoice Anna Müller.pdf"; '
            "filename*=UTF-8''Invoice%20Anna%20M%C3%BCller.pdf",
        ),
    )
    assert download["headers"]["content-disposition"] == [
        "attachment; filename=\"file-0001.pdf\"; filename*=UTF-8''file-0001.pdf"
    ]


def test_binary_bodies_are_kept_byte_for_byte() -> None:
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256))
    _, scrubbed = Scrubber()(
        request("https://staging.test/employee-documents/1/download"), response(pdf, "application/pdf")
    )
    assert scrubbed["body"]["string"] == pdf


def test_credentials_cookies_and_volatile_headers_are_dropped() -> None:
    sent = scrub_request_headers(
        request(
            "https://key:secret@staging.test/employees",
            Authorization="Basic a2V5OnNlY3JldA==",
            Cookie="session=1",
            Accept="application/json",
        )
    )
    assert dict(sent.headers) == {"authorization": PLACEHOLDER, "accept": "application/json"}
    assert sent.uri == "https://staging.test/employees"
    received = scrub_response_headers(
        response(
            b"{}", set_cookie="session=2", date="Sun, 22 Nov 2026 14:00:00 GMT", server="x", retry_after="300"
        )
    )
    assert set(received["headers"]) == {"content-type", "content-length", "retry-after"}


def test_strings_under_fields_the_spec_does_not_mark_become_fakes() -> None:
    scrubber = Scrubber()
    unknown = {**ANNA, "preferredName": "Anna", "nickname": "Änni", "status": "active", "note": "call at 9"}
    _, scrubbed = scrub(scrubber, "https://staging.test/employees/42", {"data": unknown})
    data = json.loads(scrubbed["body"]["string"])["data"]
    assert data["preferredName"] == data["firstName"] == "Given0001"  # a known name keeps its fake
    assert data["nickname"] == "text-0001"
    assert data["note"] == "text-0002"
    assert data["status"] == "active"  # marked x-personal: false in the spec


def test_only_marked_query_parameters_keep_their_values() -> None:
    filtered, _ = scrub(
        Scrubber(), "https://staging.test/employees?page=2&status=active&name=Anna&sig=abc", {}
    )
    assert filtered.query == [
        ("name", "text-0001"),
        ("page", "2"),
        ("sig", "text-0002"),
        ("status", "active"),
    ]


def test_a_body_inflating_beyond_the_bound_is_not_kept() -> None:
    bomb = gzip.compress(b"{" + b" " * (40 * 1024 * 1024) + b"}", mtime=0)
    _, scrubbed = Scrubber()(request("https://staging.test/employees"), response(bomb))
    assert scrubbed["body"]["string"] == b""
    assert scrubbed["headers"]["content-length"] == ["0"]


def test_free_text_in_a_non_personal_field_is_faked_and_declared_values_stay() -> None:
    employee = {
        **ANNA,
        "subscription": {"status": "sick leave: burnout", "startAt": "2026-05-01", "pausedAt": "after chemo"},
        "plan": {"type": "split-pay-plan", "contractSigningStatus": "accepted"},
    }
    _, scrubbed = scrub(Scrubber(), "https://staging.test/employees/42", {"data": employee})
    body = scrubbed["body"]["string"].decode()
    data = json.loads(body)["data"]
    assert "sick leave" not in body
    assert "chemo" not in body
    assert data["subscription"]["status"] != "sick leave: burnout"
    assert data["subscription"]["startAt"] == "2026-05-01"  # a date where a date is declared
    assert data["plan"] == {"type": "split-pay-plan", "contractSigningStatus": "accepted"}  # known values
