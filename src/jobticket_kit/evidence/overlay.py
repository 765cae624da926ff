"""The reviewable output of the evidence: an OpenAPI Overlay 1.0 document and a page that explains it.

``spec-overlay.yaml`` holds one action per proposed change (:mod:`~jobticket_kit.evidence.proposals`),
each with ``x-evidence``: its kind, runs seen, sightings, first and last date, open point and a
fingerprint that stays the same night after night. ``info`` says which spec version and which target
it was made from; ``x-flags`` lists what needs a human. ``spec-overlay.md`` explains each action to a
reviewer, with what is flagged and what is still pending, and how to apply it
(``scripts/update-spec --overlay``). Both are built from names, JSON types, counts, dates and
vocabulary values that passed the privacy rule only, never from a response's free text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import yaml

from jobticket_kit.evidence.proposals import SHAPE_CHANGES, Flag, Pending, Proposal, Review
from jobticket_kit.evidence.store import Tally, parse_time

__all__ = ["OVERLAY_VERSION", "overlay_document", "render_page", "render_yaml"]

OVERLAY_VERSION = "1.0.0"
_TITLES = {
    "new-property": "New optional properties",
    "new-known-value": "New values of open vocabularies (x-known-values)",
    "nullable": "Null where the spec does not allow it",
    "new-status": "Statuses the spec does not document",
    "refuted-assumption": "Working assumptions the runs contradicted",
    "observed": "Confidence raised to observed",
}


def overlay_document(
    review: Review, *, spec_version: str, target: str, runs: int, min_runs: int
) -> dict[str, Any]:
    """The Overlay 1.0 document of ``review`` (call only when it has proposals: 1.0 needs one action)."""
    latest = max((_day(proposal.evidence.last_seen) for proposal in review.proposals), default="")
    return {
        "overlay": OVERLAY_VERSION,
        "info": {
            "title": f"JobTicket+ spec changes observed on {target}",
            "version": f"{spec_version}+evidence.{latest.replace('-', '')}",
            "x-spec-version": spec_version,
            "x-target": target,
            "x-runs": runs,
            "x-min-runs": min_runs,
        },
        "actions": [_action(proposal) for proposal in review.proposals],
        "x-flags": [_flag(flag) for flag in review.flags],
    }


def render_yaml(document: dict[str, Any]) -> str:
    """The overlay as YAML, keys in the order written."""
    header = "# Proposed from contract-run evidence by jobticket-kit nightly; review, then apply with\n"
    header += "# scripts/update-spec --overlay <this file> (report only), then again with --yes.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def render_page(
    review: Review,
    *,
    spec_version: str,
    target: str,
    runs: int,
    min_runs: int,
    overlay: str | None,
    note: str = "",
) -> str:
    """The reviewer's page: what each action changes, on what evidence; flags; what is pending."""
    lines = [
        "# Spec changes the evidence proposes",
        "",
        f"Evidence about `{target}` from {runs} run(s) against spec {spec_version}; a change needs "
        f"sightings on at least {min_runs} runs. Nothing marked `x-confidence: doc` is changed from "
        "traffic: a contradiction of documented behaviour is flagged below for a human.",
        "",
    ]
    if note:
        lines += [note, ""]
    shape = [proposal for proposal in review.proposals if proposal.kind in SHAPE_CHANGES]
    if overlay is not None:
        lines += [
            f"**{len(review.proposals)} action(s)** in `{overlay}`: {len(shape)} change(s) to the API's "
            f"shape, {len(review.proposals) - len(shape)} note(s) on confidence and working assumptions. "
            "Apply after review:",
            "",
            "```bash",
            f"scripts/update-spec --overlay {overlay}          # report only: what changes, breaking or not",
            f"scripts/update-spec --overlay {overlay} --yes    # pin, CHANGELOG, regenerate, re-check",
            "```",
            "",
        ]
    else:
        lines += ["**Nothing to propose.**", ""]
    for kind, title in _TITLES.items():
        chosen = [proposal for proposal in review.proposals if proposal.kind == kind]
        if chosen:
            lines += [f"## {title}", ""]
            lines += [line for proposal in chosen for line in _proposal_lines(proposal)]
    if review.flags:
        lines += ["## For a human (no action proposed)", "", "| kind | element | what was seen | evidence |"]
        lines += ["| --- | --- | --- | --- |"]
        lines += [
            f"| {flag.kind} | `{flag.element}` | {_cell(flag.summary)} | {_evidence(flag.evidence)} |"
            for flag in review.flags
        ]
        lines.append("")
    if review.headers:
        lines += ["## Response headers the spec does not document (names; nothing proposed)", ""]
        lines += [f"- {_cell(item.summary)}: {_evidence(item.evidence)}" for item in _sorted(review.headers)]
        lines.append("")
    if review.pending:
        lines += [f"## Pending (seen on fewer than {min_runs} runs so far)", ""]
        lines += [f"- {_cell(item.summary)}: {_evidence(item.evidence)}" for item in _sorted(review.pending)]
        lines.append("")
    return "\n".join(lines)


def _action(proposal: Proposal) -> dict[str, Any]:
    return {
        "target": proposal.target,
        "description": proposal.summary,
        "update": proposal.update,
        "x-evidence": {
            "kind": proposal.kind,
            **_tally(proposal.evidence),
            "open_point": proposal.open_point,
            "fingerprint": proposal.fingerprint,
        },
    }


def _flag(flag: Flag) -> dict[str, Any]:
    return {
        "kind": flag.kind,
        "element": flag.element,
        "summary": flag.summary,
        **_tally(flag.evidence),
        "open_point": flag.open_point,
    }


def _tally(tally: Tally) -> dict[str, Any]:
    return {
        "runs": tally.runs,
        "sightings": tally.sightings,
        "first_seen": _day(tally.first_seen),
        "last_seen": _day(tally.last_seen),
    }


def _proposal_lines(proposal: Proposal) -> list[str]:
    change = json.dumps(proposal.update, ensure_ascii=False)
    lines = [
        f"- **{_cell(proposal.summary)}**",
        f"  - target `{proposal.target}`; change `{_cell(change)}`",
        f"  - evidence: {_evidence(proposal.evidence)}"
        + (f"; open point {proposal.open_point}" if proposal.open_point else "")
        + f"; fingerprint `{proposal.fingerprint}`",
    ]
    lines += [f"  - observed: {_cell(detail)}" for detail in proposal.details]
    return lines


def _evidence(tally: Tally) -> str:
    return (
        f"{tally.runs} run(s), {tally.sightings} sighting(s), "
        f"first {_day(tally.first_seen)}, last {_day(tally.last_seen)}"
    )


def _sorted(items: Iterable[Pending]) -> list[Pending]:
    return sorted(items, key=lambda item: (item.kind, item.element))


def _day(moment: str) -> str:
    return parse_time(moment).date().isoformat()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
