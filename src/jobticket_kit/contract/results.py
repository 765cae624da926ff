"""The structured result of a contract run, as the reports and the nightly job consume it."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import Any

from jobticket_kit.contract.ledger import LedgerRow
from jobticket_kit.contract.outcomes import classify

__all__ = ["Failure", "SuiteResult", "Verdict"]


class Verdict(IntEnum):
    """The run's answer, which is also the process exit code."""

    HOLDS = 0
    BROKEN = 1
    NO_VERDICT = 2
    INCIDENT = 3
    """A sync the run sent did something else than its plan: people's data changed unexpectedly."""

    @property
    def text(self) -> str:
        """How the summary says it."""
        return {0: "contract holds", 1: "contract broken", 2: "no verdict", 3: "incident"}[self.value]


@dataclass(frozen=True)
class Failure:
    """One way the target broke the contract.

    ``operation`` is an operationId (or None for checks spanning operations), ``check`` the
    schemathesis check or named check that failed, ``test`` the pytest node id, ``status`` the code
    of the last answer the check got (None: no answer, the connection failed). ``message`` is one
    line, what was expected and what came instead; ``reproduction`` a command that runs as printed
    (the request that showed it, or ``rerun`` when the request cannot be replayed by hand), ``rerun``
    the command that runs the check again.

    ``outage_evidence`` names the answer that showed the target unavailable (a 5xx, a lost connection,
    an unreadable body), when the check or its shared setup got one: then the failure is an outage,
    whatever exception followed. ``fixture`` names the shared setup (``<scope>::<fixture>``) a failure
    happened in, and ``affects`` the further checks that failed in the same setup: it is reported once.
    ``from_schemathesis``: one of the failures a schemathesis check found (they differ by title).
    """

    test: str
    operation: str | None
    check: str
    title: str
    message: str
    reproduction: str
    open_points: tuple[str, ...] = ()
    accepted_because: str | None = None
    status: int | None = None
    rerun: str = ""
    outage_evidence: str | None = None
    fixture: str | None = None
    affects: tuple[str, ...] = ()
    from_schemathesis: bool = False

    @property
    def outcome(self) -> str:
        """The outcome class (``jobticket_kit.contract.outcomes``)."""
        return classify(
            check=self.check,
            title=self.title,
            message=self.message,
            test=self.test,
            status=self.status,
            outage_evidence=self.outage_evidence,
        )

    @property
    def fingerprint(self) -> str:
        """Stable identity across runs: what failed where, never the varying message.

        Each parametrised case is its own failure. A shared setup is identified by its fixture and
        scope (whichever check happened to run it first); a named check by its test and phase (its
        message may quote counts that change from night to night); a schemathesis failure also by its
        title, which names the kind of failure (one operation can fail several ways at once).
        """
        if self.fixture is not None:
            parts: tuple[str, ...] = ("setup", self.fixture, self.check)
        elif self.from_schemathesis:
            parts = (self.test, self.operation or "-", self.check, self.title)
        else:
            parts = (self.test, self.operation or "-", self.check)
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, fingerprint included."""
        return {
            **asdict(self),
            "open_points": list(self.open_points),
            "affects": list(self.affects),
            "outcome": self.outcome,
            "fingerprint": self.fingerprint,
        }


@dataclass
class SuiteResult:
    """Everything one run found out."""

    verdict: Verdict
    reason: str
    target: str
    failures: list[Failure] = field(default_factory=list)
    accepted: list[Failure] = field(default_factory=list)
    flaky: list[Failure] = field(default_factory=list)
    stale_baseline: list[str] = field(default_factory=list)
    not_exercised: dict[str, str] = field(default_factory=dict)
    requests_spent: int = 0
    requests_by_credential: dict[str, int] = field(default_factory=dict)
    requests_by_operation: dict[str, int] = field(default_factory=dict)
    requests_by_status: dict[str, int] = field(default_factory=dict)
    requests_limit: int | None = None
    requests_retried: int = 0
    coverage: dict[str, dict[str, str]] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    operations: dict[str, str] = field(default_factory=dict)
    pacing_wait_seconds: float = 0.0
    pacing_real_time: bool = True  # False: the twin's fake clock, whose waits took no real time
    requests_refused: dict[str, int] = field(default_factory=dict)  # by origin: never sent (metering)
    ledger: list[LedgerRow] = field(default_factory=list)
    tests_passed: int = 0
    tests_failed: int = 0
    duration_seconds: float = 0.0
    reports: dict[str, str] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 holds, 1 broken, 2 no verdict, 3 incident."""
        return int(self.verdict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``results.json`` (what scripts/nightly diffs)."""
        return {
            "verdict": self.verdict.text,
            "exit_code": self.exit_code,
            "reason": self.reason,
            "target": self.target,
            "failures": [failure.as_dict() for failure in self.failures],
            "accepted": [failure.as_dict() for failure in self.accepted],
            "flaky": [failure.as_dict() for failure in self.flaky],
            "stale_baseline": self.stale_baseline,
            "not_exercised": self.not_exercised,
            "requests": {
                "spent": self.requests_spent,
                "by_credential": self.requests_by_credential,
                "by_operation": self.requests_by_operation,
                "by_status": self.requests_by_status,
                "limit": self.requests_limit,
                "retried": self.requests_retried,
                "pacing_wait_seconds": round(self.pacing_wait_seconds, 1),
                "pacing_clock": "real" if self.pacing_real_time else "fake",
                "refused_other_origin": self.requests_refused,
            },
            "coverage": self.coverage,
            "left_out": self.left_out,
            "operations": self.operations,
            "ledger": [
                {
                    "open_point": row.open_point,
                    "status": str(row.status),
                    "assumption": row.assumption,
                    "note": row.note,
                    "evidence": [asdict(item) for item in row.evidence],
                }
                for row in self.ledger
            ],
            "tests": {"passed": self.tests_passed, "failed": self.tests_failed},
            "duration_seconds": round(self.duration_seconds, 1),
            "reports": self.reports,
        }
