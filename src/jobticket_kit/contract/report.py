"""Write a run's reports: ``summary.md`` for people, ``results.json`` for the nightly job, JUnit for CI.

Reports never carry credentials or personal data, by construction: the result is first rebuilt by the
run's :class:`~jobticket_kit.privacy.redact.Redactor` (every string of every field, however nested),
and only that redacted copy is rendered and serialised. JUnit gets the same redacted failure text,
because the plugin replaces pytest's report of each failed test before the JUnit writer sees it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from jobticket_kit.contract.ledger import Status
from jobticket_kit.contract.results import Failure, SuiteResult
from jobticket_kit.privacy.redact import Redactor

__all__ = ["pacing_text", "render_summary", "write_reports"]

_MESSAGE_LINES = 12


def write_reports(result: SuiteResult, report_dir: Path, redactor: Redactor) -> SuiteResult:
    """Write the reports of ``result``, redacted, into ``report_dir``; return the redacted result.

    The returned copy (with the report paths filled in) is what callers print or pass on.
    """
    report_dir.mkdir(parents=True, exist_ok=True)
    summary = report_dir / "summary.md"
    results = report_dir / "results.json"
    result.reports.update({"summary": str(summary), "results": str(results)})
    # The report paths are ours: a word a server put in a field (``json`` as a status) must not rewrite them.
    clean = dataclasses.replace(redactor.redacted(result), reports=dict(result.reports))
    summary.write_text(render_summary(clean), encoding="utf-8")
    results.write_text(json.dumps(clean.as_dict(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return clean


def render_summary(result: SuiteResult) -> str:
    """The Markdown summary: verdict, failures with reproduction, requests spent, operations, ledger."""
    lines = [
        "# Contract run",
        "",
        f"- **Verdict: {result.verdict.text}** (exit {result.exit_code}): {result.reason}",
        f"- Target: {result.target}",
        f"- Checks: {result.tests_passed} passed, {result.tests_failed} failed; "
        f"duration {result.duration_seconds:.0f} s",
        f"- Requests spent: {result.requests_spent}"
        + (f" of a budget of {result.requests_limit}" if result.requests_limit else "")
        + " ("
        + ", ".join(f"{name}: {count}" for name, count in sorted(result.requests_by_credential.items()))
        + f"); {result.requests_retried} retried after a transient fault; "
        + pacing_text(result.pacing_wait_seconds, real_time=result.pacing_real_time),
        "- Requests refused (another origin, never sent): "
        + (
            ", ".join(f"{origin}: {count}" for origin, count in sorted(result.requests_refused.items()))
            if result.requests_refused
            else "0"
        ),
        "",
    ]
    lines += _failures("Failures", result.failures)
    lines += _failures("Flaky (failed once, passed when run again: not counted)", result.flaky)
    lines += _failures("Accepted deviations (baseline)", result.accepted)
    lines += _coverage(result)
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


def pacing_text(seconds: float, *, real_time: bool) -> str:
    """How long pacing waited, saying so when the time was the twin's fake clock (no real wait)."""
    if real_time:
        return f"pacing waited {seconds:.0f} s"
    return f"pacing waited {seconds:.0f} s of fake-clock time (the twin's clock: no real time passed)"


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
        status = failure.status if failure.status is not None else "no answer"
        lines += [f"Status received: {status}; outcome: {failure.outcome}", ""]
        if failure.outage_evidence:
            lines += [f"Outage evidence: {failure.outage_evidence}", ""]
        if failure.fixture:
            affected = len(failure.affects) + 1
            lines += [f"Shared setup `{failure.fixture}` failed: {affected} check(s) could not run", ""]
        lines += ["```", message, "```", "", f"Reproduce: `{failure.reproduction}`", ""]
        if failure.rerun and failure.rerun != failure.reproduction:
            lines += [f"Run the check again: `{failure.rerun}`", ""]
        lines.append(f"Fingerprint: `{failure.fingerprint}`; test: `{failure.test}`")
        if failure.open_points:
            lines.append(f"Open points: {', '.join(failure.open_points)}")
        lines.append("")
    return lines


def _coverage(result: SuiteResult) -> list[str]:
    """What the budget bought (operation x on-demand status) and what it left out."""
    lines: list[str] = []
    if result.coverage:
        statuses = sorted({status for row in result.coverage.values() for status in row}, key=int)
        reached = sum(
            value.startswith("reached") for row in result.coverage.values() for value in row.values()
        )
        total = sum(len(row) for row in result.coverage.values())
        lines += [
            f"## Coverage: {reached} of {total} on-demand statuses reached",
            "",
            "| Operation | " + " | ".join(statuses) + " |",
            "|---|" + "---|" * len(statuses),
        ]
        for operation, row in result.coverage.items():
            cells = [_mark(row.get(status)) for status in statuses]
            lines.append(f"| {operation} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "✔ n: reached, with n answers of that status; ✘ not reached; blank: not documented or not"
            " causable on demand.",
            "",
        ]
    if result.left_out:
        lines += ["## Left out by the request budget", ""]
        lines += [f"- `{test}`: {reason}" for test, reason in result.left_out.items()] + [""]
    return lines


def _mark(value: str | None) -> str:
    """``✔ n`` (reached with n answers), ``✘`` (not reached), blank (not on demand)."""
    if value is None:
        return ""
    return f"✔ {value.removeprefix('reached').strip(' ()')}" if value.startswith("reached") else "✘"


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
