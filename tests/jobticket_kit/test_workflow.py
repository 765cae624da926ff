"""The downstream nightly workflow is valid and only calls commands, options and variables that exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest
import yaml

from jobticket_kit import target
from jobticket_kit.checkout import project_root

ROOT = project_root()
WORKFLOW = ROOT / ".github" / "workflows" / "nightly-contract.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def job(workflow: dict[Any, Any]) -> dict[str, Any]:
    found: dict[str, Any] = workflow["jobs"]["contract"]
    return found


def run_lines(job: dict[str, Any]) -> list[str]:
    return [line for step in job["steps"] if "run" in step for line in step["run"].splitlines()]


def test_it_is_scheduled_and_can_be_started_by_hand(workflow: dict[Any, Any]) -> None:
    # YAML 1.1 reads a bare `on` key as true.
    triggers: dict[str, Any] = workflow["on"] if "on" in workflow else workflow[True]
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}


def test_it_passes_exactly_the_kit_variables_with_secrets_by_name(job: dict[str, Any]) -> None:
    kit_variables = {
        target.BASE_URL_VAR,
        target.USERNAME_VAR,
        target.PASSWORD_VAR,
        target.SANDBOX_INTEGRATION_VAR,
        target.ALLOW_DESTRUCTIVE_VAR,
    }
    assert set(job["env"]) == kit_variables
    assert job["env"][target.USERNAME_VAR] == "${{ secrets.JOBTICKET_USERNAME }}"
    assert job["env"][target.PASSWORD_VAR] == "${{ secrets.JOBTICKET_PASSWORD }}"
    assert "v1-api-staging.ticket-plus.app" in job["env"][target.BASE_URL_VAR]


def test_every_script_it_calls_exists_and_is_executable(job: dict[str, Any]) -> None:
    scripts = {match for line in run_lines(job) for match in re.findall(r"\bscripts/[\w-]+", line)}
    assert scripts == {"scripts/nightly", "scripts/nightly-issues"}
    for script in scripts:
        assert os.access(ROOT / script, os.X_OK), script


@pytest.mark.parametrize(
    ("command", "options"),
    [("nightly", {"--output-dir", "--previous"}), ("nightly-issues", {"--summary", "--run-url"})],
)
def test_the_options_it_passes_are_the_commands_own(
    job: dict[str, Any], command: str, options: set[str]
) -> None:
    steps = ["\n".join(run_lines({"steps": [step]})) for step in job["steps"] if "run" in step]
    text = "\n".join(step for step in steps if f"scripts/{command} " in step)
    used = set(re.findall(r"--[a-z-]+", text))
    help_text = subprocess.run(
        [sys.executable, "-m", "jobticket_kit", command, "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert used == options
    assert all(option in help_text for option in used)


def test_the_issues_step_runs_after_every_night_with_the_jobs_token(job: dict[str, Any]) -> None:
    (step,) = [step for step in job["steps"] if "scripts/nightly-issues" in step.get("run", "")]
    names = [step.get("name") for step in job["steps"]]
    assert names.index(step["name"]) < names.index("Post the summary")  # the summary links the issues
    assert step["if"].startswith("always()")
    assert step["env"] == {"GH_TOKEN": "${{ github.token }}"}


def test_it_installs_the_tox_the_readme_pins(job: dict[str, Any]) -> None:
    pinned = re.search(r"tox==[\d.]+", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert pinned
    assert any(pinned.group(0) in line for line in run_lines(job))
    assert pinned.group(0) in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_it_uploads_the_reports_it_writes_and_posts_the_summary(job: dict[str, Any]) -> None:
    uploads = [step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads[0]["with"]["path"] == "reports/"
    assert uploads[0]["if"] == "always()"
    assert any("reports/summary.md" in line and "GITHUB_STEP_SUMMARY" in line for line in run_lines(job))
    assert any("--output-dir reports" in line for line in run_lines(job))
