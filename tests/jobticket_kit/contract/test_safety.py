"""Safety: production is refused before any socket opens; secrets and addresses never reach a report."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from jobticket_kit.contract import Verdict, run_suite
from jobticket_kit.contract.redaction import Redactor
from jobticket_kit.contract.results import Failure, SuiteResult


def test_production_is_refused_before_any_request(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    attempts: list[Any] = []

    def forbidden(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    env = {
        "JOBTICKET_BASE_URL": "https://V1-API.ticket-plus.app/",
        "JOBTICKET_USERNAME": "someone",
        "JOBTICKET_PASSWORD": "top-secret-value",
    }
    result = run_suite(env, report_dir=tmp_path)
    assert attempts == []
    assert result.verdict is Verdict.NO_VERDICT
    assert result.exit_code == 2
    assert result.reason.startswith("refused:")
    assert "production" in result.reason
    assert result.requests_spent == 0
    assert "top-secret-value" not in (tmp_path / "summary.md").read_text()


def test_plain_http_to_a_remote_host_is_refused(tmp_path: Path) -> None:
    env = {
        "JOBTICKET_BASE_URL": "http://v1-api-staging.ticket-plus.app",
        "JOBTICKET_USERNAME": "u",
        "JOBTICKET_PASSWORD": "p",
    }
    result = run_suite(env, report_dir=tmp_path)
    assert result.exit_code == 2
    assert "https" in result.reason


def test_fast_pacing_is_refused_for_remote_hosts(tmp_path: Path) -> None:
    env = {
        "JOBTICKET_BASE_URL": "https://v1-api-staging.ticket-plus.app",
        "JOBTICKET_USERNAME": "u",
        "JOBTICKET_PASSWORD": "p",
        "JOBTICKET_CONTRACT_PER_MINUTE": "100",
    }
    result = run_suite(env, report_dir=tmp_path)
    assert result.exit_code == 2
    assert "JOBTICKET_CONTRACT_PER_MINUTE" in result.reason


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JOBTICKET_CONTRACT_WINDOW", "3"),
        ("JOBTICKET_CONTRACT_BUDGET", "0"),
        ("JOBTICKET_CONTRACT_BUDGET", "lots"),
    ],
)
def test_a_scaled_window_or_a_bad_budget_is_refused_before_anything_is_sent(
    tmp_path: Path, name: str, value: str
) -> None:
    env = {
        "JOBTICKET_BASE_URL": "https://v1-api-staging.ticket-plus.app",
        "JOBTICKET_USERNAME": "u",
        "JOBTICKET_PASSWORD": "p",
        name: value,
    }
    result = run_suite(env, report_dir=tmp_path)
    assert result.exit_code == 2
    assert name in result.reason
    assert result.requests_spent == 0


def test_redaction_removes_secrets_tokens_and_addresses() -> None:
    text = "Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ= for anna.mueller@example.com with s3cr3t-key"
    cleaned = Redactor(["s3cr3t-key"]).text(text)
    assert cleaned == "Authorization: Basic [redacted] for [email] with [redacted]"


def test_redaction_removes_personal_values_the_run_has_seen_in_any_spelling() -> None:
    redactor = Redactor()
    redactor.learn(
        {"id": 42, "firstName": "Anna", "lastName": "Müller", "preferredName": "Änni", "resource": "employee"}
    )
    text = 'got "M\\u00fcller" and Müller, ?name=%C3%84nni and ANNA; resource employee, id 42'
    assert redactor.text(text) == (
        'got "[personal]" and [personal], ?name=[personal] and [personal]; resource employee, id 42'
    )


def test_redaction_rebuilds_nested_structures_before_serialisation() -> None:
    redactor = Redactor()
    redactor.learn({"data": [{"fullName": 'Anna "the" Müller', "status": "active"}]})
    failure = Failure("t", "listEmployees", "check", 'saw Anna "the" Müller', "msg", "curl", ("O-1",))
    result = SuiteResult(Verdict.BROKEN, "1 new failure(s)", "twin", failures=[failure])
    clean = redactor.redacted(result)
    assert clean.failures[0].title == "saw [personal]"
    assert clean.failures[0].open_points == ("O-1",)
    assert clean.verdict is Verdict.BROKEN
    assert result.failures[0].title == 'saw Anna "the" Müller'  # the original is left alone
