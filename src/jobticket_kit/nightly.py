"""``jobticket-kit nightly``: the contract run a scheduler starts, with a verdict read in ten seconds.

It runs the contract suite within its request budget (``run_suite`` writes JUnit, summary.md and
results.json), then adds ``nightly.json``: every failure with a stable fingerprint and an outcome
class, and, given the previous ``nightly.json``, which failures are new and which were fixed. The
headline and what to do about each outcome class go on top of summary.md and to stdout. The run's
evidence about the target is added to the evidence of earlier nights (:mod:`jobticket_kit.evidence`):
``evidence.json``, the proposed ``spec-overlay.yaml`` and its page, and the evidence's freshness at the
end of summary.md. Exit codes are the suite's: 0 holds, 1 broken, 2 no verdict, 3 incident.

Nights remember. A night without a verdict (the target down, a revoked key, a 429) tested nothing,
so ``nightly.json`` carries the failures of the last night that had a verdict (``memory``) through it
unchanged, and the next night is compared with those: one outage night changes nothing in the
comparison. ``streaks`` counts, per fingerprint, the nights in a row it failed; a night without a
verdict neither extends nor breaks the streak of a failure it could not retest. A run without a
verdict also has a ``problem``: a fingerprint of its own, by outcome class, so that "the target was
down three nights in a row" is one thing to file (:mod:`jobticket_kit.nightly_issues`). An incident (a
sync of the run applied otherwise than planned) halts the run: it is such a problem too, filed at once,
and, like a night without a verdict, it fixes nothing it did not retest.
"""

from __future__ import annotations

import datetime
import hashlib
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
    INCIDENT,
    OUR_BUG,
    OUTAGE,
    OUTCOMES,
    RATE_LIMITED,
    classify,
)
from jobticket_kit.contract.results import Verdict
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
    "WHAT_TO_DO",
    "carry",
    "classify_failure",
    "classify_run",
    "compare",
    "has_verdict",
    "headline",
    "load_nightly",
    "load_previous",
    "night",
    "nightly_result",
    "previous_evidence",
    "remembered",
    "run",
]

_FORMAT = 2  # of nightly.json; format 1 (no memory, no streaks) is still read
_READABLE = (1, 2)
DEFAULT_OUTPUT_DIR = Path("reports")
# The fields of a failure that the memory keeps: enough to name it, nothing that varies.
_REMEMBERED = ("fingerprint", "outcome", "operation", "check", "title", "test")

WHAT_TO_DO = {
    CONTRACT_DRIFT: (
        "the API no longer does what the spec says. Read the failure and its open point; if the API "
        "changed on purpose, update the spec (docs/spec-updates.md), else report it to JobTicket+ with "
        "the reproduction. A deviation you accept goes into contract_tests/baseline.yaml with a reason."
    ),
    OUTAGE: (
        "the target answered 5xx, dropped the connection or sent a body cut short, even after the "
        "retries: nothing is known about the contract. Nothing to do for one night; if it lasts three "
        "nights in a row, tell JobTicket+ support (the nightly files an issue then)."
    ),
    AUTH: (
        "the target refused our key (revoked, disabled or lost a permission). Check the key in the "
        "repository's secrets (JOBTICKET_USERNAME, JOBTICKET_PASSWORD) and its five permissions."
    ),
    RATE_LIMITED: (
        "a 429 arrived despite the pacing and the run stopped. Wait 5 minutes; check that nothing "
        "else uses the same key, or lower JOBTICKET_CONTRACT_RATE_LIMIT."
    ),
    OUR_BUG: (
        "the kit or its configuration failed (an exception in a check, a refused target, a bad "
        "baseline). Rerun the check with the command given; fix the kit or the setting it names."
    ),
    INCIDENT: (
        "a sync the run sent was accepted, but the sandbox integration read back otherwise than its "
        "plan (the reason names employee ids and roster rows only), and the run halted. Look at those "
        "employees before the next night: if the API applied the sync otherwise than the spec says, "
        "report it to JobTicket+ with the sync's id; if someone else changed the sandbox, find out who."
    ),
}


def classify_failure(failure: Mapping[str, Any]) -> str:
    """Say what most likely went wrong: the vendor's contract, its availability, our keys, or us."""
    return classify(
        check=failure["check"],
        title=failure["title"],
        message=failure["message"],
        test=failure["test"],
        status=failure.get("status"),
        outage_evidence=failure.get("outage_evidence"),
    )


