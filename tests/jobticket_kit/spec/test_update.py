"""scripts/update-spec on a changed copy of the spec: the report, the pinning and a consistent checkout."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import jobticket
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


def copy_checkout(target: Path, parts: tuple[str, ...] = COPIED) -> Layout:
    """A checkout in ``target`` holding ``parts`` of this one."""
    for part in parts:
        source, copy = ROOT / part, target / part
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy)
    return Layout(target)


@pytest.fixture
def checkout(tmp_path: Path) -> Layout:
    return copy_checkout(tmp_path)


def spec_version(layout: Layout) -> str:
    return str(yaml.safe_load(layout.spec.read_text(encoding="utf-8"))["info"]["version"])


def client_unreleased(layout: Layout, replacement: str | None = None) -> str:
    """The client CHANGELOG's Unreleased section, heading included (first made ``replacement``)."""
    path = layout.distribution / "CHANGELOG.md"
    changelog = path.read_text(encoding="utf-8")
    start = changelog.index("## [Unreleased]\n")
    end = changelog.index("\n## [", start + 1) + 1
    if replacement is not None:
        path.write_text(changelog[:start] + replacement + changelog[end:], encoding="utf-8")
        return replacement
    return changelog[start:end]


def changed_spec(layout: Layout, tmp_path: Path) -> Path:
    """One removed field, one new optional field, one new enum value, one removed query parameter."""
    spec: dict[str, Any] = yaml.safe_load(layout.spec.read_text(encoding="utf-8"))
    listing = spec["paths"]["/employees"]["get"]
    listing["parameters"] = [item for item in listing["parameters"] if item.get("name") != "status"]
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
    # Exit 3: report only, and breaking for the client (a CI step using it stops a breaking update).
    assert (
        kit(["update-spec", str(changed_spec(checkout, checkout.root.parent)), "--root", str(checkout.root)])
        == 3
    )
    out = capsys.readouterr().out
    # Issue 20: a removed query parameter printed "0 removed", yet JobTicket.list_employees() then raised.
    assert "[BREAKING] GET /employees query parameter status: removed" in out
    assert "jobticket_api.api.employees.list_employees.sync_detailed: parameter was removed: status" in out
    assert re.search(r'jobticket/_operations\.py:\d+: Unexpected keyword argument "status"', out)
    assert "    - jobticket.JobTicket.list_employees\n" in out
    assert "    - jobticket.AsyncJobTicket.list_employees\n" in out
    assert "    - jobticket.JobTicket.get_employee\n" not in out  # only what reaches the broken line
    assert "jobticket_api.models.health_status.HealthStatus(): argument status removed" in out
    assert "Verdict: BREAKING for the client" in out
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
    changelog_file = checkout.root / "openapi" / "CHANGELOG.md"
    old_changelog = changelog_file.read_text(encoding="utf-8")
    first = old_changelog.index("\n## ") + 1
    unreleased = "## Unreleased — annotations only\n\nNothing a client sees.\n\n"
    changelog_file.write_text(old_changelog[:first] + unreleased + old_changelog[first:], encoding="utf-8")
    # The client's Unreleased section already lists a breaking change and an addition.
    earlier = "### Changed (breaking)\n\n- An earlier change.\n\n### Added\n\n- An addition.\n\n"
    client_unreleased(checkout, f"## [Unreleased]\n\n{earlier}")
    old_version = spec_version(checkout)
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
    # Newest first, below the "Unreleased" section (which describes what comes after every version).
    assert changelog.index("## Unreleased") < changelog.index("## 2.0.0") < changelog.index("## 1.0.0")
    assert "- GET /health response 200 .status: field removed" in changelog
    assert "- `jobticket.JobTicket.list_employees` (our client) breaks" in changelog
    # The client's CHANGELOG: one line first under its Unreleased "Changed (breaking)", with the names.
    assert client_unreleased(checkout).startswith(
        "## [Unreleased]\n\n### Changed (breaking)\n\n"
        f"- `jobticket_api` now follows API description 2.0.0 (was {old_version}). Code using these names "
        "must change:\n"
    )
    entry = client_unreleased(checkout).split("- An earlier change.\n")[0]
    assert (
        "  - `jobticket_api.api.employees.list_employees.sync_detailed`: parameter was removed: status\n"
        in entry
    )
    assert (
        "  - `jobticket_api.models.health_status.HealthStatus.status`: public object was removed\n" in entry
    )
    assert "  - `jobticket_api.models.health_status.HealthStatus()`: argument status removed\n" in entry
    assert "  - `jobticket.AsyncJobTicket.list_employees` (our client) breaks\n" in entry
    assert "  - GET /health response 200 .status: field removed\n" in entry
    assert "costCentre" not in entry  # compatible changes are not listed
    assert client_unreleased(checkout).endswith("- An earlier change.\n\n### Added\n\n- An addition.\n\n")
    assert "client/CHANGELOG.md: under Unreleased, jobticket_api now follows API description 2.0.0" in out
    assert "downloadable" in (checkout.generated_package / "models" / "document_sort_field.py").read_text()
    assert "cost_centre" in (checkout.generated_package / "models" / "hr_sync_employee.py").read_text()
    assert json.loads(checkout.lock.read_text())["spec_sha256"]
    assert check(checkout) == []
    # The code of downstream teams that read HealthStatus.status must change: exactly that is reported.
    assert "    - jobticket_api.models.health_status.HealthStatus.status: public object was removed" in out
    assert "  ! downstream code using the names above must change" in out
    next_major = f"{int(jobticket.__version__.split('.')[0]) + 1}.0.0"
    assert (
        "both CHANGELOGs list them, and the next release of the client distribution must be a major one "
        f"({next_major}, after {jobticket.__version__})\n" in out
    )
    # And our own client must change before the update is done: what, and where.
    assert "  ! our client breaks: jobticket.AsyncJobTicket.list_employees" in out
    assert "fix jobticket/_operations.py" in out
    assert " passed" in out
    assert code == 1


