"""The testing kit as a downstream team gets it: a fresh virtualenv with the client distribution and
pytest, installed offline from local wheels (``tests.helpers.virtualenvs``).

With the ``[testing]`` extra, a test file that uses nothing but the ``jobticket_twin`` fixture runs
offline (every socket connect refused), in seconds. Without it, the plugin the distribution registers
anyway leaves the team's pytest as it was (a trivial suite exits 0), and a test asking for the fixture
fails with one line naming the extra.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from jobticket_kit.checkout import Layout
from jobticket_twin.pytest_plugin import TESTING_EXTRA_MODULES
from tests.helpers.virtualenvs import CLEAN, Wheelhouse, new_venv, pip, run

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


def installed(python: Path) -> set[str]:
    """The distributions installed in the environment of ``python``, by lower-case name."""
    frozen = pip(python, "freeze", env=CLEAN)
    return {line.split("==")[0].lower() for line in frozen.split()}


@pytest.mark.slow
def test_a_fresh_virtualenv_with_the_testing_extra_runs_a_downstream_test_file(
    wheelhouse: Wheelhouse, tmp_path: Path
) -> None:
    python = new_venv(tmp_path / "venv")
    pip(python, "install", "-q", f"{wheelhouse.client_wheel}[testing]", "pytest", env=wheelhouse.env)
    packages = installed(python)
    assert "jobticket-api-client" in packages
    assert packages.isdisjoint(HEAVY_TOOLS)

    project = tmp_path / "downstream"
    project.mkdir()
    (project / "test_with_the_twin.py").write_text(textwrap.dedent(DOWNSTREAM_TESTS))
    output = run(python, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", cwd=project, env=CLEAN)
    assert "2 passed" in output
    timing = next(line for line in output.splitlines() if "DOWNSTREAM" in line)
    assert "fake pacing waits [60.0]" in timing
    print(f"{len(packages)} packages in the virtualenv; {timing.split('DOWNSTREAM ', 1)[1]}")


TEAMS_OWN_TESTS = """
def test_arithmetic():
    assert 1 + 1 == 2
"""

ASKS_FOR_THE_FIXTURE = """
def test_with_the_twin(jobticket_twin):
    assert jobticket_twin.client().get_employee(42).first_name == "Anna"
"""

EXTRA_LINE = (
    "the jobticket_twin fixture needs the [testing] extra (starlette is not installed): "
    "pip install 'jobticket-api-client[testing]'"
)


def pytest_in(python: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=CLEAN,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_without_the_extra_a_teams_pytest_runs_unchanged_and_the_fixture_names_the_extra(
    wheelhouse: Wheelhouse, tmp_path: Path
) -> None:
    python = new_venv(tmp_path / "venv")
    pip(python, "install", "-q", wheelhouse.client_wheel, "pytest", env=wheelhouse.env)
    packages = installed(python)
    assert "jobticket-api-client" in packages
    assert packages.isdisjoint({"starlette", "uvicorn"})  # anyio comes with httpx

    project = tmp_path / "team"
    project.mkdir()
    (project / "test_own.py").write_text(TEAMS_OWN_TESTS)
    own = pytest_in(python, project)
    assert own.returncode == 0, own.stdout + own.stderr
    assert "1 passed" in own.stdout
    plugins = next(line for line in own.stdout.splitlines() if line.startswith("plugins: "))
    assert "jobticket-api-client-" in plugins  # loaded (beside httpx's anyio, in any order), and harmless

    (project / "test_twin.py").write_text(ASKS_FOR_THE_FIXTURE)
    asked = pytest_in(python, project, "test_twin.py")
    assert asked.returncode == 1, asked.stdout + asked.stderr
    section = asked.stdout.split(" ERROR at setup of test_with_the_twin ", 1)[1].split("=====", 1)[0]
    assert section.strip("_ \n").splitlines() == [EXTRA_LINE], asked.stdout  # the one line, nothing else
    assert "1 error" in asked.stdout


def test_loading_the_plugin_imports_nothing_of_the_extra() -> None:
    code = (
        "import sys, jobticket_twin.pytest_plugin, jobticket_twin;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'starlette', 'uvicorn'}))"
    )
    assert run(sys.executable, "-c", code).strip() == "[]"


def test_the_fixture_names_the_extras_own_packages() -> None:
    extra = tomllib.loads((Layout.current().distribution / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = extra["project"]["optional-dependencies"]["testing"]
    names = {re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0] for requirement in requirements}
    assert names - {"pytest"} == TESTING_EXTRA_MODULES
