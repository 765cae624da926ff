"""The kit learns the real API: nights against a deviating target propose exactly its deviations, the
overlay is applied the normal way, and the next night has no drift for them; the twin proposes nothing.

The target is a twin process behind a proxy that deviates from the spec in four ways
(:mod:`.deviating`). Every run is ``jobticket-kit nightly`` in its own process, pointed at the proxy by
``JOBTICKET_BASE_URL``, as a downstream team runs it against staging.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobticket_kit.checkout import project_root
from jobticket_kit.evidence.store import EvidenceStore
from jobticket_kit.privacy.scan import text_findings
from tests.helpers.twins import Twin

from ..contract.conftest import contract_env
from .deviating import NEW_PROPERTY, NEW_VALUE, deviating
from .test_proposals import deviations

ROOT = project_root()
CHECKOUT = (
    "openapi",
    "client",
    "generated",
    "src",
    "contract_tests",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/helpers",
    "tests/openapi",
    "pyproject.toml",
    "package.json",
    "package-lock.json",
)
EXPECTED = {
    "new-property": "$.components.schemas.Employee.properties",
    "new-known-value": "$.components.schemas.Plan.properties.contractSigningStatus['x-known-values']",
    "nullable": "$.components.schemas.HrIntegration.properties.name",
    "new-status": "$.paths['/employees/{id}'].get.responses",
}


def copy_checkout(root: Path) -> Path:
    """A checkout of its own for the update to pin and regenerate (this one stays as it is)."""
    for part in CHECKOUT:
        source, target = ROOT / part, root / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return root


def kit(env: dict[str, str], *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jobticket_kit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )


def night(
    env: dict[str, str], reports: Path, previous: Path | None = None, cwd: Path = ROOT
) -> dict[str, Any]:
    args = ["nightly", "--output-dir", str(reports)]
    done = kit(env, *args, *(["--previous", str(previous / "nightly.json")] if previous else []), cwd=cwd)
    assert (reports / "nightly.json").exists(), done.stdout[-2000:] + done.stderr[-2000:]
    nightly: dict[str, Any] = json.loads((reports / "nightly.json").read_text())
    return nightly


def overlay_of(reports: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((reports / "spec-overlay.yaml").read_text())
    return document


def private(*files: Path) -> list[str]:
    """What the privacy scan finds in the files: emails, credentials, the twin's seeded names."""
    return [f"{path.name}: {kind}" for path in files for kind, _ in text_findings(path.read_text())]