# A checkout whose kit, cassettes and cassette tests are its own: the tests update-spec runs read this
# checkout's spec (the kit finds its checkout beside its source).
WITH_KIT = (
    *COPIED,
    "src",
    "contract_tests/cassettes",
    "tests/jobticket_kit/__init__.py",
    "tests/jobticket_kit/cassettes",
    "tests/jobticket_api",
    "tests/jobticket/__init__.py",
    "tests/jobticket/conftest.py",
    "tests/jobticket/test_version.py",
)


@pytest.mark.slow
def test_a_compatible_change_with_yes_passes_end_to_end(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # Issue 20: a new optional field with --yes ended "2 failed ... Needs attention", exit 1 (the
    # cassette tests pinned the spec version).
    layout = copy_checkout(tmp_path, WITH_KIT)
    spec: dict[str, Any] = yaml.safe_load(layout.spec.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["HealthStatus"]["properties"]["uptime"] = {
        "type": "integer",
        "description": "Seconds since the service started.",
        "x-confidence": "open",
        "x-open-point": "O-5",
        "x-assumption": "An optional integer.",
        "x-personal": False,
    }
    new = tmp_path / "compatible.yaml"
    new.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    old_version = spec_version(layout)
    # test_version: the client CHANGELOG's newest mention of an API description is the regenerated one.
    tests = (
        "tests/jobticket_kit/cassettes/test_drift.py",
        "tests/jobticket_api",
        "tests/jobticket/test_version.py",
    )
    code = kit(["update-spec", str(new), "--root", str(tmp_path), "--yes", *(f"--tests={t}" for t in tests)])
    out = capfd.readouterr().out
    assert code == 0, out[-3000:]
    assert "[compatible] GET /health response 200 .uptime: new response field" in out
    assert "Verdict: compatible for the client" in out
    assert "cassettes: every recorded response still follows the new spec; nothing to re-record" in out
    assert "consistent: regeneration check and offline tests pass; the cassettes still follow" in out
    major, minor, _ = (int(part) for part in spec["info"]["version"].split("."))
    assert (
        yaml.safe_load(layout.spec.read_text(encoding="utf-8"))["info"]["version"] == f"{major}.{minor + 1}.0"
    )
    assert check(layout) == []
    assert (
        f"### Changed\n\n- `jobticket_api` now follows API description {major}.{minor + 1}.0 (was "
        f"{old_version})\n" in client_unreleased(layout)
    )
    assert "must be a major one" not in out


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
