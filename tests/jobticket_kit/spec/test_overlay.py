"""Overlay 1.0 applied to the pinned spec: RFC 9535 targets, merge and append, refusals, formatting kept.

``oas-patch`` (PyPI) was evaluated against these cases first and fails three of them: its jsonpath-ng
targets miss RFC 9535 filters, it concatenates arrays inside an update, and it ignores a target that
selects nothing (see ``jobticket_kit.spec.overlay``).
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobticket_kit.checkout import Layout
from jobticket_kit.cli import main as kit
from jobticket_kit.spec.overlay import OverlayError, apply_overlay, apply_to_text, check_overlay
from jobticket_kit.spec.round_trip import round_trip_yaml

SPEC_TEXT = Layout.current().spec.read_text(encoding="utf-8")


def overlay(*actions: dict[str, Any], **info: str) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1", **info}, "actions": list(actions)}


@cache
def loaded() -> Any:
    """The pinned spec as the round trip loads it, once (loading takes most of a second)."""
    return round_trip_yaml().load(SPEC_TEXT)


def applied(*actions: dict[str, Any]) -> Any:
    document = copy.deepcopy(loaded())
    apply_overlay(document, overlay(*actions))
    return document


@pytest.mark.slow
def test_a_round_trip_keeps_the_spec_as_written() -> None:
    text, _ = apply_to_text(SPEC_TEXT, overlay({"target": "$.info", "update": {}}))
    changed = [line for line in text.splitlines() if line not in SPEC_TEXT.splitlines()]
    # Only the one plain scalar folded over three lines in the source becomes one line.
    assert len(changed) == 1
    assert changed[0].strip().startswith("- https://jobticket-docs.ticket-plus.app")


def test_update_merges_objects_and_replaces_arrays_inside_them() -> None:
    spec = applied(
        {
            "target": "$.components.schemas.Employee.properties.dateOfBirth",
            "update": {"type": ["string", "integer"]},
        },
        {"target": "$.components.schemas.Plan.properties.type", "update": {"x-known-values": ["a"]}},
    )
    schemas = spec["components"]["schemas"]
    assert schemas["Employee"]["properties"]["dateOfBirth"]["type"] == ["string", "integer"]
    assert schemas["Employee"]["properties"]["dateOfBirth"]["format"] == "date"  # the rest is kept
    assert schemas["Plan"]["properties"]["type"]["x-known-values"] == ["a"]


def test_an_update_of_an_array_appends_an_entry() -> None:
    spec = applied({"target": "$.components.schemas.Plan.properties.type['x-known-values']", "update": "b"})
    assert spec["components"]["schemas"]["Plan"]["properties"]["type"]["x-known-values"][-1] == "b"


def test_rfc_9535_filters_select_every_matching_node() -> None:
    spec = applied(
        {"target": "$.paths.*[?@.operationId == 'getEmployee']", "update": {"x-note": 1}},
        {
            "target": "$..[?@['x-open-point'] == 'O-8' && @['x-confidence'] != 'doc']",
            "update": {"x-seen": True},
        },
    )
    assert spec["paths"]["/employees/{id}"]["get"]["x-note"] == 1
    assert spec["components"]["schemas"]["HrIntegration"]["properties"]["name"]["x-seen"] is True
    assert spec["components"]["schemas"]["HrIntegration"]["properties"]["id"].get("x-seen") is None


def test_remove_removes_every_selected_node() -> None:
    spec = applied({"target": "$.paths['/health'].get.responses['503']", "remove": True})
    assert "503" not in spec["paths"]["/health"]["get"]["responses"]


@pytest.mark.parametrize(
    ("actions", "problem"),
    [
        (
            [{"target": "$.components.schemas.Nope", "update": {"a": 1}}],
            "action 1: target $.components.schemas.Nope selects nothing",
        ),
        ([{"target": "$.info.title", "update": {"a": 1}}], "neither object nor array"),
        ([{"target": "$.info", "update": "text"}], "update must be an object"),
        ([{"target": "$", "remove": True}], "cannot be removed"),
    ],
)
def test_an_action_that_cannot_apply_is_refused_naming_it(
    actions: list[dict[str, Any]], problem: str
) -> None:
    with pytest.raises(OverlayError) as refused:
        applied(*actions)
    assert problem in str(refused.value)


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (
            "overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.info, update: {}}]",
            "overlay must be",
        ),
        ("overlay: 1.0.0\ninfo: {title: t}\nactions: [{target: $.info, update: {}}]", "info must have"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []", "actions must be a list of 1"),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: info, update: {}}]",
            "starting with $",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: '$[', update: {}}]",
            "not RFC 9535",
        ),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.info}]", "needs update"),
        ("a: &a [*a]", "refers to itself"),
    ],
)
def test_a_broken_overlay_is_refused_in_one_line(document: str, problem: str) -> None:
    with pytest.raises(OverlayError) as refused:
        check_overlay(document, "x.yaml")
    assert problem in str(refused.value)
    assert "\n" not in str(refused.value)


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


@pytest.mark.slow
def test_the_command_refuses_a_bad_overlay_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = Layout.current().spec
    before = spec.read_bytes()
    stale = write(
        tmp_path / "o.yaml", overlay({"target": "$.info", "update": {}}, **{"x-spec-version": "0.9.0"})
    )
    assert kit(["update-spec", "--overlay", str(stale)]) == 2
    assert "made for spec 0.9.0, but the pinned spec is" in capsys.readouterr().err
    missing = write(tmp_path / "m.yaml", overlay({"target": "$.nothing", "update": {}}))
    assert kit(["update-spec", "--overlay", str(missing)]) == 2
    assert "selects nothing" in capsys.readouterr().err
    assert kit(["update-spec", "--overlay", str(tmp_path / "absent.yaml")]) == 2
    assert kit(["update-spec", "new.yaml", "--overlay", str(missing)]) == 2
    assert "give either SOURCE or --overlay FILE, not both" in capsys.readouterr().err
    assert spec.read_bytes() == before
