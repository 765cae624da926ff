"""The recorder talks to its target only: no redirect is followed, no other origin is asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobticket_kit.cassettes.recording_context import Ids, RecordingContext, RecordingError
from jobticket_kit.cli import main as kit
from jobticket_kit.target import BASE_URL_VAR, PASSWORD_VAR, USERNAME_VAR
from tests.helpers.loopback import LoopbackServer, redirecting


def test_a_target_redirecting_elsewhere_is_refused_before_recording(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out"
    with LoopbackServer() as elsewhere, LoopbackServer(redirecting(elsewhere.base_url)) as target:
        monkeypatch.setenv(BASE_URL_VAR, target.base_url)
        monkeypatch.setenv(USERNAME_VAR, "key")
        monkeypatch.setenv(PASSWORD_VAR, "secret")
        assert kit(["record-cassettes", "--output-dir", str(output), "--skip-unavailable"]) == 2
    assert elsewhere.request_lines == []
    assert len(target.request_lines) == 1
    assert "answered 302" in capsys.readouterr().err
    assert not output.exists()


def test_a_scenario_client_refuses_any_other_origin() -> None:
    with LoopbackServer() as elsewhere, LoopbackServer() as target:
        context = RecordingContext(
            target.base_url, target.base_url, Ids(1, 1, 1), {"main": ("key", "secret")}
        )
        http = context.client().get_httpx_client()
        with pytest.raises(RecordingError, match=f"refused a request to {elsewhere.base_url}"):
            http.get(elsewhere.url("/employees"))
        assert http.get("/health").status_code == 200
    assert elsewhere.request_lines == []
    assert target.request_lines == ["GET /health"]
