"""Run the contract suite once and return its structured result (the nightly job builds on this).

Order of business: refuse a forbidden target before anything is sent; start the twin or take the
remote target; meter every request; check that the target answers and accepts the credentials; run
pytest over ``contract_tests/``; then sort failures against the baseline and write the reports.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from jobticket_kit.checkout import project_root
from jobticket_kit.contract.baseline import Baseline, BaselineError
from jobticket_kit.contract.budget import TargetBlocked
from jobticket_kit.contract.metering import OtherOriginRefused, metered
from jobticket_kit.contract.plugin import ContractPlugin
from jobticket_kit.contract.redaction import Redactor, observing
from jobticket_kit.contract.report import write_reports
from jobticket_kit.contract.results import SuiteResult, Verdict
from jobticket_kit.contract.run_state import ContractRun
from jobticket_kit.contract.sandbox import SandboxRefused, check_sandbox
from jobticket_kit.contract.session import open_run
from jobticket_kit.target import BASE_URL_VAR, Target, TargetError

__all__ = [
    "DEFAULT_BASELINE",
    "DEFAULT_REPORT_DIR",
    "NoVerdict",
    "account",
    "conclude",
    "preflight",
    "run_suite",
    "secrets_of",
]

DEFAULT_REPORT_DIR = Path("reports") / "contract"
DEFAULT_BASELINE = Path("contract_tests") / "baseline.yaml"


# The runner imports schemathesis before pytest starts, so pytest cannot rewrite its asserts: harmless.
# No tracebacks on the console: they would carry response bodies into CI logs; summary.md has the details.
_QUIET = ("-W", "ignore::pytest.PytestAssertRewriteWarning", "--tb=no")


class NoVerdict(Exception):
    """The target cannot be tested right now (down, bad credentials)."""


def run_suite(
    env: Mapping[str, str] | None = None,
    *,
    report_dir: Path | None = None,
    baseline: Path | None = None,
    pytest_args: Sequence[str] = (),
    operations: Sequence[str] = (),
) -> SuiteResult:
    """Run the suite against the target ``env`` describes and write JUnit, summary.md and results.json.

    ``pytest_args`` select checks (node ids, ``-k``); ``operations`` limits schemathesis to those
    operation ids.
    """
    env = os.environ if env is None else env
    root = project_root()
    report_dir = report_dir or root / DEFAULT_REPORT_DIR
    started = time.monotonic()
    try:
        target = Target.from_env(env)
    except TargetError as exc:
        result = SuiteResult(Verdict.NO_VERDICT, f"refused: {exc}", env.get(BASE_URL_VAR, "?"))
        return write_reports(result, report_dir, Redactor())
    try:
        accepted = Baseline.load(baseline or root / DEFAULT_BASELINE)
    except BaselineError as exc:
        result = SuiteResult(Verdict.NO_VERDICT, f"bad baseline: {exc}", target.base_url or "twin")
        return write_reports(result, report_dir, Redactor())
    try:
        with (
            open_run(target, env) as run,
            metered(run.budget, run.spec, run.credential_names(), run.base_url, run.refused_origins),
        ):
            plugin = ContractPlugin(run, operations=operations, redactor=Redactor(secrets_of(run)))
            with observing(plugin.redactor):
                result = _run(
                    run,
                    plugin=plugin,
                    root=root,
                    report_dir=report_dir,
                    baseline=accepted,
                    pytest_args=pytest_args,
                )
    except TargetError as exc:
        result = SuiteResult(Verdict.NO_VERDICT, f"refused: {exc}", target.base_url or "twin")
        return write_reports(result, report_dir, Redactor())
    result.duration_seconds = time.monotonic() - started
    return write_reports(result, report_dir, plugin.redactor)


def _run(
    run: ContractRun,
    *,
    plugin: ContractPlugin,
    root: Path,
    report_dir: Path,
    baseline: Baseline,
    pytest_args: Sequence[str],
) -> SuiteResult:
    try:
        preflight(run)
    except (TargetBlocked, NoVerdict) as exc:
        result = SuiteResult(Verdict.NO_VERDICT, _reason(exc), run.target_label)
        return account(result, run)
    report_dir.mkdir(parents=True, exist_ok=True)
    junit = report_dir / "junit.xml"
    selection = list(pytest_args) or [str(root / "contract_tests")]
    code = pytest.main(
        [*selection, f"--rootdir={root}", f"--junitxml={junit}", "-p", "no:cacheprovider", "-q", *_QUIET],
        plugins=[plugin],
    )
    result = conclude(run, plugin, int(code), baseline)
    result.reports["junit"] = str(junit)
    return result


def conclude(run: ContractRun, plugin: ContractPlugin, code: int, baseline: Baseline) -> SuiteResult:
    """Turn a finished pytest session into the run's verdict."""
    result = SuiteResult(Verdict.NO_VERDICT, "", run.target_label)
    result.tests_passed, result.tests_failed = plugin.passed, plugin.failed
    new, accepted, stale = baseline.split(plugin.failures)
    if run.tolerant:
        # Tolerant mode (facts file, section 11): a refuted working assumption is recorded, not fatal.
        accepted += [
            replace(failure, accepted_because=f"tolerant mode: refutes {', '.join(failure.open_points)}")
            for failure in new
            if failure.open_points
        ]
        new = [failure for failure in new if not failure.open_points]
    result.failures, result.accepted, result.stale_baseline = new, accepted, stale
    result.not_exercised = dict(plugin.deselected)
    if run.budget.block is not None:
        result.reason = f"blocked: {run.budget.block.describe()}"
    elif code in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        result.reason = f"pytest could not run the suite (exit {code})"
    elif code == pytest.ExitCode.NO_TESTS_COLLECTED:
        result.reason = "no contract check was selected"
    elif code == pytest.ExitCode.TESTS_FAILED and not plugin.failures:
        result.reason = "checks failed but none could be attributed; see junit.xml"
    elif new:
        result.verdict = Verdict.BROKEN
        result.reason = f"{len(new)} new failure(s)"
    else:
        result.verdict = Verdict.HOLDS
        result.reason = "every check passed" + (
            f" ({len(accepted)} accepted deviation(s))" if accepted else ""
        )
    return account(result, run)


