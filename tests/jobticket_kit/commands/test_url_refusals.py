"""Every tool refuses a production or malformed target URL with one line and exit 2, before any request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobticket_kit import variables
from jobticket_kit.checkout import project_root
from jobticket_kit.cli import main as kit
from tests.jobticket.test_hosts import MALFORMED, PRODUCTION_SPELLINGS, no_network

__all__ = ["no_network"]  # the fixture, shared with the client's host tests

TOOLS = {
    "scripts/contract": "contract",
    "scripts/nightly": "nightly",
    "scripts/record-cassettes": "record-cassettes",
}
URLS = {
    "percent-encoded dot": ("https://v1-api.ticket-plus%2Eapp", "production"),
    "backslash before @": ("https://v1-api.ticket-plus.app\\@127.0.0.1", "production"),
    "ideographic full stops": ("https://v1-api\u3002ticket-plus\u3002app", "production"),
    "unclosed bracket": ("https://[::1", "IPv6"),
    "bracketed name": ("https://[v1-api-staging.ticket-plus.app]", "IPv6"),
    "port out of range": ("https://v1-api-staging.ticket-plus.app:70000", "port"),
}


# Every URL through the contract CLI, and a production and a malformed one through each other tool.
PAIRS = [
    *(("scripts/contract", case) for case in URLS),
    *(
        (tool, case)
        for tool in TOOLS
        if tool != "scripts/contract"
        for case in ("backslash before @", "unclosed bracket")
    ),
]


@pytest.mark.parametrize(("tool", "case"), PAIRS)
@pytest.mark.slow
def test_the_tool_refuses_the_url_with_one_line(tool: str, case: str, tmp_path: Path) -> None:
    url, named = URLS[case]
    env = {name: value for name, value in os.environ.items() if name not in variables.ALL_VARIABLES}
    env.update(JOBTICKET_BASE_URL=url, JOBTICKET_USERNAME="key", JOBTICKET_PASSWORD="top-secret")
    env["PYTHONPATH"] = os.pathsep.join(str(project_root() / part) for part in ("src", "client"))
    # An unroutable proxy: any request that escaped the refusal would fail loudly, not reach anything.
    env.update(HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    out = tmp_path / "out"
    completed = subprocess.run(
        [sys.executable, "-m", "jobticket_kit", TOOLS[tool], "--output-dir", str(out)],
        cwd=project_root(),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    lines = (completed.stdout + completed.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert "refused" in lines[0]
    assert named in lines[0]
    assert "top-secret" not in lines[0]
    assert not out.exists()  # nothing written


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("url", [*PRODUCTION_SPELLINGS[:8], *MALFORMED[:6]])
def test_the_refusal_comes_before_any_lookup_or_connection(
    tool: str,
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_network: list[object],
) -> None:
    for name in variables.ALL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JOBTICKET_BASE_URL", url)
    monkeypatch.setenv("JOBTICKET_USERNAME", "key")
    monkeypatch.setenv("JOBTICKET_PASSWORD", "top-secret")
    assert kit([TOOLS[tool], "--output-dir", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert "refused" in captured.out + captured.err
    assert not (tmp_path / "out").exists()