def classify_run(results: Mapping[str, Any], failures: list[dict[str, Any]]) -> str | None:
    """The run's outcome class: None when the contract holds."""
    if results["exit_code"] == 0:
        return None
    if results["exit_code"] == Verdict.INCIDENT:
        return INCIDENT
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
            "outage_evidence": failure.get("outage_evidence"),
            "affects": list(failure.get("affects", [])),
        }
        for failure in results["failures"]
    ]
    outcome = classify_run(results, failures)
    return {
        "format": _FORMAT,
        "finished_at": now.isoformat(timespec="seconds"),
        "target": results["target"],
        "spec_version": spec_version,
        "verdict": results["verdict"],
        "exit_code": results["exit_code"],
        "reason": results["reason"],
        "outcome": outcome,
        "problem": _problem(results, outcome),
        "requests_spent": results.get("requests", {}).get("spent", 0),
        "failures": failures,
        "accepted": sorted(failure["fingerprint"] for failure in results.get("accepted", [])),
        "flaky": sorted(failure["fingerprint"] for failure in results.get("flaky", [])),
    }


def night(
    results: Mapping[str, Any],
    spec_version: str,
    now: datetime.datetime,
    previous: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Tonight's ``nightly.json``: the result, its comparison with the remembered nights, the memory."""
    nightly = nightly_result(results, spec_version, now)
    nightly["comparison"] = compare(nightly, previous)
    carry(nightly, previous)
    return nightly


def _problem(results: Mapping[str, Any], outcome: str | None) -> dict[str, Any] | None:
    """A run without a verdict, or an incident, as one thing to track: fingerprinted by its class only."""
    if outcome == INCIDENT:
        kind, title = "incident", "incident: a sync of the run was applied otherwise than planned"
    elif results["exit_code"] == 2 and outcome is not None:
        kind, title = "no verdict", f"no verdict ({outcome})"
    else:
        return None
    return {
        "fingerprint": hashlib.sha256(f"run|{kind}|{outcome}".encode()).hexdigest()[:16],
        "outcome": outcome,
        "title": title,
        "message": str(results["reason"]).split("\n", maxsplit=1)[0][:300],
    }


def has_verdict(nightly: Mapping[str, Any]) -> bool:
    """Whether the night tested the whole contract (exit 0 or 1).

    Not a night without a verdict, nor an incident, which halted the run at the differing sync.
    """
    return bool(nightly["exit_code"] in (0, 1))


def remembered(previous: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The failures of the last night with a verdict, as ``previous`` remembers them."""
    if previous is None:
        return []
    if previous.get("format") == 1:  # before memory: a night's own failures, whatever its verdict
        return [dict(failure) for failure in previous.get("failures", [])]
    return [dict(failure) for failure in previous["memory"]["failures"]]


def compare(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Fingerprints new, fixed and still failing since the last night with a verdict (None: a first night).

    A night without a verdict tested nothing: it neither fixes nor confirms what failed before.
    """
    if previous is None:
        return None
    before = {failure["fingerprint"] for failure in remembered(previous)}
    since = _memory_night(previous)
    if not has_verdict(current):
        return {"since": since, "new": [], "fixed": [], "still_failing": sorted(before), "retested": False}
    now = {failure["fingerprint"] for failure in current["failures"]}
    return {
        "since": since,
        "new": sorted(now - before),
        "fixed": sorted(before - now),
        "still_failing": sorted(now & before),
        "retested": True,
    }


def _memory_night(previous: Mapping[str, Any]) -> str | None:
    if previous.get("format") == 1:
        return str(previous.get("finished_at")) if previous.get("finished_at") else None
    night = previous["memory"].get("night")
    return str(night) if night else None


def carry(current: dict[str, Any], previous: Mapping[str, Any] | None) -> None:
    """Add ``memory`` and ``streaks`` to ``current``: what the next night compares with and counts on."""
    if has_verdict(current):
        kept = [{name: failure.get(name) for name in _REMEMBERED} for failure in current["failures"]]
        current["memory"] = {"night": current["finished_at"], "failures": kept}
    elif previous is None:  # no verdict yet, ever: nothing to remember
        current["memory"] = {"night": None, "failures": []}
    else:
        current["memory"] = {"night": _memory_night(previous), "failures": remembered(previous)}
    before: Mapping[str, int] = (previous or {}).get("streaks", {})
    seen = [failure["fingerprint"] for failure in current["failures"]]
    if current.get("problem"):
        seen.append(current["problem"]["fingerprint"])
    streaks = {fingerprint: int(before.get(fingerprint, 0)) + 1 for fingerprint in seen}
    if not has_verdict(current):  # not retested tonight: their streaks wait for the next verdict
        for failure in current["memory"]["failures"]:
            streaks.setdefault(failure["fingerprint"], int(before.get(failure["fingerprint"], 1)))
    current["streaks"] = dict(sorted(streaks.items()))


def headline(nightly: Mapping[str, Any]) -> str:
    """The first lines of the summary: verdict, why, what changed since the last verdict, what to do."""
    changes = nightly.get("comparison")
    verdict = nightly["verdict"].upper()
    outcome = f" ({nightly['outcome']})" if nightly["outcome"] else ""
    lines = [
        f"# Nightly contract check: {verdict}{outcome}, exit {nightly['exit_code']}",
        "",
        f"{nightly['reason']}. Target `{nightly['target']}`, spec {nightly['spec_version']}, "
        f"{nightly['requests_spent']} requests, finished {nightly['finished_at']}.",
        "",
        _comparison_line(nightly),
        "",
    ]
    shown = (
        nightly["failures"]
        if changes is None
        else [failure for failure in nightly["failures"] if failure["fingerprint"] in changes["new"]]
    )
    if shown:
        label = "failure" if changes is None else "new failure"
        lines += [
            f"| {label} | outcome | operation | check | reproduce |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{failure['fingerprint']}` {_cell(failure['title'])}{_affects(failure)} | "
            f"{failure['outcome']} | {failure['operation'] or '-'} | {failure['check']} | "
            f"{_reproduce(failure)} |"
            for failure in shown
        ]
        lines.append("")
    lines += _what_to_do(nightly)
    return "\n".join(lines) + "\n"


def _comparison_line(nightly: Mapping[str, Any]) -> str:
    changes: Mapping[str, Any] | None = nightly.get("comparison")
    if changes is None:
        return "First night: no earlier night to compare with (pass `--previous` to compare)."
    since = f" ({changes['since']})" if changes.get("since") else ""
    if not changes["retested"]:
        tonight = (
            "An incident halted tonight's run" if nightly["outcome"] == INCIDENT else "No verdict tonight"
        )
        return (
            f"{tonight}, so nothing was retested: the {len(changes['still_failing'])} failure(s) "
            f"of the last night with a verdict{since} stand unchanged."
        )
    return (
        f"Since the last night with a verdict{since}: **{len(changes['new'])} new**, "
        f"{len(changes['fixed'])} fixed, {len(changes['still_failing'])} still failing."
    )


def _what_to_do(nightly: Mapping[str, Any]) -> list[str]:
    """One line per outcome class present tonight (the run's own class included)."""
    present = {failure["outcome"] for failure in nightly["failures"]}
    if nightly["outcome"]:
        present.add(nightly["outcome"])
    if not present:
        return []
    lines = ["What to do:", ""]
    for outcome in OUTCOMES:
        if outcome in present:
            count = sum(failure["outcome"] == outcome for failure in nightly["failures"])
            lines.append(f"- **{outcome}** ({count} failure(s)): {WHAT_TO_DO[outcome]}")
    return [*lines, ""]


def _affects(failure: Mapping[str, Any]) -> str:
    affected = failure.get("affects") or []
    return f" (shared setup: {len(affected) + 1} checks)" if affected else ""


def _reproduce(failure: Mapping[str, Any]) -> str:
    """The reproduction, and the command that runs the check again when that is another one."""
    cell = f"`{_cell(failure['reproduction'])}`"
    rerun = failure.get("rerun") or ""
    return cell if not rerun or rerun == failure["reproduction"] else f"{cell}; again: `{_cell(rerun)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]


def load_previous(path: Path | None) -> dict[str, Any] | None:
    """The previous run's ``nightly.json``, checked (:func:`load_nightly`).

    None when no path is given or the file is missing: a first run.
    """
    if path is None or not path.exists():
        return None
    return load_nightly(path)


def load_nightly(path: Path) -> dict[str, Any]:
    """A ``nightly.json`` that :func:`run` wrote, checked, or :class:`InputError` naming the rule.

    It must be a JSON object with ``format`` 1 or 2 and a ``failures`` list of objects, each with a
    string ``fingerprint``; format 2 also has ``memory`` (an object with such a ``failures`` list) and
    ``streaks`` (counts by fingerprint).
    """
    data = load_json_file(path, what="nightly.json")
    if not isinstance(data, dict) or data.get("format") not in _READABLE:
        raise InputError(
            f'{path}: not a nightly.json of jobticket-kit nightly (needs "format": 1 or {_FORMAT})'
        )
    _check_failures(path, "failures", data.get("failures"))
    if data["format"] >= 2:
        memory = data.get("memory")
        if not isinstance(memory, dict):
            raise InputError(f"{path}: 'memory' must be an object with a 'failures' list")
        _check_failures(path, "memory.failures", memory.get("failures"))
        streaks = data.get("streaks")
        if not isinstance(streaks, dict) or not all(
            isinstance(count, int) and not isinstance(count, bool) and count >= 0
            for count in streaks.values()
        ):
            raise InputError(f"{path}: 'streaks' must be an object of whole numbers >= 0 by fingerprint")
    return data


def _check_failures(path: Path, name: str, failures: Any) -> None:
    if not isinstance(failures, list) or not all(
        isinstance(item, dict) and isinstance(item.get("fingerprint"), str) for item in failures
    ):
        raise InputError(f"{path}: '{name}' must be a list of objects with a string 'fingerprint'")


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
    nightly = night(results, spec["info"]["version"], datetime.datetime.now(tz=datetime.UTC), previous)
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