def _reason(exc: Exception) -> str:
    return f"blocked: {exc}" if isinstance(exc, TargetBlocked) else str(exc)


def preflight(run: ContractRun) -> None:
    """Reach the target and prove the main credential works, or say why there is no verdict.

    Before destructive checks off the twin, also prove the sandbox integration holds synthetic
    employees only (:mod:`sandbox`).
    """
    api = run.api()
    try:
        response = api.get("/employees", perPage=1)
    except OtherOriginRefused as exc:
        raise NoVerdict(f"preflight: {exc} (the target redirected elsewhere)") from None
    except requests.RequestException as exc:
        raise NoVerdict(f"target unreachable: {type(exc).__name__} on GET {run.base_url}/employees") from None
    if response.status_code == 401:
        raise NoVerdict("bad credentials: the target answered 401 to the main key")
    if response.status_code == 403:
        raise NoVerdict("the main key lacks view-employees; the suite needs a key with all five permissions")
    if run.base_url.startswith("https://"):
        run.ledger.confirm("O-1", "preflight", "the target answers over https")
    else:
        run.ledger.note("O-1", "the target is a loopback twin on plain http; O-1 needs the staging host")
    if run.destructive_allowed and not run.is_twin and run.sandbox_integration is not None:
        try:
            with run.client() as client:
                check_sandbox(client, run.sandbox_integration)
        except (SandboxRefused, OtherOriginRefused) as exc:
            raise NoVerdict(f"refused: {exc}") from None


def account(result: SuiteResult, run: ContractRun) -> SuiteResult:
    """Copy the budget's counts and the ledger into the result."""
    budget = run.budget
    result.requests_spent = budget.spent
    result.requests_by_credential = budget.by_credential
    result.requests_by_operation = budget.by_operation
    result.pacing_wait_seconds = budget.waited_seconds
    result.requests_refused = dict(run.refused_origins)
    result.operations = {
        op.operation_id: f"{op.label}: {budget.by_operation.get(op.operation_id, 0)} request(s)"
        for op in run.spec.operations
    }
    result.ledger = run.ledger.rows()
    return result


def secrets_of(run: ContractRun) -> list[str]:
    """Every key id and secret of the run, for redacting the reports."""
    credentials = [run.main, *run.keys.values()]
    return [part for credential in credentials for part in (credential.username, credential.password)]
