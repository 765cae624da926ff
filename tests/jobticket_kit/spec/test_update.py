"""scripts/update-spec on a changed copy of the spec: the report, the pinning and a consistent checkout."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobticket_kit.checkout import project_root
from jobticket_kit.cli import main as kit
from jobticket_kit.spec.generation import Layout, check
from jobticket_kit.spec.update import bump_version

ROOT = project_root()
COPIED = (
    "openapi",
    "client",
    "generated",
    "tests/openapi",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/helpers",
    "pyproject.toml",
    "package.json",
    "package-lock.json",
)


@pytest.fixture
def checkout(tmp_path: Path) -> Layout:
    for part in COPIED:
        source, target = ROOT / part, tmp_path / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return Layout(tmp_path)


def changed_spec(layout: Layout, tmp_path: Path) -> Path:
    """One removed field, one new optional field, one new enum value."""
    spec: dict[str, Any] = yaml.safe_load(layout.spec.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    del schemas["HealthStatus"]["properties"]["status"]
    schemas["HrSyncEmployee"]["properties"]["costCentre"] = {
        "type": "string",
        "description": "Cost centre of the employee.",
        "x-confidence": "open",
        "x-open-point": "O-24",
        "x-assumption": "Sent as a plain optional string.",
    }
    schemas["DocumentSortField"]["enum"].append("downloadable")
    new = tmp_path / "vendor-update.yaml"
    new.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return new


@pytest.mark.slow
def test_report_only_changes_nothing(checkout: Layout, capsys: pytest.CaptureFixture[str]) -> None:
    before = checkout.spec.read_bytes()
    assert (
        kit(["update-spec", str(changed_spec(checkout, checkout.root.parent)), "--root", str(checkout.root)])
        == 0
    )
    out = capsys.readouterr().out
    assert "[BREAKING] GET /health response 200 .status: field removed" in out
    assert (
        "[compatible] POST /hr-integrations/{id}/sync request body .employees[] .costCentre: "
        "new optional request field" in out
    )
    assert (
        "[BREAKING] GET /employee-documents query parameter sortField: new enum value(s) ['downloadable']"
        in out
    )
    assert "run again with --yes" in out
    assert checkout.spec.read_bytes() == before


@pytest.mark.slow
def test_accepted_change_is_pinned_and_leaves_the_checkout_consistent(
    checkout: Layout, capfd: pytest.CaptureFixture[str]
) -> None:
    new = changed_spec(checkout, checkout.root.parent)
    code = kit(["update-spec", str(new), "--root", str(checkout.root), "--yes", "--tests", "tests/openapi"])
    out = capfd.readouterr().out
    pinned = yaml.safe_load(checkout.spec.read_text(encoding="utf-8"))
    assert pinned["info"]["version"] == "2.0.0"
    assert pinned["info"]["x-provenance"]["updated-from"] == str(new)
    assert (
        pinned["info"]["x-provenance"]["reconstructed-on"]
        == datetime.datetime.now(tz=datetime.UTC).date().isoformat()
    )
    changelog = (checkout.root / "openapi" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 2.0.0") < changelog.index("## 1.0.0")
    assert "- GET /health response 200 .status: field removed" in changelog
    assert "downloadable" in (checkout.generated_package / "models" / "document_sort_field.py").read_text()
    assert "cost_centre" in (checkout.generated_package / "models" / "hr_sync_employee.py").read_text()
    assert json.loads(checkout.lock.read_text())["spec_sha256"]
    assert check(checkout) == []
    # The code of downstream teams that read HealthStatus.status must change: exactly that is reported.
    assert "  - jobticket_api.models.health_status.HealthStatus.status" in out
    assert "  ! code using jobticket_api.models.health_status.HealthStatus.status must change" in out
    assert " passed" in out
    assert "offline tests or the cassette drift check fail" not in out
    assert code == 1


def test_invalid_spec_is_rejected_before_anything_changes(
    checkout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: {title: x}\npaths: {}\n")
    before = checkout.spec.read_bytes()
    assert kit(["update-spec", str(broken), "--root", str(checkout.root), "--yes"]) == 2
    assert "not valid OpenAPI" in capsys.readouterr().err
    assert checkout.spec.read_bytes() == before


@pytest.mark.parametrize(
    ("old", "proposed", "breaking", "expected"),
    [
        ("1.0.0", "1.0.0", True, "2.0.0"),
        ("1.4.2", "1.0.0", False, "1.5.0"),
        ("1.0.0", "3.1.0", False, "3.1.0"),
    ],
)
def test_version_bump(old: str, proposed: str, breaking: bool, expected: str) -> None:
    assert bump_version(old, proposed, breaking=breaking) == expected
