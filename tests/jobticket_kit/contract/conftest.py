"""Helpers to run the contract suite as its users do: a separate process, configured by environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp

from jobticket_kit import variables
from jobticket_kit.checkout import project_root
from jobticket_twin import TwinConfig, create_app
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import serve_in_thread

ROOT = project_root()
_PATH = os.pathsep.join(str(ROOT / part) for part in ("src", "client"))


@dataclass(frozen=True)
class Outcome:
    """What one contract run printed, returned and wrote."""

    code: int
    output: str
    results: dict[str, Any]
    summary: str

    def failure_pairs(self) -> set[tuple[str | None, str]]:
        return {(failure["operation"], failure["check"]) for failure in self.results["failures"]}


def contract_env(base_url: str | None = None, key: str = "admin", **extra: str) -> dict[str, str]:
    """Environment for a run: the twin by default, else ``base_url`` with a twin seed key."""
    env = {name: value for name, value in os.environ.items() if name not in variables.ALL_VARIABLES}
    env["PYTHONPATH"] = _PATH
    if base_url is not None:
        seed = SEED_KEYS[key]
        env.update(
            JOBTICKET_BASE_URL=base_url, JOBTICKET_USERNAME=seed.key_id, JOBTICKET_PASSWORD=seed.secret
        )
        # A loopback test twin runs without a limit, so the run need not pace at the staging rate.
        env.setdefault("JOBTICKET_CONTRACT_RATE_LIMIT", "100000")
    env.update(extra)
    return env


def run_contract(
    env: dict[str, str], report_dir: Path, *selection: str, command: str = "contract"
) -> Outcome:
    """Run ``jobticket-kit contract`` (or the ``nightly`` command) and read its reports."""
    completed = subprocess.run(
        [sys.executable, "-m", "jobticket_kit", command, "--output-dir", str(report_dir), *selection],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    results_file = report_dir / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    summary_file = report_dir / "summary.md"
    summary = summary_file.read_text() if summary_file.exists() else ""
    return Outcome(completed.returncode, completed.stdout + completed.stderr, results, summary)


@contextmanager
def serving(config: TwinConfig, wrap: Callable[[ASGIApp], ASGIApp] | None = None) -> Iterator[str]:
    """Serve a twin (optionally wrapped by an ASGI middleware) and yield its base URL."""
    app: ASGIApp = create_app(config)
    with serve_in_thread(wrap(app) if wrap else app) as url:
        yield url


def schemathesis_only(operation_id: str) -> tuple[str, ...]:
    """Arguments that run schemathesis on one operation only."""
    return ("--operation", operation_id, "contract_tests/test_schemathesis.py::test_api")


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    return tmp_path / "reports"
