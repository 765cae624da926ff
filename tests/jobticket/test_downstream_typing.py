"""Downstream code type-checks against the installed distribution with ``mypy --strict``.

The module is checked from an empty folder with no configuration, so mypy finds ``jobticket`` and
``jobticket_api`` only as installed packages: without their ``py.typed`` markers it would report
``import-untyped``. Here the installed distribution is this environment's (tox: editable, reading
``client/`` and ``generated/`` in place); ``test_install_routes`` runs the same check against every
other way a team installs it, each in a fresh virtual environment.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DOWNSTREAM = """
from __future__ import annotations

from jobticket import JobTicket, NotFoundError
from jobticket_api.models import Employee
from jobticket_twin import TwinConfig


def first_email(client: JobTicket) -> str | None:
    for employee in client.list_employees(status="active"):
        assert isinstance(employee, Employee)
        return employee.email
    return None


def name_of(client: JobTicket, employee_id: int) -> str:
    try:
        employee = client.get_employee(employee_id)
    except NotFoundError:
        return "unknown"
    return f"{employee.first_name} {employee.last_name}"


def twin_settings(config: TwinConfig) -> TwinConfig:
    return config


def quick_request_id(client: JobTicket, employee_id: int) -> tuple[str | None, Employee]:
    raw = client.with_options(timeout=5, max_retries=0).with_raw_response.get_employee(employee_id)
    return raw.request_id, raw.parse()


def active_total(client: JobTicket) -> int:
    return client.list_employees(status="active").first_page().total
"""


def mypy_strict(folder: Path, source: str, python: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Check ``source`` as ``folder/downstream.py`` against what ``python`` (default: ours) has installed."""
    module = folder / "downstream.py"
    module.write_text(source, encoding="utf-8")
    target = ["--python-executable", str(python)] if python else []
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file", "", *target]
    return subprocess.run(
        [*command, module.name],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_a_downstream_module_passes_mypy_strict(tmp_path: Path) -> None:
    result = mypy_strict(tmp_path, DOWNSTREAM)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "import-untyped" not in result.stdout


@pytest.mark.slow
def test_a_downstream_type_error_is_caught(tmp_path: Path) -> None:
    # Proves the check sees the client's types: a wrong use fails, so a pass above means something.
    wrong = "\n\ndef wrong(client: JobTicket) -> int:\n    return client.get_employee(1)\n"
    result = mypy_strict(tmp_path, DOWNSTREAM + wrong)
    assert result.returncode == 1
    assert "downstream.py" in result.stdout
    assert "Incompatible return value type" in result.stdout
