"""The roster command line as its users run it: ``python -m jobticket`` in a child process, by URL.

``Cli`` runs the command in a test's folder against a twin (or a loopback server in front of one) with a
seed key's credentials; ``spreadsheet`` writes what a spreadsheet's CSV export holds; ``current_rows``
turns the integration's active employees into such rows, so a test's roster starts from the truth.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from jobticket.variables import BASE_URL, PASSWORD, USERNAME
from jobticket_twin.seed import SECOND_ACTIVE_INTEGRATION_ID, SEED_KEYS

INTEGRATION = SECOND_ACTIVE_INTEGRATION_ID
ADMIN = SEED_KEYS["admin"]
HEADER = "Personalnummer;Vorname;Nachname;E-Mail;Geburtsdatum;Austritt;Kostenstelle"
MAPPING = (
    "hrId=Personalnummer,firstName=Vorname,lastName=Nachname,email=E-Mail,"
    "dateOfBirth=Geburtsdatum,terminationDate=Austritt"
)
PLAN_ROSTER_CSV = ("roster", "plan", "roster.csv", "--integration", str(INTEGRATION), "--map", MAPPING)


@dataclass
class Cli:
    """``python -m jobticket`` in ``workdir`` against ``base_url`` with the seed key ``key``."""

    base_url: str
    workdir: Path
    key: str = "admin"
    env: dict[str, str] = field(default_factory=dict)
    api_url: str | None = None
    """Where :meth:`employees` reads the truth (the twin itself when ``base_url`` is a proxy)."""

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        key = SEED_KEYS[self.key]
        env = {
            **os.environ,
            BASE_URL: self.base_url,
            USERNAME: key.key_id,
            PASSWORD: key.secret,
            "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
            **self.env,
        }
        return subprocess.run(
            [sys.executable, "-m", "jobticket", *args],
            capture_output=True, text=True, env=env, cwd=self.workdir, timeout=120, check=False,
        )  # fmt: skip

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.api_url or self.base_url, auth=(ADMIN.key_id, ADMIN.secret), trust_env=False
        )

    def employees(self) -> list[dict[str, Any]]:
        with self.api() as client:
            first = client.get("/employees", params={"perPage": 100}).json()["data"]
            items = list(first["data"])
            for page in range(2, first["totalPages"] + 1):
                items += client.get("/employees", params={"perPage": 100, "page": page}).json()["data"][
                    "data"
                ]
        return items

    def history(self) -> dict[str, Any]:
        """The offboarding history beside the plans (the ledger of sent plans)."""
        path = self.workdir / ".jobticket-offboarding-history.json"
        return json.loads(path.read_text("utf-8")) if path.exists() else {}


def link(employee: dict[str, Any]) -> dict[str, Any] | None:
    return next((k for k in employee["hrIntergartionLinks"] if k["hrIntegrationId"] == INTEGRATION), None)


def spreadsheet(rows: list[list[str]], header: str = HEADER, encoding: str = "utf-8") -> bytes:
    """What a spreadsheet's CSV export writes: semicolons, CRLF, and a BOM when it is UTF-8."""
    lines = [header, *(";".join(row) for row in rows)]
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" + text).encode("utf-8") if encoding == "utf-8" else text.encode(encoding)


def german(date: str | None) -> str:
    return "" if date is None else ".".join(reversed(date.split("-")))


def current_rows(cli: Cli) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """The active employees of the integration as CSV rows (``HEADER``'s columns), and the employees."""
    active = [e for e in cli.employees() if link(e) and e["subscription"]["status"] != "cancelled"]
    rows = [
        [link(e)["hrId"], e["firstName"], e["lastName"], e["email"], german(e["dateOfBirth"]), "", "4711"]  # type: ignore[index]
        for e in active
    ]
    return rows, active


def traceback_free(*results: subprocess.CompletedProcess[str]) -> bool:
    return all("Traceback" not in result.stderr + result.stdout for result in results)
