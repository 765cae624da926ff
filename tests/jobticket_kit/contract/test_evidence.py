"""Failure entries: one-line messages with the answer that showed them, reproductions that run as printed."""

from __future__ import annotations

import shlex

import pytest

from jobticket_kit.contract.evidence import curl_command, one_line, with_evidence
from jobticket_kit.contract.journal import Exchange

URL = "http://127.0.0.1:8090/employees/42?perPage=1"


def exchange(**changes: object) -> Exchange:
    fields: dict[str, object] = {
        "method": "GET",
        "url": URL,
        "credential": "main",
        "operation": "getEmployee",
        "status": 200,
    }
    fields.update(changes)
    return Exchange(**fields)  # type: ignore[arg-type]


def test_the_main_key_comes_from_the_environment_never_the_report() -> None:
    command = curl_command(exchange())
    assert command == f'curl -sS -i -u "$JOBTICKET_USERNAME:$JOBTICKET_PASSWORD" {shlex.quote(URL)}'
    # One command, no separators: the shell reads a single curl with its arguments.
    assert shlex.split(command)[0] == "curl"
    assert not {"|", ";", "&&"} & set(shlex.split(command))


@pytest.mark.parametrize(
    "changes",
    [
        {"credential": "without-view-employees"},  # only the rerun command knows a limited key
        {"credential": "unknown-key"},
        {"method": "POST", "body": b"{}"},  # never a sync by copy and paste
        {"url": "http://127.0.0.1:8090/employees/null"},  # an id a link could not resolve
        {"url": "http://127.0.0.1:8090/employees?email=a%40example.com"},  # personal data in the query
    ],
)
def test_requests_that_cannot_be_replayed_by_hand_fall_back_to_the_rerun(changes: dict[str, object]) -> None:
    assert curl_command(exchange(**changes)) is None


def test_no_credentials_no_auth_option() -> None:
    assert curl_command(exchange(credential="no-auth")) == f"curl -sS -i {shlex.quote(URL)}"


def test_messages_are_one_line_and_name_the_answer() -> None:
    text = "expected 401\nfor getEmployee\n\nassert 503 == 401"
    assert one_line(text) == "expected 401; for getEmployee"
    assert with_evidence("expected 401", exchange(status=503)) == (
        "expected 401 [got HTTP 503 from GET /employees/42]"
    )
    lost = exchange(status=None, error="ConnectionError")
    assert with_evidence("expected 200", lost) == (
        "expected 200 [got no answer (ConnectionError) from GET /employees/42]"
    )
    assert lost.is_outage
    assert not exchange(status=404).is_outage
