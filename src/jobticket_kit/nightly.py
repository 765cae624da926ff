"""``jobticket-kit nightly``: the contract run a scheduler starts, with a verdict read in ten seconds.

It runs the contract suite within its request budget (``run_suite`` writes JUnit, summary.md and
results.json), then adds ``nightly.json``: every failure with a stable fingerprint and an outcome
class, and, given the previous ``nightly.json``, which failures are new and which were fixed. The
headline goes on top of summary.md and to stdout. The run's evidence about the target is added to the
evidence of earlier nights (:mod:`jobticket_kit.evidence`): ``evidence.json``, the proposed
``spec-overlay.yaml`` and its page, and the evidence's freshness at the end of summary.md. Exit codes
are the suite's: 0 holds, 1 broken, 2 no verdict.
"""

from __future__ import annotations

import datetime
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from jobticket_kit.checkout import Layout
from jobticket_kit.contract.cli import RunOptions, run_contract
from jobticket_kit.contract.coverage import on_demand_statuses
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.outcomes import (
    AUTH,
    CONTRACT_DRIFT,
    OUR_BUG,
    OUTAGE,
    OUTCOMES,
    RATE_LIMITED,
    classify,
)
from jobticket_kit.evidence.accumulation import EVIDENCE_FILE, accumulate
from jobticket_kit.evidence.freshness import Freshness, freshness_section
from jobticket_kit.evidence.store import EvidenceStore, History
from jobticket_kit.hosts import origin_of
from jobticket_kit.inputs import InputError, load_json_file
from jobticket_kit.settings import KitSettings

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DEFAULT_OUTPUT_DIR",
    "OUTCOMES",
    "classify_failure",
    "classify_run",
    "compare",
    "headline",
    "load_previous",
    "nightly_result",
    "previous_evidence",
    "run",
]

_FORMAT = 1  # of nightly.json
DEFAULT_OUTPUT_DIR = Path("reports")


def classify_failure(failure: Mapping[str, Any]) -> str:
    """Say what most likely went wrong: the vendor's contract, its availability, our keys, or us."""
    return classify(
        check=failure["check"],
        title=failure["title"],
        message=failure["message"],
        test=failure["test"],
        status=failure.get("status"),
    )


def classify_run(results: Mapping[str, Any], failures: list[dict[str, Any]]) -> str | None:
    """The run's outcome class: None when the contract holds."""
    if results["exit_code"] == 0:
        return None
    if results["exit_code"] == 2:
        reason: str = results["reason"]
        if reason.startswith("blocked"):
            return RATE_LIMITED
        if "credentials" in reason or "lacks" in reason:
            return AUTH
        if "unreachable" in reason or reason.startswith(OUTAGE):
            return OUTAGE
        return OUR_BUG
    present = {failure["outcome"] for failure in failures}
    return next((outcome for outcome in OUTCOMES if outcome in present), CONTRACT_DRIFT)


def nightly_result(results: Mapping[str, Any], spec_version: str, now: datetime.datetime) -> dict[str, Any]:
    """The nightly JSON of one run, from the suite's (already redacted) results.json."""
    failures = [
        {
            "fingerprint": failure["fingerprint"],
            "outcome": classify_failure(failure),
            "operation": failure["operation"],
            "check": failure["check"],
            "status": failure.get("status"),
            "title": failure["title"],
            "message": failure["message"],
            "test": failure["test"],
            "reproduction": failure["reproduction"],
            "rerun": failure.get("rerun", ""),
        }
        for failure in results["failures"]
    ]
    return {
        "format": _FORMAT,
        "finished_at": now.isoformat(timespec="seconds"),
        "target": results["target"],
        "spec_version": spec_version,
        "verdict": results["verdict"],
        "exit_code": results["exit_code"],
        "reason": results["reason"],
        "outcome": classify_run(results, failures),
        "requests_spent": results.get("requests", {}).get("spent", 0),
        "failures": failures,
        "accepted": sorted(failure["fingerprint"] for failure in results.get("accepted", [])),
        "flaky": sorted(failure["fingerprint"] for failure in results.get("flaky", [])),
    }


def compare(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, list[str]]:
    """Fingerprints that are new, fixed and still failing since ``previous``."""
    now = {failure["fingerprint"] for failure in current["failures"]}
    if previous is None:
        return {"new": sorted(now), "fixed": [], "still_failing": []}
    before = {failure["fingerprint"] for failure in previous.get("failures", [])}
    # A run without a verdict (an outage-only night included) tested nothing: it neither fixes nor
    # confirms what failed before.
    if current["exit_code"] == 2:
        return {"new": [], "fixed": [], "still_failing": sorted(before)}
    return {"new": sorted(now - before), "fixed": sorted(before - now), "still_failing": sorted(now & before)}


