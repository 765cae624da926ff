"""The lifecycle of one contract run, written once: open the run, meter, preflight, conclude, report.

``scripts/contract`` (:mod:`runner`, which starts pytest itself) and a plain ``pytest contract_tests``
(:mod:`standalone`, a plugin inside a running session) both drive a :class:`RunLifecycle`:

1. :meth:`RunLifecycle.start` refuses a forbidden target or a bad baseline before anything is sent,
   starts the twin or takes the remote target, meters every request and checks that the target
   answers and accepts the main key. When it cannot go on it returns the no-verdict result, reports
   written.
2. pytest runs ``contract_tests/`` with a :class:`ContractPlugin` on :attr:`RunLifecycle.run`.
3. :meth:`RunLifecycle.conclude` sorts the failures against the baseline, turns them into the verdict,
   writes the reports (redacted by :attr:`RunLifecycle.redactor`, which learned every personal value
   the run saw) and the run's evidence about the target (``evidence-run.json``,
   :mod:`jobticket_kit.evidence`), and closes the run (the twin stops).
"""

from __future__ import annotations

import datetime
import json
import os
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from jobticket_kit.checkout import project_root
from jobticket_kit.contract.baseline import Baseline, BaselineError
from jobticket_kit.contract.budget import BudgetSpent, TargetBlocked
from jobticket_kit.contract.coverage import coverage_table
from jobticket_kit.contract.meter import MeterObserver
from jobticket_kit.contract.metering import Learning, metered
from jobticket_kit.contract.origins import OtherOriginRefused
from jobticket_kit.contract.outcomes import OUTAGE
from jobticket_kit.contract.plugin import ContractPlugin
from jobticket_kit.contract.report import write_reports
from jobticket_kit.contract.results import SuiteResult, Verdict
from jobticket_kit.contract.run_state import ContractRun
from jobticket_kit.contract.sandbox import SandboxGuarded, SandboxRefused, check_sandbox
from jobticket_kit.contract.session import open_run
from jobticket_kit.evidence.freshness import Freshness
from jobticket_kit.evidence.observer import EvidenceObserver
from jobticket_kit.evidence.store import RUN_EVIDENCE, TWIN, VENDOR
from jobticket_kit.hosts import origin_of
from jobticket_kit.privacy.redact import Redactor
from jobticket_kit.settings import KitSettings
from jobticket_kit.target import BASE_URL_VAR, TargetError

__all__ = [
    "DEFAULT_BASELINE",
    "DEFAULT_REPORT_DIR",
    "NoVerdict",
    "RunLifecycle",
    "account",
    "conclude",
    "evidence_observer",
    "needs_sandbox_guard",
    "preflight",
    "secrets_of",
]

DEFAULT_REPORT_DIR = Path("reports") / "contract"
DEFAULT_BASELINE = Path("contract_tests") / "baseline.yaml"


class NoVerdict(Exception):
    """The target cannot be tested right now (down, bad credentials)."""


