"""Write a run's reports: ``summary.md`` for people, ``results.json`` for the nightly job, JUnit for CI.

Reports never carry credentials or personal data: every text goes through :func:`redact`, which drops
the run's secrets, Basic-auth tokens, email addresses and the values of personal fields (names, date
of birth, HR id, profile image), and the JUnit file is redacted in place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from jobticket_kit.contract.ledger import Status
from jobticket_kit.contract.results import Failure, SuiteResult

__all__ = ["redact", "render_summary", "write_reports"]

_BASIC = re.compile(r"(Basic\s+)[A-Za-z0-9+/=]{8,}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PERSONAL = re.compile(r'("(?:firstName|lastName|dateOfBirth|hrId|profileImage)"\s*:\s*)"[^"]*"')
_MESSAGE_LINES = 12


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove secrets, Basic tokens, email addresses and the values of personal fields from ``text``."""
    for secret in secrets:
        if len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    text = _BASIC.sub(r"\1[redacted]", text)
    text = _PERSONAL.sub(r'\1"[redacted]"', text)
    return _EMAIL.sub("[email]", text)


def write_reports(result: SuiteResult, report_dir: Path, secrets: Iterable[str]) -> SuiteResult:
    """Write the reports into ``report_dir`` and return ``result`` with their paths filled in."""
    secrets = [secret for secret in secrets if secret]
    report_dir.mkdir(parents=True, exist_ok=True)
    junit = report_dir / "junit.xml"
    if junit.exists() and "junit" in result.reports:
        junit.write_text(redact(junit.read_text(encoding="utf-8"), secrets), encoding="utf-8")
    summary = report_dir / "summary.md"
    results = report_dir / "results.json"
    result.reports.update({"summary": str(summary), "results": str(results)})
    summary.write_text(redact(render_summary(result), secrets), encoding="utf-8")
    results.write_text(
        redact(json.dumps(result.as_dict(), indent=2, ensure_ascii=False), secrets) + "\n", "utf-8"
    )
    return result


def render_summary(result: SuiteResult) -> str:
    """The Markdown summary: verdict, failures with reproduction, requests spent, operations, ledger."""
    lines = [
        "# Contract run",
        "",
        f"- **Verdict: {result.verdict.text}** (exit {result.exit_code}): {result.reason}",
        f"- Target: {result.target}",
        f"- Checks: {result.tests_passed} passed, {result.tests_failed} failed; "
        f"duration {result.duration_seconds:.0f} s",
        f"- Requests spent: {result.requests_spent} ("
        + ", ".join(f"{name}: {count}" for name, count in sorted(result.requests_by_credential.items()))
        + f"); pacing waited {result.pacing_wait_seconds:.0f} s",
        "",
    ]
    lines += _failures("Failures", result.failures)
    lines += _failures("Accepted deviations (baseline)", result.accepted)
    if result.stale_baseline:
        lines += ["## Stale baseline entries (nothing matched them)", ""]
        lines += [f"- {entry}" for entry in result.stale_baseline] + [""]
    if result.not_exercised:
        lines += ["## Checks not exercised on this target", ""]
        lines += [f"- `{test}`: {reason}" for test, reason in result.not_exercised.items()] + [""]
    if result.operations:
        lines += ["## Operations exercised", "", "| Operation | Requests |", "|---|---|"]
        lines += [f"| {op} | {text} |" for op, text in result.operations.items()] + [""]
    if result.ledger:
        lines += [
            "## Assumption ledger",
            "",
            "| Open point | Status | Evidence | Assumption |",
            "|---|---|---|---|",
        ]
        for row in result.ledger:
            evidence = (
                "; ".join(sorted({f"{'✔' if item.confirmed else '✘'} {item.check}" for item in row.evidence}))
                or row.note
            )
            status = f"**{row.status}**" if row.status is Status.REFUTED else str(row.status)
            assumption = row.assumption or "(named in descriptions only, no x-open-point)"
            lines.append(f"| {row.open_point} | {status} | {_cell(evidence)} | {_cell(_short(assumption))} |")
        counts = {status: sum(row.status is status for row in result.ledger) for status in Status}
        lines += ["", ", ".join(f"{count} {status}" for status, count in counts.items()), ""]
    return "\n".join(lines)


def _failures(heading: str, failures: list[Failure]) -> list[str]:
    if not failures:
        return []
    lines = [f"## {heading}", ""]
    for failure in failures:
        where = failure.operation or "(several operations)"
        lines.append(f"### {where}: `{failure.check}`: {failure.title}")
        lines.append("")
        if failure.accepted_because:
            lines.append(f"Accepted because: {failure.accepted_because}")
            lines.append("")
        message = "\n".join(failure.message.strip().splitlines()[:_MESSAGE_LINES])
        lines += ["```", message, "```", "", f"Reproduce: `{failure.reproduction}`", ""]
        lines.append(f"Fingerprint: `{failure.fingerprint}`; test: `{failure.test}`")
        if failure.open_points:
            lines.append(f"Open points: {', '.join(failure.open_points)}")
        lines.append("")
    return lines


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
