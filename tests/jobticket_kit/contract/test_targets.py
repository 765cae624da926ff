"""What the suite does differently per target: destructive checks need the opt-in, named checks
name their operation and open point, and plain pytest runs the same contract run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobticket_twin import TwinConfig

from .conftest import ROOT, contract_env, run_contract, serving

_SAFE_SELECTION = (
    "--operation",
    "triggerHrSync",
    "--operation",
    "healthCheck",
    "contract_tests/test_schemathesis.py::test_api",
    "contract_tests/test_hr_sync.py",
)


class DropContentDisposition:
    """Serves downloads without their Content-Disposition header (O-3)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def strip(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"content-disposition"]
                message = {**message, "headers": headers}
            await send(message)

        is_download = scope["type"] == "http" and scope["path"].endswith("/download")
        await self.app(scope, receive, strip if is_download else send)


def _ledger(results: dict[str, Any]) -> dict[str, str]:
    return {row["open_point"]: row["status"] for row in results["ledger"]}


@pytest.mark.slow
def test_without_the_opt_in_nothing_destructive_is_sent(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=0)) as url:
        outcome = run_contract(contract_env(url), report_dir, *_SAFE_SELECTION)
    assert outcome.code == 0, outcome.output[-3000:]
    assert "triggerHrSync" not in outcome.results["requests"]["by_operation"]
    assert outcome.results["requests"]["by_operation"]["healthCheck"] > 0
    left_out = outcome.results["not_exercised"]
    assert any("test_api[POST /hr-integrations/{id}/sync]" in test for test in left_out)
    assert any("test_hr_sync.py::test_omitted_employee_is_offboarded" in test for test in left_out)
    assert _ledger(outcome.results)["O-26"] == "not exercised"


@pytest.mark.slow
def test_with_the_opt_in_the_sandbox_integration_is_synced(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=0)) as url:
        env = contract_env(url, JOBTICKET_ALLOW_DESTRUCTIVE="1", JOBTICKET_SANDBOX_INTEGRATION_ID="8")
        outcome = run_contract(env, report_dir, *_SAFE_SELECTION)
    assert outcome.code == 0, outcome.output[-3000:]
    # Generic fuzzing of the sync stays off on a non-twin target; the named round trip runs.
    assert any("test_api[POST" in test for test in outcome.results["not_exercised"])
    assert outcome.results["requests"]["by_operation"]["triggerHrSync"] > 0
    assert _ledger(outcome.results)["O-26"] == "confirmed"


@pytest.mark.slow
def test_a_failing_named_check_names_operation_check_and_open_point(report_dir: Path) -> None:
    with serving(TwinConfig(rate_limit=0), DropContentDisposition) as url:
        outcome = run_contract(contract_env(url), report_dir, "contract_tests/test_download.py")
    assert outcome.code == 1, outcome.output[-3000:]
    assert outcome.failure_pairs() == {("downloadDocument", "download_is_a_pdf")}
    assert outcome.results["failures"][0]["open_points"] == ["O-3"]
    assert _ledger(outcome.results)["O-3"] == "refuted"
    assert "| O-3 | **refuted** |" in outcome.summary


@pytest.mark.slow
def test_plain_pytest_runs_the_same_contract_run(tmp_path: Path) -> None:
    env = contract_env(JOBTICKET_CONTRACT_OUTPUT_DIR=str(tmp_path))
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "contract_tests/test_errors.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    summary = (tmp_path / "summary.md").read_text()
    assert "contract holds" in summary
    assert "| O-13 | confirmed |" in summary
