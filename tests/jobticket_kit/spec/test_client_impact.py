"""What a regenerated jobticket_api breaks, read from the real code: griffe, constructors, mypy, callers."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobticket_kit.checkout import project_root
from jobticket_kit.spec import generation
from jobticket_kit.spec.client_impact import api_breakages, constructor_changes, public_callers

ROOT = project_root()

MODEL = """from attrs import define as _attrs_define
from attrs import field as _attrs_field


@_attrs_define
class Thing:
{fields}
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
"""


def package(tmp_path: Path, name: str, *fields: str) -> Path:
    folder = tmp_path / name / "jobticket_api" / "models"
    folder.mkdir(parents=True)
    (folder.parent / "__init__.py").write_text("")
    (folder / "__init__.py").write_text("")
    (folder / "thing.py").write_text(MODEL.format(fields="\n".join(f"    {line}" for line in fields)))
    return tmp_path / name


@pytest.mark.parametrize(
    ("after", "found"),
    [
        (("id: int", "name: str | Unset = UNSET", "note: str | Unset = UNSET"), []),  # optional, at the end
        (("id: int", "uptime: int", "name: str | Unset = UNSET"), ["new required argument uptime"]),
        (("id: str", "name: str | Unset = UNSET"), ["argument id changed type int -> str"]),
        (("id: int", "name: str"), ["argument name became required"]),
        (("id: int",), ["argument name removed"]),
        (
            ("id: int", "note: str | Unset = UNSET", "name: str | Unset = UNSET"),
            ["arguments in another order (callers passing them by position break)"],
        ),
    ],
)
def test_a_constructor_change_is_anything_a_caller_could_notice(
    tmp_path: Path, after: tuple[str, ...], found: list[str]
) -> None:
    old = package(tmp_path, "old", "id: int", "name: str | Unset = UNSET")
    new = package(tmp_path, "new", *after)
    assert [change.description for change in constructor_changes(old, new)] == found


def test_the_public_methods_that_reach_a_broken_line_are_named_and_no_others() -> None:
    callers = public_callers(ROOT / "client", ["jobticket._operations.employees_query"])
    assert {"jobticket.JobTicket.list_employees", "jobticket.AsyncJobTicket.list_employees"} <= set(callers)
    assert "jobticket.JobTicket.sync_roster" in callers  # it lists the employees before it plans
    assert "jobticket.roster.plan_roster" in callers  # and so does the roster application
    assert "jobticket.JobTicket.get_employee" not in callers
    assert "jobticket.JobTicket.list_documents" not in callers


@pytest.mark.slow
def test_a_new_required_response_property_changes_the_generated_constructor(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "openapi", tmp_path / "openapi")
    layout = generation.Layout(tmp_path)
    spec: dict[str, Any] = yaml.safe_load(layout.spec.read_text(encoding="utf-8"))
    health = spec["components"]["schemas"]["HealthStatus"]
    health["properties"]["uptime"] = {"type": "integer"}
    health["required"] = [*health.get("required", []), "uptime"]
    layout.spec.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    generation.generate(layout, tmp_path / "generated")
    changes = constructor_changes(ROOT / "generated", tmp_path / "generated")
    assert [str(change) for change in changes] == [
        "jobticket_api.models.health_status.HealthStatus(): new required argument uptime"
    ]
    assert api_breakages(ROOT / "generated", tmp_path / "generated") == []  # griffe alone would miss it