class RunLifecycle:
    """One contract run from its environment to its reports.

    ``observers`` see every request of the run beside the budget, the journal, the redactor and the
    evidence observer (:mod:`metering`): the place for whatever else a run keeps of the target's
    traffic. ``freshness`` (a nightly's evidence of earlier runs) orders and sizes the request plan.
    """

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        report_dir: Path | None = None,
        baseline: Path | None = None,
        observers: Sequence[MeterObserver] = (),
        freshness: Freshness | None = None,
    ) -> None:
        self.env = os.environ if env is None else env
        self._observers = tuple(observers)
        self._freshness = freshness
        root = project_root()
        self.report_dir = report_dir or root / DEFAULT_REPORT_DIR
        self._baseline_path = baseline or root / DEFAULT_BASELINE
        self._baseline = Baseline()
        self._stack = ExitStack()
        self._started = time.monotonic()
        self._run: ContractRun | None = None
        self.redactor = Redactor()
        self.evidence: EvidenceObserver | None = None

    @property
    def run(self) -> ContractRun:
        """The run in progress (after a successful :meth:`start`)."""
        if self._run is None:
            raise RuntimeError("the contract run has not started")
        return self._run

    def start(self) -> SuiteResult | None:
        """Open, meter and preflight the run; return the written no-verdict result if it cannot go on."""
        label = self.env.get(BASE_URL_VAR, "?")
        try:
            settings = KitSettings.from_env(self.env)
            label = settings.target.base_url or "twin"
            self._baseline = Baseline.load(self._baseline_path)
            run = self._stack.enter_context(open_run(settings))
            run.freshness = self._freshness
            # The redactor learns every personal value the target answers, through the run's meter, and
            # the evidence observer counts what each answer shows of the spec's elements.
            self.redactor = Redactor(secrets_of(run))
            self.evidence = evidence_observer(run)
            # Off the twin, every destructive request is preceded by the sandbox guard, at the time of use.
            guards = [SandboxGuarded(run)] if needs_sandbox_guard(run) else []
            self._stack.enter_context(
                metered(
                    run.budget,
                    run.spec,
                    run.credential_names(),
                    run.base_url,
                    refused=run.refused_origins,
                    journal=run.journal,
                    observers=[*guards, Learning(self.redactor), self.evidence, *self._observers],
                    deadline=run.request_deadline,
                )
            )
        except TargetError as exc:
            return self.refuse(f"refused: {exc}", label)
        except BaselineError as exc:
            return self.refuse(f"bad baseline: {exc}", label)
        self._run = run
        try:
            preflight(run)
        except (TargetBlocked, BudgetSpent, NoVerdict) as exc:
            reason = f"blocked: {exc}" if isinstance(exc, TargetBlocked) else str(exc)
            return self._finish(account(SuiteResult(Verdict.NO_VERDICT, reason, run.target_label), run))
        return None

    def refuse(self, reason: str, label: str | None = None) -> SuiteResult:
        """End the run without a verdict (a refused target, a bad baseline) and write why."""
        target = label or (self._run.target_label if self._run is not None else "?")
        return self._finish(SuiteResult(Verdict.NO_VERDICT, reason, target))

    def conclude(self, plugin: ContractPlugin, exit_code: int, junit: Path | None = None) -> SuiteResult:
        """Turn the finished pytest session into the verdict, write the reports, close the run."""
        result = conclude(self.run, plugin, exit_code, self._baseline)
        if junit is not None:
            result.reports["junit"] = str(junit)
        return self._finish(result)

    def _finish(self, result: SuiteResult) -> SuiteResult:
        """Write the redacted reports and the run's evidence, close the run, return the redacted result."""
        try:
            result.duration_seconds = time.monotonic() - self._started
            if self.evidence is not None:
                evidence = self.evidence.finish(self.redactor, result.ledger)
                self.report_dir.mkdir(parents=True, exist_ok=True)
                path = self.report_dir / RUN_EVIDENCE
                path.write_text(json.dumps(evidence.as_dict(), indent=1, ensure_ascii=False) + "\n", "utf-8")
                result.reports["evidence_run"] = str(path)
            return write_reports(result, self.report_dir, self.redactor)
        finally:
            self._stack.close()


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
    result.flaky = list(plugin.flaky)
    result.not_exercised = dict(plugin.plan.deselected)
    result.left_out = dict(plugin.plan.left_out)
    outages = [failure for failure in new if failure.outcome == OUTAGE]
    if run.incidents:
        result.verdict = Verdict.INCIDENT
        result.reason = "; ".join(run.incidents)
    elif run.budget.block is not None:
        result.reason = f"blocked: {run.budget.block.describe()}"
    elif run.budget.halted is not None:
        result.reason = run.budget.halted
    elif code in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        result.reason = f"pytest could not run the suite (exit {code})"
    elif code == pytest.ExitCode.NO_TESTS_COLLECTED:
        result.reason = "no contract check was selected"
    elif code == pytest.ExitCode.TESTS_FAILED and not plugin.failures and not plugin.flaky:
        result.reason = "checks failed but none could be attributed; see junit.xml"
    elif new and len(outages) == len(new):
        # 5xx and lost connections say nothing about the contract: no verdict, either way.
        result.reason = (
            f"{OUTAGE}: {len(outages)} check(s) got only server errors or lost connections; "
            "no evidence about the contract"
        )
    elif new:
        result.verdict = Verdict.BROKEN
        result.reason = f"{len(new)} new failure(s)"
    else:
        result.verdict = Verdict.HOLDS
        notes = [f"{len(accepted)} accepted deviation(s)"] if accepted else []
        notes += [f"{len(result.flaky)} flaky"] if result.flaky else []
        result.reason = "every check passed" + (f" ({', '.join(notes)})" if notes else "")
    return account(result, run)


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
    if response.status_code >= 500:
        raise NoVerdict(f"{OUTAGE}: the target answered {response.status_code} to GET /employees")
    if run.base_url.startswith("https://"):
        run.ledger.confirm("O-1", "preflight", "the target answers over https")
    else:
        run.ledger.note("O-1", "the target is a loopback twin on plain http; O-1 needs the staging host")
    if needs_sandbox_guard(run):
        assert run.sandbox_integration is not None
        try:
            with run.client() as client:
                check_sandbox(client, run.sandbox_integration)
        except (SandboxRefused, OtherOriginRefused) as exc:
            raise NoVerdict(f"refused: {exc}") from None


def needs_sandbox_guard(run: ContractRun) -> bool:
    """Whether destructive checks run off the twin, on the sandbox integration: then it is guarded."""
    return run.destructive_allowed and not run.is_twin and run.sandbox_integration is not None


def account(result: SuiteResult, run: ContractRun) -> SuiteResult:
    """Copy the budget's counts, the coverage and the ledger into the result."""
    budget = run.budget
    result.requests_spent = budget.spent
    result.requests_by_credential = budget.by_credential
    result.requests_by_operation = budget.by_operation
    result.requests_by_status = {f"{op} {status}": n for (op, status), n in sorted(budget.statuses.items())}
    result.requests_limit = budget.limit
    result.requests_retried = budget.retries
    result.pacing_wait_seconds = budget.waited_seconds
    result.pacing_real_time = budget.real_time
    result.requests_refused = dict(run.refused_origins)
    result.coverage = coverage_table(run.spec, budget.statuses)
    result.operations = {
        op.operation_id: f"{op.label}: {budget.by_operation.get(op.operation_id, 0)} request(s)"
        for op in run.spec.operations
    }
    result.ledger = run.ledger.rows()
    return result


def evidence_observer(run: ContractRun) -> EvidenceObserver:
    """The run's evidence observer: vendor evidence, unless the run started the twin itself."""
    observed_at = datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds")
    if run.is_twin:
        return EvidenceObserver(run.spec, kind=TWIN, target=TWIN, observed_at=observed_at)
    target = str(origin_of(run.base_url))
    return EvidenceObserver(run.spec, kind=VENDOR, target=target, observed_at=observed_at)


def secrets_of(run: ContractRun) -> list[str]:
    """Every key id and secret of the run, for redacting the reports."""
    credentials = [run.main, *run.keys.values()]
    return [part for credential in credentials for part in (credential.username, credential.password)]
