"""jobticket-kit nightly-issues against a fake ``gh`` on PATH: opens, comments, closes, delays outages."""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from jobticket_kit.cli import main as kit
from jobticket_kit.nightly import night

START = datetime.datetime(2026, 12, 1, 3, 17, tzinfo=datetime.UTC)
FAKE_GH = Path(__file__).with_name("fake_gh.py")


class FakeGh:
    """The fake gh's state and call log, with the command installed first on PATH."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        gh = bin_dir / "gh"
        gh.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_GH}" "$@"\n')
        gh.chmod(0o755)
        self.state, self.log = tmp_path / "gh-state.json", tmp_path / "gh-log.jsonl"
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setenv("FAKE_GH_STATE", str(self.state))
        monkeypatch.setenv("FAKE_GH_LOG", str(self.log))

    def issues(self) -> list[dict[str, Any]]:
        return list(json.loads(self.state.read_text())["issues"]) if self.state.exists() else []

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line)["args"][:2] for line in self.log.read_text().splitlines()]

    def forget_calls(self) -> None:
        self.log.unlink(missing_ok=True)


@pytest.fixture
def gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeGh:
    return FakeGh(tmp_path, monkeypatch)


def failure(fingerprint: str, check: str, title: str, message: str = "") -> dict[str, Any]:
    return {
        "fingerprint": fingerprint,
        "check": check,
        "title": title,
        "message": message or title,
        "test": f"contract_tests/test_x.py::test_{check}",
        "operation": "getEmployee",
        "reproduction": "scripts/contract --operation getEmployee",
    }


DRIFT = failure("a" * 16, "response_schema_conformance", "Response violates schema")
BUG = failure("b" * 16, "test_sorting", "KeyError: 'data'")
DOWN = failure("c" * 16, "not_a_server_error", "Server error") | {"status": 503}


def results(*failures: dict[str, Any], verdict: bool = True) -> dict[str, Any]:
    return {
        "verdict": "contract broken" if verdict else "no verdict",
        "exit_code": 1 if verdict else 2,
        "reason": "failures" if verdict else "outage: 1 check(s) got only server errors",
        "target": "https://v1-api-staging.ticket-plus.app",
        "failures": list(failures),
        "requests": {"spent": 40},
    }


def write_night(path: Path, tonight: dict[str, Any]) -> Path:
    path.write_text(json.dumps(tonight))
    return path


def file_issues(path: Path, *extra: str) -> int:
    return kit(["nightly-issues", str(path), "--run-url", "https://ci.example/run/1", *extra])


def test_issues_open_persist_wait_for_outages_and_close(
    gh: FakeGh, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# Nightly contract check\n")
    path = tmp_path / "nightly.json"

    # Night 1, a verdict: drift and our own bug are filed at once; an outage waits.
    one = night(results(DRIFT, BUG, DOWN), "1.0.0", START, None)
    assert file_issues(write_night(path, one), "--summary", str(summary)) == 0
    issues = gh.issues()
    assert [(issue["number"], issue["state"]) for issue in issues] == [(1, "open"), (2, "open")]
    assert "Response violates schema" in issues[0]["title"]
    assert "contract drift" in issues[0]["title"]
    assert "fingerprint=aaaaaaaaaaaaaaaa outcome=contract drift" in issues[0]["body"]
    assert "Run: https://ci.example/run/1" in issues[0]["body"]
    assert "our own bug" in issues[1]["title"]
    text = summary.read_text()
    assert "## Issues (one per failure fingerprint)" in text
    assert (
        f"- `{'a' * 16}` contract drift, getEmployee response_schema_conformance: Response violates schema: "
        "opened https://github.example/acme/api/issues/1"
    ) in text
    assert f"`{'c' * 16}` outage" in text
    assert "not filed yet: outage on 1 night in a row, filed from 3" in text

    # Nights 2 and 3, without a verdict: nothing retested, so nothing commented or closed; the outage
    # (and the run's own "no verdict") are filed once they have lasted three nights.
    two = night(results(DOWN, verdict=False), "1.0.0", START + datetime.timedelta(days=1), one)
    gh.forget_calls()
    assert file_issues(write_night(path, two)) == 0
    assert gh.calls() == [["issue", "list"]]
    three = night(results(DOWN, verdict=False), "1.0.0", START + datetime.timedelta(days=2), two)
    assert file_issues(write_night(path, three)) == 0
    issues = gh.issues()
    assert len(issues) == 3
    assert "outage" in issues[2]["title"]
    assert "3 nights in a row" in issues[2]["body"]
    assert [issue["comments"] for issue in issues[:2]] == [[], []]
    assert "left open: tonight had no verdict" in capsys.readouterr().out

    # Night 4, a verdict: the drift persists (a comment), the bug is fixed and the outage over (closed).
    four = night(results(DRIFT), "1.0.0", START + datetime.timedelta(days=3), three)
    assert file_issues(write_night(path, four)) == 0
    issues = gh.issues()
    assert [issue["state"] for issue in issues] == ["open", "closed", "closed", "closed"][: len(issues)]
    assert (
        "Still failing on the night of 2026-12-04T03:17:00+00:00 (2 nights in a row)"
        in issues[0]["comments"][0]
    )
    assert issues[1]["comments"][0].startswith("Fixed: the night of 2026-12-04")
    assert issues[2]["state"] == "closed"


def test_an_incident_is_filed_at_once_and_closes_nothing(gh: FakeGh, tmp_path: Path) -> None:
    path = tmp_path / "nightly.json"
    one = night(results(DRIFT), "1.0.0", START, None)
    assert file_issues(write_night(path, one)) == 0
    incident = {
        **results(),
        "exit_code": 3,
        "verdict": "incident",
        "reason": "incident: HR sync kit-x was sent and accepted, but ... (employee 42)",
    }
    two = night(incident, "1.0.0", START + datetime.timedelta(days=1), one)
    assert file_issues(write_night(path, two)) == 0
    drift, filed = gh.issues()
    assert drift["state"] == "open"  # not retested: the run halted at the sync
    assert filed["state"] == "open"
    assert "incident: a sync of the run was applied otherwise than planned" in filed["title"]
    assert "(employee 42)" in filed["body"]


def test_dry_run_reads_but_changes_nothing(
    gh: FakeGh, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("top\n")
    path = write_night(tmp_path / "nightly.json", night(results(DRIFT), "1.0.0", START, None))
    assert file_issues(path, "--dry-run", "--summary", str(summary)) == 0
    assert gh.calls() == [["issue", "list"]]
    assert gh.issues() == []
    assert summary.read_text() == "top\n"
    out = capsys.readouterr().out
    assert "would run: gh issue create --title" in out
    assert f"`{'a' * 16}` contract drift" in out
    assert "would open" in out


def test_a_failing_gh_call_is_reported_and_the_others_still_made(
    gh: FakeGh, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nightly.json"
    one = night(results(DRIFT, BUG), "1.0.0", START, None)
    assert file_issues(write_night(path, one)) == 0
    monkeypatch.setenv("FAKE_GH_FAIL", "issue comment")
    two = night(results(DRIFT, BUG, DOWN), "1.0.0", START + datetime.timedelta(days=1), one)
    assert file_issues(write_night(path, two)) == 1
    out = capsys.readouterr().out
    assert "**not done**: gh issue comment failed (exit 1): HTTP 502" in out
    assert gh.calls().count(["issue", "comment"]) == 2


def test_without_gh_or_with_a_bad_file_it_refuses_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_night(tmp_path / "nightly.json", night(results(DRIFT), "1.0.0", START, None))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert file_issues(path) == 2
    assert (
        capsys.readouterr().err.strip()
        == "jobticket-kit nightly-issues: 'gh' is not on PATH: install the GitHub CLI"
    )
    (tmp_path / "bad.json").write_text('{"format": 2, "failures": {}}')
    assert file_issues(tmp_path / "bad.json") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("jobticket-kit nightly-issues: ")
    assert "'failures' must be a list" in err
    assert "\n" not in err
