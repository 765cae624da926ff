"""One answer read against the spec: names, JSON types, formats and vocabulary values, never other values."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

import pytest

from jobticket_kit.contract.ledger import Evidence, LedgerRow, Status
from jobticket_kit.contract.meter import Answer, Outgoing
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.evidence.observer import EvidenceObserver
from jobticket_kit.evidence.store import VENDOR, RunEvidence
from jobticket_kit.evidence.walk import SpecView, observe_answer
from jobticket_kit.privacy.redact import Redactor

SPEC = load_spec()
EMPLOYEE = "/components/schemas/Employee/properties"
JSON = {"Content-Type": "application/json", "Date": "Sun, 06 Dec 2026 03:00:00 GMT"}


@pytest.fixture
def employee(examples: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(examples["employeeResponse"])


def observe(operation: str, status: int, body: Any, headers: dict[str, str] = JSON) -> RunEvidence:
    evidence = RunEvidence("2026-12-06T03:00:00+00:00", VENDOR, "https://staging.example", "1.0.0")
    found = SPEC.operation(operation)
    raw = json.dumps(body).encode() if body is not None else b""
    observe_answer(
        evidence,
        SpecView(SPEC.raw),
        (operation, found.path, found.method),
        status=status,
        headers=headers,
        body=raw,
        content_type=headers.get("Content-Type", ""),
    )
    return evidence


def facets(evidence: RunEvidence, pointer: str) -> Counter[str]:
    return evidence.facets(f"property {pointer}")


def test_a_documented_answer_counts_status_headers_and_every_property(employee: dict[str, Any]) -> None:
    evidence = observe("getEmployee", 200, employee)
    assert evidence.facets("response getEmployee 200") == Counter(
        {"answered": 1, "header:content-type": 1, "header:date": 1, "body:json": 1}
    )
    assert facets(evidence, f"{EMPLOYEE}/email") == Counter(
        {"present": 1, "type:string": 1, "format:match": 1}
    )
    assert facets(evidence, f"{EMPLOYEE}/profileImage") == Counter({"present": 1, "type:null": 1, "null": 1})
    assert facets(evidence, "/components/schemas/Subscription/properties/status")["value:active"] == 1
    # ticket is oneOf [Ticket, null]: its object is read against Ticket.
    assert facets(evidence, "/components/schemas/Ticket/properties/validFrom")["format:match"] == 1


def test_values_are_kept_only_for_vocabularies_marked_non_personal(employee: dict[str, Any]) -> None:
    evidence = observe("getEmployee", 200, employee)
    kept = {
        facet for element in evidence.elements.values() for facet in element if facet.startswith("value:")
    }
    assert kept == {
        "value:active",
        "value:employee",
        "value:fully-subsidized-plan",
        "value:accepted",
        "value:hr-integration",
    }
    text = json.dumps(evidence.as_dict())
    for personal in ("Anna", "Müller", "anna.mueller@example.com", "1990-04-15", "emp_HR_001"):
        assert personal not in text


def test_undeclared_properties_are_names_and_types_only(employee: dict[str, Any]) -> None:
    employee["data"]["costCenter"] = "CC-Müller"
    employee["data"]["contact"] = {"mail": "anna@example.com", "phones": [{"number": "+49 30 1234"}]}
    employee["data"]["plan"]["contractSigningStatus"] = "withdrawn"
    evidence = observe("getEmployee", 200, employee)
    assert facets(evidence, f"{EMPLOYEE}/costCenter") == Counter({"present": 1, "type:string": 1})
    assert set(facets(evidence, f"{EMPLOYEE}/contact")) == {
        "present",
        "type:object",
        "field:mail:string",
        "field:phones:array",
        "field:phones[]:object",
        "field:phones[].number:string",
    }
    assert (
        facets(evidence, "/components/schemas/Plan/properties/contractSigningStatus")["value:withdrawn"] == 1
    )
    text = json.dumps(evidence.as_dict())
    assert "CC-Müller" not in text
    assert "anna@example.com" not in text
    assert "1234" not in text


def test_null_wrong_types_and_bad_formats_are_counted(employee: dict[str, Any]) -> None:
    employee["data"]["email"] = "not an address"
    employee["data"]["firstName"] = None
    employee["data"]["id"] = "42"
    evidence = observe("getEmployee", 200, employee)
    assert facets(evidence, f"{EMPLOYEE}/email")["format:mismatch"] == 1
    assert facets(evidence, f"{EMPLOYEE}/firstName")["null"] == 1
    assert facets(evidence, f"{EMPLOYEE}/id")["type:string"] == 1
    del employee["data"]["lastName"]
    assert facets(observe("getEmployee", 200, employee), f"{EMPLOYEE}/lastName") == Counter({"absent": 1})


def test_a_value_that_is_no_token_is_not_kept(employee: dict[str, Any]) -> None:
    employee["data"]["subscription"]["status"] = "Anna Müller <anna@example.com>"
    evidence = observe("getEmployee", 200, employee)
    status = facets(evidence, "/components/schemas/Subscription/properties/status")
    assert not [facet for facet in status if facet.startswith("value:")]
    assert status["type:string"] == 1


def test_an_undocumented_status_keeps_the_shape_of_its_body() -> None:
    evidence = observe("getEmployee", 400, {"message": "The id must be a positive integer.", "code": 7})
    assert evidence.facets("response getEmployee 400") == Counter(
        {
            "answered": 1,
            "header:content-type": 1,
            "header:date": 1,
            "body:undescribed": 1,
            "field:message:string": 1,
            "field:code:integer": 1,
        }
    )


def test_page_edges_of_a_list(examples: dict[str, Any]) -> None:
    page = copy.deepcopy(examples["employeeListResponse"])
    assert set(observe("listEmployees", 200, page).facets("pagination listEmployees")) == {
        "first-page",
        "partial-page",
    }
    page["data"].update(page=6, data=[])
    assert set(observe("listEmployees", 200, page).facets("pagination listEmployees")) == {"past-the-end"}
    page["data"].update(page=1, totalPages=2, total=47, perPage=10)
    assert "page-arithmetic-wrong" in observe("listEmployees", 200, page).facets("pagination listEmployees")


def test_what_a_server_controls_is_bounded(employee: dict[str, Any]) -> None:
    deep: Any = "leaf"
    for _ in range(500):
        deep = [deep]
    employee["data"]["costCenter"] = deep
    employee["data"]["wide"] = {f"k{index}": index for index in range(10_000)}
    evidence = observe("getEmployee", 200, employee)
    assert facets(evidence, f"{EMPLOYEE}/costCenter")["type:array"] == 1
    assert len(facets(evidence, f"{EMPLOYEE}/costCenter")) < 20
    assert len(facets(evidence, f"{EMPLOYEE}/wide")) <= 60
    assert observe("getEmployee", 200, None).facets("response getEmployee 200")["body:none"] == 1
    bomb = RunEvidence("2026-12-06T03:00:00+00:00", VENDOR, "https://staging.example", "1.0.0")
    found = SPEC.operation("getEmployee")
    body = b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    operation = ("getEmployee", found.path, found.method)
    observe_answer(
        bomb, SpecView(SPEC.raw), operation, status=200, headers=JSON, body=body, content_type="json"
    )
    assert bomb.facets("response getEmployee 200")["body:not-json"] == 1


def test_the_observer_withholds_what_the_run_knows_as_personal_and_adds_the_ledger(
    employee: dict[str, Any],
) -> None:
    observer = EvidenceObserver(SPEC, kind=VENDOR, target="https://staging.example", observed_at="2026-12-06")
    employee["data"]["plan"]["contractSigningStatus"] = "anna"  # a value that is someone's name
    employee["data"]["Mueller"] = 1  # a property named like someone
    employee["data"]["costCenter"] = "x"
    request = Outgoing("GET", "https://staging.example/employees/42", "main", "getEmployee")
    observer.answered(request, Answer(200, JSON, json.dumps(employee).encode()))
    redactor = Redactor()
    redactor.learn({"firstName": "Anna", "lastName": "Mueller"})
    rows = [
        LedgerRow("O-22", "", Status.CONFIRMED, (Evidence("O-22", "absence_is_recorded", confirmed=True),)),
        LedgerRow("O-29", "", Status.NOT_EXERCISED, ()),
    ]
    evidence = observer.finish(redactor, rows)
    assert "value:anna" not in facets(evidence, "/components/schemas/Plan/properties/contractSigningStatus")
    assert f"property {EMPLOYEE}/Mueller" not in evidence.elements
    assert f"property {EMPLOYEE}/costCenter" in evidence.elements
    assert evidence.facets("open-point O-22") == Counter(
        {"confirmed": 1, "confirmed-by:absence_is_recorded": 1}
    )
    assert evidence.facets("open-point O-29") == Counter({"not-exercised": 1})


def test_a_run_that_saw_no_answer_has_no_evidence() -> None:
    observer = EvidenceObserver(SPEC, kind=VENDOR, target="https://staging.example", observed_at="2026-12-06")
    assert observer.finish(Redactor(), [LedgerRow("O-1", "", Status.NOT_EXERCISED, ())]).elements == {}