def headline(nightly: dict[str, Any]) -> str:
    """The first lines of the summary: verdict, why, what changed since the last run."""
    changes = nightly["comparison"]
    verdict = nightly["verdict"].upper()
    outcome = f" ({nightly['outcome']})" if nightly["outcome"] else ""
    lines = [
        f"# Nightly contract check: {verdict}{outcome}, exit {nightly['exit_code']}",
        "",
        f"{nightly['reason']}. Target `{nightly['target']}`, spec {nightly['spec_version']}, "
        f"{nightly['requests_spent']} requests, finished {nightly['finished_at']}.",
        "",
        f"Since the previous run: **{len(changes['new'])} new**, {len(changes['fixed'])} fixed, "
        f"{len(changes['still_failing'])} still failing.",
        "",
    ]
    new = [failure for failure in nightly["failures"] if failure["fingerprint"] in changes["new"]]
    if new:
        lines += [
            "| new failure | outcome | operation | check | reproduce |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{failure['fingerprint']}` {_cell(failure['title'])} | {failure['outcome']} | "
            f"{failure['operation'] or '-'} | {failure['check']} | {_reproduce(failure)} |"
            for failure in new
        ]
        lines.append("")
    return "\n".join(lines) + "\n"


def _reproduce(failure: Mapping[str, Any]) -> str:
    """The reproduction, and the command that runs the check again when that is another one."""
    cell = f"`{_cell(failure['reproduction'])}`"
    rerun = failure.get("rerun") or ""
    return cell if not rerun or rerun == failure["reproduction"] else f"{cell}; again: `{_cell(rerun)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]


def load_previous(path: Path | None) -> dict[str, Any] | None:
    """The previous run's ``nightly.json``, checked; None when no path is given or the file is missing.

    A missing file is the first run. Anything else must be what :func:`run` writes: a JSON object
    with ``format`` 1 and a ``failures`` list of objects, each with a string ``fingerprint``.
    """
    if path is None or not path.exists():
        return None
    data = load_json_file(path, what="nightly.json")
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise InputError(f'{path}: not a nightly.json of jobticket-kit nightly (needs "format": {_FORMAT})')
    failures = data.get("failures")
    if not isinstance(failures, list) or not all(
        isinstance(item, dict) and isinstance(item.get("fingerprint"), str) for item in failures
    ):
        raise InputError(f"{path}: 'failures' must be a list of objects with a string 'fingerprint'")
    return data


def previous_evidence(evidence_path: Path | None, previous_path: Path | None) -> EvidenceStore:
    """The evidence of earlier nights: ``--evidence``, else ``evidence.json`` beside ``--previous``.

    None of them (or a file that does not exist yet) is a first night: an empty store. A file that is
    there must be an evidence file (:class:`~jobticket_kit.inputs.InputError` otherwise).
    """
    if evidence_path is None and previous_path is not None:
        evidence_path = previous_path.with_name(EVIDENCE_FILE)
    return EvidenceStore.load_or_empty(evidence_path)


def run(
    options: RunOptions,
    previous: dict[str, Any] | None,
    previous_path: Path | None,
    evidence: EvidenceStore | None = None,
) -> int:
    """Run the nightly check and write its reports; return the contract suite's exit code.

    ``previous`` is the checked :func:`load_previous` of ``previous_path`` and ``evidence`` the checked
    :func:`previous_evidence`: the command reads both before the suite runs, so a bad file costs no
    request and changes nothing.
    """
    output_dir = options.output_dir or DEFAULT_OUTPUT_DIR
    settings = KitSettings.from_env()
    store = evidence or EvidenceStore()
    now = datetime.datetime.now(tz=datetime.UTC)
    target = str(origin_of(settings.target.base_url)) if settings.target.base_url else None
    # Evidence about another API than this run's says nothing about what is fresh here.
    history = store.vendor if store.vendor.target in (None, target) else History()
    freshness = Freshness(history, now, fresh_days=settings.evidence.fresh_days)
    result = run_contract(replace(options, output_dir=output_dir), freshness=freshness)
    results = json.loads(Path(result.reports["results"]).read_text(encoding="utf-8"))
    spec = yaml.safe_load(Layout.current().spec.read_text(encoding="utf-8"))
    nightly = nightly_result(results, spec["info"]["version"], datetime.datetime.now(tz=datetime.UTC))
    nightly["comparison"] = compare(nightly, previous)
    nightly["previous"] = str(previous_path) if previous is not None else None
    learned = accumulate(
        output_dir, store, spec, min_runs=settings.evidence.min_runs, twin=settings.target.is_twin
    )
    nightly["evidence"] = learned.as_dict()
    nightly["reports"] = {**result.reports, **learned.files, "nightly": str(output_dir / "nightly.json")}

    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "nightly.json").write_text(json.dumps(nightly, indent=2) + "\n", encoding="utf-8")
    top = headline(nightly)
    summary = output_dir / "summary.md"
    suite_summary = summary.read_text(encoding="utf-8") if summary.exists() else ""
    contract_spec = load_spec()
    fresh = freshness_section(
        Freshness(learned.store.vendor, now, fresh_days=settings.evidence.fresh_days),
        spec,
        open_points=list(contract_spec.open_points),
        on_demand=on_demand_statuses(contract_spec),
        note=learned.note,
    )
    summary.write_text(top + "\n" + suite_summary + "\n" + fresh, encoding="utf-8")
    sys.stdout.write(top)
    return result.exit_code
