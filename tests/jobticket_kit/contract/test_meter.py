"""The one request meter: it wraps requests' sending once, puts it back, and tells every observer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from jobticket import FakeClock
from jobticket_kit.contract.budget import RequestBudget
from jobticket_kit.contract.journal import Journal
from jobticket_kit.contract.lifecycle import RunLifecycle
from jobticket_kit.contract.meter import UNREADABLE_BODY, Answer, MeterObserver, Outgoing
from jobticket_kit.contract.metering import Learning, metered
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.privacy.redact import Redactor
from tests.helpers.loopback import Connection, Handler, LoopbackServer, Received, answering

from .conftest import contract_env

EMPLOYEE = {"data": {"id": 42, "firstName": "Kasimir", "lastName": "Wojciechowski", "status": "active"}}


class Recorder(MeterObserver):
    """An observer that keeps what it saw, the way an evidence observer would."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []
        self.answers: list[tuple[str | None, int, object]] = []

    def sending(self, request: Outgoing, *, retry: bool) -> None:
        self.sent.append((request.label, retry))

    def answered(self, request: Outgoing, answer: Answer) -> None:
        body = json.loads(answer.body) if answer.body else None
        self.answers.append((request.operation, answer.status, body))


class Veto(Exception):
    pass


class Objecting(MeterObserver):
    def answered(self, request: Outgoing, answer: Answer) -> None:
        raise Veto(request.label)


def test_sending_is_wrapped_only_inside_the_block_and_put_back_after_an_error() -> None:
    original = HTTPAdapter.send
    meter = metered(RequestBudget(per_minute=None), load_spec(), {}, "http://127.0.0.1:1")
    inside: list[object] = []

    def fail_inside() -> None:
        with meter:
            inside.append(HTTPAdapter.send)
            with pytest.raises(RuntimeError, match="already metering"), meter:
                pass
            _ = 1 / 0

    with pytest.raises(ZeroDivisionError):
        fail_inside()
    assert len(inside) == 1
    assert inside[0] is not original
    assert HTTPAdapter.send is original
    with meter:  # and it may meter again
        assert HTTPAdapter.send is not original
    assert HTTPAdapter.send is original


def test_every_observer_sees_every_answer_and_learns_its_personal_values() -> None:
    recorder, redactor, journal = Recorder(), Redactor(), Journal()
    budget = RequestBudget(per_minute=None)
    with (
        LoopbackServer(answering(json.dumps(EMPLOYEE).encode())) as target,
        metered(
            budget,
            load_spec(),
            {},
            target.base_url,
            journal=journal,
            observers=[Learning(redactor), recorder],
        ),
        requests.Session() as session,
    ):
        assert session.get(target.url("/employees/42"), timeout=5).status_code == 200
        assert session.get(target.url("/_twin/clock"), timeout=5).status_code == 200
    assert recorder.sent == [("getEmployee", False)]  # control routes are neither metered nor observed
    assert recorder.answers == [("getEmployee", 200, EMPLOYEE)]
    assert [(exchange.operation, exchange.status) for exchange in journal.exchanges] == [("getEmployee", 200)]
    assert budget.spent == 1
    assert redactor.text("Kasimir Wojciechowski is active") == "[personal] [personal] is active"


def test_an_objection_is_raised_after_every_observer_saw_the_answer() -> None:
    recorder = Recorder()
    with (
        LoopbackServer() as target,
        metered(
            RequestBudget(per_minute=None),
            load_spec(),
            {},
            target.base_url,
            observers=[Objecting(), recorder],
        ),
        requests.Session() as session,
        pytest.raises(Veto, match="healthCheck"),
    ):
        session.get(target.url("/health"), timeout=5)
    assert recorder.answers == [("healthCheck", 200, {})]


def test_a_run_lets_further_observers_see_its_traffic(tmp_path: Path) -> None:
    recorder, original = Recorder(), HTTPAdapter.send
    lifecycle = RunLifecycle(contract_env(), report_dir=tmp_path, observers=[recorder])
    assert lifecycle.start() is None  # the preflight
    lifecycle.refuse("stopped by the test")
    assert recorder.answers[0][:2] == ("listEmployees", 200)
    assert HTTPAdapter.send is original


def in_turn(bodies: list[bytes]) -> Handler:
    """Answers 200 with each of ``bodies`` in turn (the last one repeats), each with a matching length:
    a JSON body cut short that HTTP cannot tell from a whole one."""
    answered: list[bytes] = []

    def answer(request: Received, connection: Connection) -> None:
        body = bodies[min(len(answered), len(bodies) - 1)]
        answered.append(body)
        connection.respond(200, body, content_type="application/json")

    return answer


def _metered_get(bodies: list[bytes], method: str = "GET") -> tuple[Journal, RequestBudget, int, bytes]:
    journal, budget = Journal(), RequestBudget(per_minute=None, clock=FakeClock())
    with (
        LoopbackServer(in_turn(bodies)) as target,
        metered(budget, load_spec(), {}, target.base_url, journal=journal),
        requests.Session() as session,
    ):
        response = session.request(method, target.url("/employees"), timeout=5)
    return journal, budget, response.status_code, response.content


def test_a_json_body_cut_short_is_sent_again_within_the_budget() -> None:
    whole = json.dumps(EMPLOYEE).encode()
    journal, budget, status, content = _metered_get([whole[:20], whole[:7], whole])
    assert (status, content) == (200, whole)
    assert [exchange.error for exchange in journal.exchanges] == [UNREADABLE_BODY, UNREADABLE_BODY, None]
    assert (budget.spent, budget.retries) == (3, 2)
    assert journal.outage is None  # the last answer was whole: no outage to speak of


def test_a_body_that_stays_unreadable_is_evidence_of_an_outage() -> None:
    journal, budget, status, _ = _metered_get([b'{"data": {"id": 4'])
    assert status == 200
    assert budget.spent == 4  # the first attempt and the meter's three retries, then it gives up
    assert journal.outage is not None
    assert journal.outage.describe() == "HTTP 200 with an unreadable JSON body from GET /employees"


def test_a_request_that_is_not_idempotent_is_not_sent_again() -> None:
    journal, budget, _, _ = _metered_get([b'{"cut', b"{}"], method="POST")
    assert budget.spent == 1
    assert journal.outage is not None