@pytest.mark.slow
@pytest.mark.twin(process=True, rate_limit=0)
def test_two_nights_propose_exactly_the_deviations_and_the_applied_overlay_ends_the_drift(
    twin: Twin, tmp_path: Path
) -> None:
    with deviating(twin.base_url) as target:
        env = contract_env(target)
        first = night(env, tmp_path / "night1")
        second = night(env, tmp_path / "night2", previous=tmp_path / "night1")

        # One run alone proposes nothing (what it saw waits for a second run).
        assert first["evidence"]["proposals"] == 0
        assert first["evidence"]["pending"] >= 4
        assert not (tmp_path / "night1" / "spec-overlay.yaml").exists()

        # Two runs propose exactly the four deviations, each with its evidence; the rest are notes.
        overlay = overlay_of(tmp_path / "night2")
        actions = overlay["actions"]
        shape = {
            action["x-evidence"]["kind"]: action
            for action in actions
            if action["x-evidence"]["kind"] in EXPECTED
        }
        assert {kind: action["target"] for kind, action in shape.items()} == EXPECTED
        assert len([a for a in actions if a["x-evidence"]["kind"] in EXPECTED]) == 4
        assert {a["x-evidence"]["kind"] for a in actions} <= {*EXPECTED, "observed", "refuted-assumption"}
        refuted = {
            a["x-evidence"]["open_point"] for a in actions if a["x-evidence"]["kind"] == "refuted-assumption"
        }
        assert refuted == {"O-8", "O-18"}
        assert shape["new-property"]["update"][NEW_PROPERTY]["type"] == "string"
        assert shape["new-known-value"]["update"] == NEW_VALUE
        assert shape["nullable"]["update"] == {"type": ["string", "null"]}
        assert shape["new-status"]["update"]["400"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
        for action in shape.values():
            evidence = action["x-evidence"]
            assert evidence["runs"] == 2
            assert evidence["sightings"] >= 2
            assert evidence["first_seen"] <= evidence["last_seen"]
            assert len(evidence["fingerprint"]) == 16
        assert overlay["info"]["x-spec-version"] == second["spec_version"]

        # No personal value in the overlay, its page or the evidence: names and types only.
        reports = tmp_path / "night2"
        files = [
            reports / name
            for name in ("spec-overlay.yaml", "spec-overlay.md", "evidence.json", "evidence-run.json")
        ]
        assert private(*files) == []
        assert not [path.name for path in files if "CC-" in path.read_text()]  # costCenter's values

        # Applied the normal way: classified, pinned, CHANGELOG, regenerated, re-checked.
        checkout = copy_checkout(tmp_path / "checkout")
        update = kit(
            env,
            "update-spec",
            "--overlay",
            str(reports / "spec-overlay.yaml"),
            "--yes",
            "--root",
            str(checkout),
            "--tests",
            "tests/openapi",
        )
        assert update.returncode == 0, update.stdout[-3000:] + update.stderr[-2000:]
        assert "GET /employees/{id} response 200 .data .costCenter: new response field" in update.stdout
        assert "+ jobticket_api.models.employee.Employee.cost_center" in update.stdout
        assert "consistent: regeneration check and offline tests pass" in update.stdout
        changelog = (checkout / "openapi" / "CHANGELOG.md").read_text()
        assert f"overlay {reports / 'spec-overlay.yaml'}" in changelog
        updated = {
            **env,
            "PYTHONPATH": os.pathsep.join(str(checkout / part) for part in ("src", "client", "generated")),
        }
        model = subprocess.run(
            [
                sys.executable,
                "-c",
                "import attrs, jobticket_api.models.employee as m; "
                "print([f.name for f in attrs.fields(m.Employee)])",
            ],
            env=updated,
            capture_output=True,
            text=True,
            check=True,
        )
        assert "cost_center" in model.stdout

        # The third night, with the updated spec, has no drift for those points.
        third = night(updated, tmp_path / "night3", previous=reports, cwd=checkout)
    assert third["spec_version"] != second["spec_version"]
    assert third["evidence"]["shape_changes"] == 0
    results = json.loads((tmp_path / "night3" / "results.json").read_text())
    drift = [(f["operation"], f["check"]) for f in results["failures"]]
    assert drift == []
    ledger = {row["open_point"]: row["status"] for row in results["ledger"]}
    assert (ledger["O-8"], ledger["O-18"]) == ("confirmed", "confirmed")
    assert not (tmp_path / "night3" / "spec-overlay.yaml").exists() or all(
        action["x-evidence"]["kind"] == "observed" for action in overlay_of(tmp_path / "night3")["actions"]
    )


@pytest.mark.slow
def test_a_run_on_the_twin_the_kit_starts_proposes_nothing_and_is_no_vendor_evidence(tmp_path: Path) -> None:
    earlier = EvidenceStore(vendor=deviations(1))  # one vendor run already saw the deviations
    earlier.save(tmp_path / "evidence.json")
    reports = tmp_path / "reports"
    done = kit(
        contract_env(), "nightly", "--output-dir", str(reports), "--evidence", str(tmp_path / "evidence.json")
    )
    nightly = json.loads((reports / "nightly.json").read_text())
    assert nightly["exit_code"] == 0, done.stdout[-2000:]
    assert nightly["evidence"]["kind"] == "twin"
    assert (nightly["evidence"]["vendor_runs"], nightly["evidence"]["twin_runs"]) == (3, 1)
    assert nightly["evidence"]["proposals"] == 0
    assert not (reports / "spec-overlay.yaml").exists()
    assert "not evidence about the vendor" in (reports / "spec-overlay.md").read_text()
    after = EvidenceStore.load(reports / "evidence.json")
    assert after.vendor.as_dict() == earlier.vendor.as_dict()
    assert after.twin.elements
