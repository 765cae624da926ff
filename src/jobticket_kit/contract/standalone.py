"""Plain ``pytest contract_tests`` runs the same contract run as ``scripts/contract`` does.

The runner registers its own plugin; without it this plugin drives the run's :class:`RunLifecycle`
around the session: start at session start, conclude (reports included) at session end. When the
session holds contract checks only, its exit status becomes the run's verdict; mixed with other
tests, pytest's own status stands.
"""

from __future__ import annotations

import pytest

from jobticket_kit.contract.lifecycle import RunLifecycle
from jobticket_kit.contract.plugin import ContractPlugin
from jobticket_kit.settings import contract_output_dir

__all__ = ["StandaloneRun"]


class StandaloneRun:
    """Opens the contract run around a plain pytest session."""

    def __init__(self) -> None:
        self._lifecycle = RunLifecycle(report_dir=contract_output_dir())
        self._plugin: ContractPlugin | None = None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Refuse forbidden targets, start the twin or take the remote one, check it answers."""
        refused = self._lifecycle.start()
        if refused is not None:
            pytest.exit(f"contract run: no verdict: {refused.reason}", returncode=2)
        self._plugin = ContractPlugin(
            self._lifecycle.run, rerun_command="pytest", redactor=self._lifecycle.redactor
        )
        session.config.pluginmanager.register(self._plugin, "jobticket-contract")

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Write the reports and make the exit status the verdict."""
        if self._plugin is None:
            return
        result = self._lifecycle.conclude(self._plugin, int(exitstatus))
        if self._plugin.plan.other_items == 0:
            # A session of contract checks only: its exit status is the verdict (baseline included).
            session.exitstatus = result.exit_code
