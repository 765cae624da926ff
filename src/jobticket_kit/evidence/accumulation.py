"""The nightly's evidence step: add this run to the accumulated evidence, then write what it proposes.

After the contract run has written its ``evidence-run.json`` (:mod:`jobticket_kit.contract.lifecycle`),
:func:`accumulate` adds it to the evidence of earlier runs (``--previous``: the ``evidence.json``
beside the previous ``nightly.json``, or ``--evidence FILE``), writes the new ``evidence.json`` and,
after a run against a real target, ``spec-overlay.yaml`` (only when something is proposed: an overlay
needs one action) and ``spec-overlay.md``. A run against the twin the kit starts itself goes into the
twin's own history and proposes nothing; the vendor's history is carried over unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobticket_kit.evidence.overlay import overlay_document, render_page, render_yaml
from jobticket_kit.evidence.proposals import review
from jobticket_kit.evidence.store import RUN_EVIDENCE, TWIN, VENDOR, EvidenceStore, History, RunEvidence

__all__ = ["EVIDENCE_FILE", "OVERLAY_FILE", "PAGE_FILE", "Accumulated", "accumulate"]

EVIDENCE_FILE = "evidence.json"
OVERLAY_FILE = "spec-overlay.yaml"
PAGE_FILE = "spec-overlay.md"


@dataclass(frozen=True)
class Accumulated:
    """What the evidence step wrote and found, for ``nightly.json`` and the summary."""

    store: EvidenceStore
    kind: str
    files: dict[str, str]
    proposals: int
    shape_changes: int
    flags: int
    pending: int
    note: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``evidence`` entry of ``nightly.json``)."""
        return {
            "kind": self.kind,
            "vendor_runs": self.store.vendor.runs,
            "twin_runs": self.store.twin.runs,
            "proposals": self.proposals,
            "shape_changes": self.shape_changes,
            "flags": self.flags,
            "pending": self.pending,
            "note": self.note,
            "files": self.files,
        }


def accumulate(
    output_dir: Path, store: EvidenceStore, spec: Mapping[str, Any], *, min_runs: int, twin: bool
) -> Accumulated:
    """Add the run in ``output_dir`` to ``store``, write ``evidence.json``, the overlay and its page.

    ``twin`` says the run was against the twin the kit started itself: nothing is proposed then, from
    its evidence or from the vendor's carried over. A run that observed nothing (the target was down)
    changes no evidence, and what the earlier nights propose is written again.
    """
    run_file = output_dir / RUN_EVIDENCE
    run = RunEvidence.load(run_file) if run_file.exists() else None
    notes = []
    if run is not None and run.elements:
        notes.append(store.add(run) or "")
    else:
        notes.append("this run observed nothing (no answer from the target): the evidence is unchanged")
    evidence_file = output_dir / EVIDENCE_FILE
    store.save(evidence_file)
    files = {"evidence": str(evidence_file)}
    overlay_file, page_file = output_dir / OVERLAY_FILE, output_dir / PAGE_FILE
    overlay_file.unlink(missing_ok=True)  # an overlay of an earlier night in this folder is no longer current
    version = str(spec["info"]["version"])
    history = store.vendor
    if twin:
        notes.append(
            "this run was against the twin the kit started itself: it is not evidence about the vendor's "
            "API and proposes nothing"
        )
        history = History()
    found = review(history, spec, min_runs=min_runs)
    note = " ".join(part[0].upper() + part[1:] + "." for part in notes if part)
    target = history.target or "no real target yet"
    overlay = None
    if found.proposals:
        document = overlay_document(
            found, spec_version=version, target=target, runs=history.runs, min_runs=min_runs
        )
        overlay_file.write_text(render_yaml(document), encoding="utf-8")
        overlay = str(overlay_file)
        files["overlay"] = overlay
    page_file.write_text(
        render_page(
            found,
            spec_version=version,
            target=target,
            runs=history.runs,
            min_runs=min_runs,
            overlay=overlay,
            note=note,
        ),
        encoding="utf-8",
    )
    files["page"] = str(page_file)
    return Accumulated(
        store,
        TWIN if twin else VENDOR,
        files,
        len(found.proposals),
        len(found.shape_changes),
        len(found.flags),
        len(found.pending),
        note,
    )
