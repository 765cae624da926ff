"""Run the contract suite once and return its structured result (the nightly job builds on this).

The run's lifecycle (refuse, open, meter, preflight, conclude, report) lives in :mod:`lifecycle`;
this module starts pytest over ``contract_tests/`` in between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jobticket_kit.checkout import project_root
from jobticket_kit.contract.lifecycle import RunLifecycle
from jobticket_kit.contract.plugin import ContractPlugin
from jobticket_kit.contract.results import SuiteResult
from jobticket_kit.target import TargetError

if TYPE_CHECKING:
    from jobticket_kit.evidence.freshness import Freshness

__all__ = ["run_suite"]

# The runner imports schemathesis before pytest starts, so pytest cannot rewrite its asserts: harmless.
# No tracebacks on the console: they would carry response bodies into CI logs; summary.md has the details.
_QUIET = ("-W", "ignore::pytest.PytestAssertRewriteWarning", "--tb=no")


def run_suite(
    env: Mapping[str, str] | None = None,
    *,
    report_dir: Path | None = None,
    baseline: Path | None = None,
    pytest_args: Sequence[str] = (),
    operations: Sequence[str] = (),
    freshness: Freshness | None = None,
) -> SuiteResult:
    """Run the suite against the target ``env`` describes and write JUnit, summary.md and results.json.

    ``pytest_args`` select checks (node ids, ``-k``); ``operations`` limits schemathesis to those
    operation ids; ``freshness`` (the evidence of earlier runs) orders and sizes the request plan.
    """
    lifecycle = RunLifecycle(env, report_dir=report_dir, baseline=baseline, freshness=freshness)
    try:  # before the first request: a run whose reports cannot be written is not started
        lifecycle.report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TargetError(
            f"cannot create {lifecycle.report_dir}: {error.strerror or type(error).__name__}"
        ) from None
    refused = lifecycle.start()
    if refused is not None:
        return refused
    root = project_root()
    junit = lifecycle.report_dir / "junit.xml"
    selection = list(pytest_args) or [str(root / "contract_tests")]
    plugin = ContractPlugin(lifecycle.run, operations=operations, redactor=lifecycle.redactor)
    try:
        code = pytest.main(
            [*selection, f"--rootdir={root}", f"--junitxml={junit}", "-p", "no:cacheprovider", "-q", *_QUIET],
            plugins=[plugin],
        )
    except TargetError as exc:
        return lifecycle.refuse(f"refused: {exc}")
    return lifecycle.conclude(plugin, int(code), junit)
