"""The sandbox guard: no destructive request unless the sandbox integration holds synthetic employees only.

The twin runs as a separate process and the tools reach it by URL, as they would reach staging.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobticket_kit.cassettes.scenarios import SYNTHETIC_EMPLOYEE
from jobticket_kit.contract.synthetic import is_synthetic, synthetic_employee
from jobticket_twin.seed import EXAMPLE_INTEGRATION_ID, PENDING_INTEGRATION_ID, SEED_KEYS
from tests.helpers.lies import twin_state
from tests.helpers.twins import Twin

from .conftest import ROOT, contract_env

_ADMIN = (SEED_KEYS["admin"].key_id, SEED_KEYS["admin"].secret)

pytestmark = pytest.mark.twin(process=True, rate_limit=0)  # for the tests that use a twin


@pytest.mark.parametrize(
    ("email", "hr_id", "synthetic"),
    [
        ("contract.twin.1@example.com", "kit-contract-twin-1", True),
        ("Kit.Recorder@EXAMPLE.COM", "kit-cassette-recorder", True),
        ("anna.mueller@example.com", "emp_HR_001", False),  # reserved domain, but a real roster's hrId
        ("anna.mueller@company.de", "kit-anna", False),  # our prefix, a real address
        ("a@sub.example.com", "kit-a", False),
        ("a@example.com.evil.de", "kit-a", False),
        ("a@b@example.com", "kit-a", False),
        ("@example.com", "kit-a", False),
        ("a@example.com", "kit-", False),
        ("a@example.com", "KIT-a", False),
        (None, "kit-a", False),
    ],
)
def test_one_strict_rule_marks_synthetic_employees(email: str | None, hr_id: str, synthetic: bool) -> None:
    assert is_synthetic(email, hr_id) is synthetic


def test_the_kits_own_employees_follow_the_rule() -> None:
    assert is_synthetic(SYNTHETIC_EMPLOYEE["email"], SYNTHETIC_EMPLOYEE["hrId"])
    item = synthetic_employee("sandbox", 3)
    assert is_synthetic(item["email"], item["hrId"])


def _state(url: str) -> list[Any]:
    """Everything a sync could change: every employee (status, links, sync stamps) and integration."""
    return twin_state(url, _ADMIN)


def _run(command: str, url: str, integration: int, *args: str) -> subprocess.CompletedProcess[str]:
    env = contract_env(
        url, JOBTICKET_ALLOW_DESTRUCTIVE="1", JOBTICKET_SANDBOX_INTEGRATION_ID=str(integration)
    )
    return subprocess.run(
        [sys.executable, "-m", "jobticket_kit", command, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_sandbox_holding_seeded_employees_is_refused_and_unchanged(twin: Twin, tmp_path: Path) -> None:
    before = _state(twin.base_url)
    reports = tmp_path / "reports"
    completed = _run(
        "contract",
        twin.base_url,
        EXAMPLE_INTEGRATION_ID,
        "--output-dir",
        str(reports),
        "contract_tests/test_hr_sync.py",
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 2, output
    assert "not the kit's synthetic employees" in output
    assert "nothing was sent" in output
    assert "Traceback" not in output
    assert _state(twin.base_url) == before
    results = json.loads((reports / "results.json").read_text(encoding="utf-8"))
    assert results["requests"]["by_operation"].get("triggerHrSync", 0) == 0


@pytest.mark.slow
def test_one_almost_synthetic_employee_is_enough_to_refuse_a_recording(twin: Twin, tmp_path: Path) -> None:
    # The pending integration gets one employee on the reserved domain whose hrId is a real roster's.
    planted = dict(synthetic_employee("planted", 1), hrId="emp-4711")
    with httpx.Client(base_url=twin.base_url, auth=_ADMIN, timeout=10) as http:
        response = http.post(
            f"/hr-integrations/{PENDING_INTEGRATION_ID}/sync",
            json={"syncId": "setup", "employees": [planted]},
        )
        assert response.status_code == 204
    before = _state(twin.base_url)
    output_dir = tmp_path / "cassettes"
    completed = _run(
        "record-cassettes",
        twin.base_url,
        PENDING_INTEGRATION_ID,
        "--output-dir",
        str(output_dir),
        "--skip-unavailable",
    )
    lines = (completed.stdout + completed.stderr).strip().splitlines()
    assert completed.returncode == 2, lines
    assert len(lines) == 1, lines
    assert "1 of the 1 employee(s) linked to it are not the kit's synthetic employees" in lines[0]
    assert planted["email"] not in lines[0]
    assert _state(twin.base_url) == before
    assert not output_dir.exists()
