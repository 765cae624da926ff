"""The drift check: recorded responses follow the pinned spec, and a changed spec names cassette and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobticket_kit.cassettes.drift import Drift, find_drift, stale_cassettes
from jobticket_kit.cassettes.layout import (
    INDEX_NAME,
    Cassette,
    SpecIdentity,
    cassette_sets,
    default_cassette_dir,
    load_cassette,
)
from jobticket_kit.cli import main as kit
from jobticket_kit.spec.validation import default_spec_path

pytestmark = pytest.mark.block_network


def modified_spec(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the pinned spec with one change applied."""
    document = yaml.safe_load(default_spec_path().read_text(encoding="utf-8"))
    change(document["components"]["schemas"])
    path = tmp_path / "jobticket.openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def drift_of(drifts: list[Drift], cassette: str) -> list[str]:
    return [problem for drift in drifts if drift.cassette == cassette for problem in drift.problems]


@pytest.mark.slow
def test_every_recorded_response_follows_the_pinned_spec() -> None:
    drifts = [drift for directory in cassette_sets() for drift in find_drift(directory)]
    assert drifts == [], "\n".join(map(str, drifts))
    assert kit(["drift"]) == 0


def test_a_field_deleted_from_the_spec_names_the_cassette_and_the_field(tmp_path: Path) -> None:
    def delete_date_of_birth(schemas: dict[str, Any]) -> None:
        employee = schemas["Employee"]
        del employee["properties"]["dateOfBirth"]
        employee["required"].remove("dateOfBirth")

    spec = modified_spec(tmp_path, delete_date_of_birth)
    drifts = find_drift(spec_path=spec)
    problems = drift_of(drifts, "get-employee-200.yaml")
    assert problems == ["body $.data: Additional properties are not allowed ('dateOfBirth' was unexpected)"]
    assert {drift.operation for drift in drifts} == {"getEmployee", "listEmployees"}
    report = "\n".join(map(str, drifts))
    assert "cassette get-employee-200.yaml, interaction 1: getEmployee (GET /employees/" in report
    assert kit(["drift", "--spec", str(spec)]) == 1


def test_a_changed_type_names_the_cassette_and_the_field(tmp_path: Path) -> None:
    def integer_ids_become_strings(schemas: dict[str, Any]) -> None:
        schemas["HrIntegration"]["properties"]["id"] = {"type": "string"}

    drifts = find_drift(spec_path=modified_spec(tmp_path, integer_ids_become_strings))
    assert {drift.cassette for drift in drifts} == {
        "get-hr-integration-200.yaml",
        "list-hr-integrations-200.yaml",
    }
    problems = drift_of(drifts, "get-hr-integration-200.yaml")
    assert len(problems) == 1
    assert problems[0].startswith("body $.data.id: ")
    assert "is not of type 'string'" in problems[0]


def test_a_drift_report_says_which_spec_the_cassette_was_recorded_under(tmp_path: Path) -> None:
    def status_becomes_an_integer(schemas: dict[str, Any]) -> None:
        schemas["HealthStatus"]["properties"]["status"] = {"type": "integer"}

    spec = modified_spec(tmp_path, status_becomes_an_integer)
    (drift,) = find_drift(spec_path=spec)
    version = load_cassette(default_cassette_dir() / "health-check-200.yaml").metadata["spec_version"]
    assert str(drift).startswith(
        "cassette health-check-200.yaml, interaction 1: healthCheck (GET /health) -> 200, "
        f"recorded under spec {version}, now disagrees:\n    body $.status: "
    )
    assert "health-check-200.yaml" in stale_cassettes(spec_path=spec)


def test_cassettes_carry_the_spec_version_they_were_recorded_under(committed: dict[str, Cassette]) -> None:
    # One recording, under one spec, which may lag the pinned one: a compatible spec update keeps the
    # cassettes (their responses still follow it, which the drift check proves), so the version is not
    # pinned here. It must be a version the spec had: one the CHANGELOG names, not newer than today's.
    index = yaml.safe_load((default_cassette_dir() / INDEX_NAME).read_text(encoding="utf-8"))
    stamps = {
        (cassette.metadata["spec_version"], cassette.metadata["spec_sha256"])
        for cassette in committed.values()
    }
    assert stamps == {(index["spec_version"], index["spec_sha256"])}
    assert len(index["spec_sha256"]) == 64
    changelog = (default_spec_path().parent / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {index['spec_version']} " in changelog
    current = SpecIdentity.of(default_spec_path())
    assert _semver(index["spec_version"]) <= _semver(current.version)


def _semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("-", maxsplit=1)[0].split("."))
