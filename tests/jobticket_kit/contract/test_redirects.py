"""Tooling requests never reach another origin: redirects to production or elsewhere are refused, counted."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from jobticket_kit.contract import Verdict, run_suite
from jobticket_kit.contract.budget import RequestBudget
from jobticket_kit.contract.metering import metered
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.origins import OtherOriginRefused
from tests.helpers.loopback import LoopbackServer, redirecting

from .conftest import ROOT, contract_env

PRODUCTION = "https://v1-api.ticket-plus.app"
_LOOPBACK = {"127.0.0.1", "localhost"}


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Let names resolve on loopback only; record (and fail) any other lookup."""
    lookups: list[Any] = []
    original = socket.getaddrinfo

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in _LOOPBACK:
            lookups.append(host)
            raise AssertionError(f"name lookup of {host!r}")
        return original(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    yield lookups
    assert lookups == []


def test_a_redirect_to_production_in_the_preflight_is_refused_not_followed(
    tmp_path: Path, loopback_only: list[Any]
) -> None:
    with LoopbackServer(redirecting(PRODUCTION)) as target:
        env = contract_env(target.base_url)
        result = run_suite(env, report_dir=tmp_path)
    assert target.request_lines == ["GET /employees?perPage=1"]
    assert result.verdict is Verdict.NO_VERDICT
    assert "refused a request to https://v1-api.ticket-plus.app" in result.reason
    assert "redirected" in result.reason
    assert result.requests_refused == {PRODUCTION: 1}
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "Requests refused (another origin, never sent): https://v1-api.ticket-plus.app: 1" in summary


def test_a_redirect_to_another_loopback_port_is_refused_by_the_cli(tmp_path: Path) -> None:
    with LoopbackServer() as elsewhere, LoopbackServer(redirecting(elsewhere.base_url)) as target:
        completed = subprocess.run(
            [sys.executable, "-m", "jobticket_kit", "contract", "--output-dir", str(tmp_path)],
            cwd=ROOT,
            env=contract_env(target.base_url),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert completed.returncode == 2
    assert elsewhere.request_lines == []
    assert f"refused a request to {elsewhere.base_url}" in completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr


def test_every_request_of_the_run_is_checked_redirect_by_redirect() -> None:
    """What schemathesis and the named checks send passes the same guard (requests' HTTPAdapter)."""
    budget, refused = RequestBudget(per_minute=100_000), dict[str, int]()
    with (
        LoopbackServer() as elsewhere,
        LoopbackServer(redirecting(elsewhere.base_url)) as hostile,
        LoopbackServer() as target,
        metered(budget, load_spec(), {}, target.base_url, refused),
        requests.Session() as session,
    ):
        assert session.get(target.url("/health"), timeout=5).status_code == 200
        with pytest.raises(OtherOriginRefused, match=r"127\.0\.0\.1"):
            session.get(hostile.url("/employees"), timeout=5)  # another port is another origin
        with pytest.raises(OtherOriginRefused, match="malformed URL"):
            session.get(target.url("/health").replace("127.0.0.1", "127.0.0.1%2e"), timeout=5)
    assert elsewhere.request_lines == []
    assert hostile.request_lines == []
    assert target.request_lines == ["GET /health"]
    assert budget.spent == 1
    assert refused == {hostile.base_url: 1, "malformed URL": 1}


def test_a_same_origin_redirect_is_followed_and_counted() -> None:
    budget, refused = RequestBudget(per_minute=100_000), dict[str, int]()
    with (
        LoopbackServer(
            redirecting(lambda request: "/health" if request.target == "/employees" else None)
        ) as target,
        metered(budget, load_spec(), {}, target.base_url, refused),
        requests.Session() as session,
    ):
        assert session.get(target.url("/employees"), timeout=5).status_code == 200
    assert target.request_lines == ["GET /employees", "GET /health"]
    assert refused == {}
    assert budget.spent == 2
