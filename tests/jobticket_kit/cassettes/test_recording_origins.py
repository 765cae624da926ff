"""The recorder talks to its target only: no redirect is followed, no other origin is asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobticket_kit.cassettes.recording_context import Ids, RecordingContext, RecordingError
from jobticket_kit.cli import main as kit
from jobticket_kit.target import BASE_URL_VAR, PASSWORD_VAR, USERNAME_VAR

from ..hostile import redirecting_to, serving


def test_a_target_redirecting_elsewhere_is_refused_before_recording(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out"
    with serving() as elsewhere, redirecting_to(elsewhere.url) as target:
        monkeypatch.setenv(BASE_URL_VAR, target.url)
        monkeypatch.setenv(USERNAME_VAR, "key")
        monkeypatch.setenv(PASSWORD_VAR, "secret")
        assert kit(["record-cassettes", "--output-dir", str(output), "--skip-unavailable"]) == 2
    assert elsewhere.hits == []
    assert len(target.hits) == 1
    assert "answered 302" in capsys.readouterr().err
    assert not output.exists()


def test_a_scenario_client_refuses_any_other_origin() -> None:
    with serving() as elsewhere, serving() as target:
        context = RecordingContext(target.url, target.url, Ids(1, 1, 1), {"main": ("key", "secret")})
        http = context.client().get_httpx_client()
        with pytest.raises(RecordingError, match=f"refused a request to {elsewhere.url}"):
            http.get(f"{elsewhere.url}/employees")
        assert http.get("/health").status_code == 200
    assert elsewhere.hits == []
    assert target.hits == ["GET /health"]
