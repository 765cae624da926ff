"""Plain ``pytest contract_tests`` runs the same contract run as ``scripts/contract`` does.

The runner registers its own plugin; without it this plugin opens the run at session start (twin or
remote target, metering, preflight) and writes the reports at session end. When the session holds
contract checks only, its exit status becomes the run's verdict; mixed with other tests, pytest's own
status stands.
"""

from __future__ import annotations

import os
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from jobticket_kit import variables
from jobticket_kit.checkout import project_root
from jobticket_kit.contract.baseline import Baseline
from jobticket_kit.contract.budget import TargetBlocked
from jobticket_kit.contract.metering import metered
from jobticket_kit.contract.plugin import ContractPlugin
from jobticket_kit.contract.redaction import Redactor, observing
from jobticket_kit.contract.report import write_reports
from jobticket_kit.contract.run_state import ContractRun
from jobticket_kit.contract.runner import (
    DEFAULT_BASELINE,
    DEFAULT_REPORT_DIR,
    NoVerdict,
    conclude,
    preflight,
    secrets_of,
)
from jobticket_kit.contract.session import open_run
from jobticket_kit.target import Target, TargetError

__all__ = ["REPORT_DIR_VAR", "StandaloneRun"]

REPORT_DIR_VAR = variables.CONTRACT_REPORTS


class StandaloneRun:
    """Opens the contract run around a plain pytest session."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._run: ContractRun | None = None
        self._plugin: ContractPlugin | None = None
        self._started = time.monotonic()

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Refuse forbidden targets, start the twin or take the remote one, check it answers."""
        try:
            target = Target.from_env()
            self._baseline = Baseline.load(project_root() / DEFAULT_BASELINE)
            run = self._stack.enter_context(open_run(target))
            self._stack.enter_context(
                metered(run.budget, run.spec, run.credential_names(), run.base_url, run.refused_origins)
            )
            preflight(run)
        except (TargetError, NoVerdict, TargetBlocked) as exc:
            self._stack.close()
            pytest.exit(f"contract run: no verdict: {exc}", returncode=2)
        self._run = run
        redactor = Redactor(secrets_of(run))
        self._stack.enter_context(observing(redactor))
        self._plugin = ContractPlugin(run, rerun_command="pytest", redactor=redactor)
        session.config.pluginmanager.register(self._plugin, "jobticket-contract")

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Write the reports and make the exit status the verdict."""
        if self._run is None or self._plugin is None:
            return
        try:
            result = conclude(self._run, self._plugin, int(exitstatus), self._baseline)
            result.duration_seconds = time.monotonic() - self._started
            report_dir = Path(os.environ.get(REPORT_DIR_VAR) or project_root() / DEFAULT_REPORT_DIR)
            write_reports(result, report_dir, self._plugin.redactor)
            if self._plugin.other_items == 0:
                # A session of contract checks only: its exit status is the verdict (baseline included).
                session.exitstatus = result.exit_code
        finally:
            self._stack.close()
