"""The nightly's evidence step: add the run, then write the overlay after vendor runs only."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from jobticket_kit.contract.operations import load_spec
from jobticket_kit.evidence.accumulation import EVIDENCE_FILE, OVERLAY_FILE, PAGE_FILE, accumulate
from jobticket_kit.evidence.store import EvidenceStore

from .test_proposals import deviations

SPEC: dict[str, Any] = copy.deepcopy(dict(load_spec().raw))


def test_a_night_that_saw_nothing_keeps_the_evidence_and_what_it_proposes(tmp_path: Path) -> None:
    (tmp_path / OVERLAY_FILE).write_text("an overlay of an earlier night")
    store = EvidenceStore(vendor=deviations(2))
    learned = accumulate(tmp_path, store, SPEC, min_runs=2, twin=False)
    assert "observed nothing" in learned.note
    assert learned.shape_changes == 4
    overlay = yaml.safe_load((tmp_path / OVERLAY_FILE).read_text())
    assert len([a for a in overlay["actions"] if a["x-evidence"]["kind"] != "observed"]) == 6
    assert EvidenceStore.load(tmp_path / EVIDENCE_FILE).vendor.as_dict() == store.vendor.as_dict()


def test_a_night_on_the_kits_own_twin_proposes_nothing_even_from_earlier_vendor_nights(
    tmp_path: Path,
) -> None:
    (tmp_path / OVERLAY_FILE).write_text("an overlay of an earlier night")
    learned = accumulate(tmp_path, EvidenceStore(vendor=deviations(2)), SPEC, min_runs=2, twin=True)
    assert (learned.kind, learned.proposals) == ("twin", 0)
    assert not (tmp_path / OVERLAY_FILE).exists()
    assert "Nothing to propose" in (tmp_path / PAGE_FILE).read_text()
