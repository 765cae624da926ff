"""Fault injection: the spec string, reproducible decisions, and each fault as a client sees it."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobticket import FakeClock, JobTicket, JobTicketError, RetryPolicy
from jobticket_twin import FaultSpec, FaultSpecError, TwinConfig, create_app, parse_fault_spec
from jobticket_twin.faults import FaultInjector
from jobticket_twin.kit import in_process_twin
from jobticket_twin.testing import in_process_client, running_twin
from tests.jobticket_twin.helpers import BASE_URL, auth, spec_checked


def test_the_spec_string_parses_every_item() -> None:
    spec = parse_fault_spec(
        "error=0.2,statuses=502|503,latency=0.05-0.3,drop=0.05,truncate=0.1,unhealthy,seed=7"
    )
    assert spec == FaultSpec(
        error=0.2, statuses=(502, 503), latency=(0.05, 0.3), drop=0.05, truncate=0.1, unhealthy=True, seed=7
    )
    assert parse_fault_spec(str(spec)) == spec
    assert parse_fault_spec("latency=0.1").latency == (0.1, 0.1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("error=2", "error must be from 0 to 1"),
        ("error=x", "error must be a number"),
        ("latency=0.3-0.1", "0 <= MIN <= MAX"),
        ("statuses=404", "statuses takes 500, 502, 503, 504"),
        ("seed=abc", "seed must be an integer"),
        ("boom=1", "unknown fault item 'boom'"),
        ("drop", "must look like name=value"),
        ("drop=0.1,drop=0.2", "given twice"),
    ],
)
def test_bad_spec_strings_name_the_item_and_the_rule(text: str, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        parse_fault_spec(text)


def test_decisions_are_reproducible_under_a_seed() -> None:
    spec = parse_fault_spec("error=0.3,drop=0.2,truncate=0.2,latency=0-0.5,seed=42")
    first, second = FaultInjector(spec), FaultInjector(spec)
    decisions = [first.decide() for _ in range(200)]
    assert decisions == [second.decide() for _ in range(200)]
    assert {decision.error_status for decision in decisions} >= {500, 502, 503, 504, None}
    assert any(decision.drop for decision in decisions)
    assert any(decision.truncate for decision in decisions)
    assert all(0 <= decision.delay <= 0.5 for decision in decisions)


@pytest.fixture
def faulty() -> Iterator[httpx.Client]:
    app = create_app(TwinConfig(faults=parse_fault_spec("error=1,seed=3")))
    with in_process_client(app, BASE_URL) as client:
        yield spec_checked(client)


def test_injected_errors_are_spec_valid_server_errors_and_spare_the_control_routes(
    faulty: httpx.Client,
) -> None:
    statuses = {faulty.get("/employees", auth=auth()).status_code for _ in range(40)}
    assert statuses == {500, 502, 503, 504}
    assert faulty.get("/health").status_code == 503
    assert faulty.get("/_twin/keys").status_code == 200


def test_faults_switch_off_and_on_at_runtime(faulty: httpx.Client) -> None:
    assert faulty.put("/_twin/faults", json={"spec": None}).json() == {"spec": None}
    assert faulty.get("/employees", auth=auth()).status_code == 200
    assert faulty.put("/_twin/faults", json={"spec": "unhealthy"}).status_code == 200
    assert faulty.get("/health").status_code == 503
    rejected = faulty.put("/_twin/faults", json={"spec": "error=9"})
    assert rejected.status_code == 422
    assert "error must be from 0 to 1" in rejected.json()["errors"]["spec"][0]


def test_truncated_json_arrives_complete_at_the_http_level_but_does_not_parse() -> None:
    app = create_app(TwinConfig(faults=parse_fault_spec("truncate=1")))
    with in_process_client(app, BASE_URL) as client:  # not spec-checked: breaking the body is the point
        response = client.get("/employees/42", auth=auth())
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_dropped_connections_fail_the_client_mid_response() -> None:
    with running_twin(TwinConfig(faults=parse_fault_spec("drop=1"))) as twin:
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{twin.base_url}/employees/42", auth=twin.credentials(), trust_env=False)
        assert httpx.get(f"{twin.base_url}/_twin/keys", trust_env=False).status_code == 200


def test_latency_delays_but_does_not_change_the_answer() -> None:
    app = create_app(TwinConfig(faults=parse_fault_spec("latency=0.001-0.002")))
    with in_process_client(app, BASE_URL) as client:
        assert spec_checked(client).get("/employees/42", auth=auth()).status_code == 200


# Each fault, the call that meets it, and the client's timeout and retries (latency must bite quickly).
FAULTS_BOTH_WAYS = [
    ("error=1,statuses=500", "get_employee", 30.0, 2),
    ("error=1,statuses=502", "get_employee", 30.0, 2),
    ("error=1,statuses=503", "list_employees", 30.0, 2),
    ("error=1,statuses=504", "get_document", 30.0, 2),
    ("drop=1", "get_employee", 30.0, 2),
    ("drop=1", "list_employees", 30.0, 2),
    ("drop=1", "download_document", 30.0, 2),
    ("truncate=1", "get_employee", 30.0, 2),
    ("truncate=1", "list_employees", 30.0, 2),
    ("latency=0.3", "get_employee", 0.05, 0),
    ("unhealthy", "health", 30.0, 2),
]


def meet(
    client: JobTicket, clock: FakeClock, call: str, tmp_path: Path
) -> tuple[str, str, int | None, list[float]]:
    """What ``call`` raises: the error's type, its message (numbers masked), status, and the back-offs."""
    calls: dict[str, Callable[[], object]] = {
        "get_employee": lambda: client.get_employee(42),
        "get_document": lambda: client.get_document(101),
        "list_employees": lambda: client.list_employees().to_list(),
        "download_document": lambda: client.download_document(101, tmp_path / "file.pdf"),
        "health": client.health,
    }
    with pytest.raises(JobTicketError) as raised:
        calls[call]()
    error = raised.value
    # The twin's links hold its port, so lengths differ, and so does where a body cut in half ends.
    message = re.sub(r"\d+", "N", re.sub(r"JSONDecodeError: .*", "JSONDecodeError", str(error)))
    return type(error).__name__, message, getattr(error, "status_code", None), clock.sleeps


@pytest.mark.parametrize(("spec", "call", "timeout", "retries"), FAULTS_BOTH_WAYS, ids=str)
def test_each_fault_raises_in_process_what_it_raises_over_a_socket(
    spec: str, call: str, timeout: float, retries: int, tmp_path: Path
) -> None:
    config = TwinConfig(faults=parse_fault_spec(f"{spec},seed=1"))
    options: dict[str, Any] = {
        "timeout": timeout,
        "retry_policy": RetryPolicy(max_retries=retries, jitter=lambda: 0.0),
    }
    with in_process_twin(config) as kit, kit.client(**options) as client:
        in_process = meet(client, kit.clock, call, tmp_path)
    with running_twin(dataclasses.replace(config, clock=FakeClock())) as twin:
        username, password = twin.credentials()
        clock = FakeClock()
        with JobTicket(
            twin.base_url, username=username, password=password, clock=clock, pacer_store="memory", **options
        ) as client:  # fmt: skip
            over_a_socket = meet(client, clock, call, tmp_path)
    assert in_process == over_a_socket
    assert not (tmp_path / "file.pdf").exists()  # a failed download leaves no file, either way
