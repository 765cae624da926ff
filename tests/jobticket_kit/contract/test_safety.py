"""Safety: production is refused before any socket opens; secrets never reach a report."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from jobticket_kit.contract import Verdict, run_suite


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
        "JOBTICKET_CONTRACT_PER_MINUTE": "100",  # the deprecated name still counts, and is the one named
    }
    with pytest.warns(FutureWarning, match="JOBTICKET_CONTRACT_PER_MINUTE is deprecated"):
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
