"""Schemathesis (all phases, all checks) over every non-destructive operation finds nothing on the twin."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from jobticket_kit.contract.fuzz_filters import drop_disguised_id_lists, serializes_like_valid_ids
from jobticket_kit.spec.validation import default_spec_path
from jobticket_twin import TwinConfig
from jobticket_twin.testing import running_twin

CONFIG_FILE = Path(__file__).with_name("schemathesis.toml")


def _config(base_url: str, credentials: tuple[str, str]) -> SchemathesisConfig:
    settings: dict[str, Any] = tomllib.loads(CONFIG_FILE.read_text(encoding="utf-8"))
    settings.update(
        {
            "seed": 0,
            "base-url": base_url,
            "auth": {"basic": {"username": credentials[0], "password": credentials[1]}},
            "suppress-health-check": ["all"],
        }
    )
    settings["generation"].update({"max-examples": 10, "deterministic": True, "database": "none"})
    return SchemathesisConfig.from_dict(settings)


@pytest.mark.slow
def test_schemathesis_finds_no_failure_in_the_non_destructive_operations() -> None:
    with running_twin(TwinConfig(rate_limit=0)) as twin:
        config = _config(twin.base_url, twin.credentials())
        schema = schemathesis.openapi.from_path(default_spec_path(), config=config).exclude(
            operation_id="triggerHrSync"
        )
        schema.hook("filter_query")(drop_disguised_id_lists)
        problems: list[str] = []
        tested: set[str] = set()
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
                tested.add(event.recorder.label)
                if event.status in (Status.FAILURE, Status.ERROR):
                    failed = {check.name for checks in event.recorder.checks.values() for check in checks
                              if check.status == Status.FAILURE}  # fmt: skip
                    problems.append(f"{event.recorder.label}: {sorted(failed) or event.status}")
            elif isinstance(event, events.NonFatalError | events.FatalError):
                problems.append(f"error: {event.info if hasattr(event, 'info') else event}")
    assert problems == []
    assert {label for label in tested if label.startswith("GET ")} >= {
        "GET /employees", "GET /employees/{id}", "GET /employees/{id}/documents", "GET /employee-documents",
        "GET /employee-documents/{id}", "GET /employee-documents/{id}/download", "GET /health",
        "GET /hr-integrations", "GET /hr-integrations/{id}",
    }  # fmt: skip


def test_only_id_values_that_reach_the_wire_as_valid_lists_are_filtered() -> None:
    assert serializes_like_valid_ids(176)
    assert not serializes_like_valid_ids([""])  # ids= : minItems 1, so a real negative case
    assert not serializes_like_valid_ids([])
    assert serializes_like_valid_ids(["1", 2])
    assert not serializes_like_valid_ids([1, 2])
    assert not serializes_like_valid_ids(["x"])
    assert not serializes_like_valid_ids([True])
    assert not serializes_like_valid_ids(1.5)
    assert drop_disguised_id_lists(None, {"ids": [0, -1]})
    assert not drop_disguised_id_lists(None, {"ids": 7})
