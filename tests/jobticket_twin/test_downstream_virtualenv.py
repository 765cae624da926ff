"""The testing kit as a downstream team gets it: a fresh virtualenv with only ``client[testing]`` and
pytest, installed from local wheels, runs a test file that uses nothing but the ``jobticket_twin``
fixture, offline (every socket connect refused), in seconds.

The wheels are the client distribution built from this checkout plus its dependencies at the versions of
constraints.txt (``pip download``, so a re-run is served by pip's cache); the virtualenv then installs
with ``--no-index --find-links``: nothing but those files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Also the README's five-line example ("Testing your code against the twin"), verbatim.
DOWNSTREAM_TESTS = """
import asyncio
import socket
import time

import pytest


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("this test must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_paused_employees_are_reported(jobticket_twin):
    jobticket_twin.change_subscription(42, "paused", pausedAt="2026-05-20")
    with jobticket_twin.client() as client:
        paused = [e.id for e in client.list_employees(status="paused")]
    assert 42 in paused


def test_150_calls_a_full_listing_and_an_async_listing(jobticket_twin):
    started = time.perf_counter()
    with jobticket_twin.client() as client:
        for _ in range(150):
            assert client.get_employee(42).first_name == "Anna"
        employees = client.list_employees().to_list()

    async def async_listing():
        async with jobticket_twin.async_client() as client:
            return [e.id async for e in client.list_employees()]

    assert asyncio.run(async_listing()) == [e.id for e in employees]
    assert len(employees) == 250
    print(
        f"DOWNSTREAM 156 requests in {time.perf_counter() - started:.2f} s of wall time, "
        f"fake pacing waits {jobticket_twin.clock.sleeps}"
    )
"""

HEAVY_TOOLS = {"schemathesis", "ruff", "mypy", "hypothesis", "openapi-core", "jobticket-kit", "vcrpy"}


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_a_fresh_virtualenv_with_the_testing_extra_runs_a_downstream_test_file(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "JOBTICKET_"))}
    pinned = {**clean, "PIP_CONSTRAINT": str(ROOT / "constraints.txt"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, ROOT / "client", env=pinned)
    (client_wheel,) = wheels.glob("jobticket_api_client-*.whl")
    run(sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", "-d", wheels,
        f"{client_wheel}[testing]", "pytest", env=pinned)  # fmt: skip

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, env=clean)
    python = venv / "bin" / "python"
    offline = {**clean, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
    run(python, "-m", "pip", "install", "-q", "jobticket-api-client[testing]", "pytest", env=offline)
    installed = {
        line.split("==")[0].lower() for line in run(python, "-m", "pip", "freeze", env=clean).split()
    }
    assert "jobticket-api-client" in installed
    assert installed.isdisjoint(HEAVY_TOOLS)

    project = tmp_path / "downstream"
    project.mkdir()
    (project / "test_with_the_twin.py").write_text(textwrap.dedent(DOWNSTREAM_TESTS))
    output = run(python, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", cwd=project, env=clean)
    assert "2 passed" in output
    timing = next(line for line in output.splitlines() if "DOWNSTREAM" in line)
    assert "fake pacing waits [60.0]" in timing
    print(f"{len(installed)} packages in the virtualenv; {timing.split('DOWNSTREAM ', 1)[1]}")
