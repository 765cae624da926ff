"""Benchmark of the HR roster at company scale: CPU, peak memory, plan size, requests and paced time.

Run ``scripts/bench-roster`` (``jobticket-kit bench roster``). For each size, a twin in its own process
(``--rate-limit 0``) gets an integration of that many synthetic employees (one seeding sync, as
``bench twin`` does); the HR export after a month (1 % leavers, 50 new hires, 20 changed names) is
written as a spreadsheet CSV, with its absences (3 % of the employees: sick leaves around today, every
third a parental leave without an end) as a second one; then ``jobticket roster plan`` and
``jobticket roster apply`` run, each in a fresh interpreter, through the real command line
(:func:`jobticket.roster._cli.main`). The worker counts requests on the transport and paces them with
the client's pacer (90 per rolling 60 s, as in production) on a fake clock, so the paced time is
printed without waiting for it; the parent reads the worker's CPU time and peak resident memory from
``wait4``. It prints figures and asserts nothing.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from jobticket.variables import BASE_URL, PASSWORD, USERNAME
from jobticket_kit.bench.twin import roster as bench_roster
from jobticket_twin.seed import SECOND_ACTIVE_INTEGRATION_ID, SEED_KEYS
from jobticket_twin.testing import twin_process

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["DEFAULT_SIZES", "Figures", "hr_absences", "hr_roster", "run", "write_csv"]

DEFAULT_SIZES = (10_000, 50_000, 200_000)
HEADER = ("Personalnummer", "Vorname", "Nachname", "E-Mail")
MAPPING = (
    "hrId=Personalnummer,firstName=Vorname,lastName=Nachname,email=E-Mail,absenceStart=Von,absenceEnd=Bis"
)
ABSENCES_HEADER = ("Personalnummer", "Von", "Bis", "Grund")


def hr_roster(size: int) -> list[dict[str, Any]]:
    """The HR export after the month: 1 % leavers, 50 new hires, 20 changed names."""
    rows: list[dict[str, Any]] = bench_roster(size)["employees"][: size - size // 100]
    for row in rows[:20]:
        row["lastName"] += "-Neu"
    hires = [
        {
            "firstName": "Neu",
            "lastName": f"Hire{n}",
            "email": f"hire.{n}@example.org",
            "hrId": f"hire-{n:04d}",
        }
        for n in range(50)
    ]
    return rows + hires


def hr_absences(rows: Sequence[Mapping[str, Any]], today: datetime.date) -> list[list[str]]:
    """The export's absences, one row each: every 33rd employee (3 %) is absent.

    Every third of them is on parental leave since two months, without an end; the others are off sick
    from two days ago for a week.
    """

    def german(offset: int) -> str:
        return f"{today + datetime.timedelta(days=offset):%d.%m.%Y}"

    return [
        [row["hrId"], german(-60), "", "Elternzeit"]
        if number % 3 == 0
        else [row["hrId"], german(-2), german(5), "Krankheit"]
        for number, row in enumerate(rows[::33])
    ]


def write_csv(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """The roster as a spreadsheet writes it: a byte-order mark, semicolons, German headers, CRLF."""
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows([row["hrId"], row["firstName"], row["lastName"], row["email"]] for row in rows)


@dataclass(frozen=True)
class Figures:
    """One step's figures: exit code, CPU seconds, peak resident bytes, requests, paced seconds."""

    code: int
    cpu: float
    peak: int
    requests: Mapping[str, int]
    paced: float

    def line(self, label: str, employees: int) -> str:
        """``plan : exit 0; CPU 1.0 s; peak memory 60 MB (5.85 KB per employee); ...``."""
        by_method = " + ".join(f"{self.requests[method]} {method}" for method in sorted(self.requests))
        total = sum(self.requests.values())
        return (
            f"{label}: exit {self.code}; CPU {self.cpu:.1f} s; peak memory {self.peak / 1e6:.0f} MB "
            f"({self.peak / employees / 1024:.2f} KB per employee); {total} requests ({by_method}); "
            f"{self.paced / 60:.1f} min at the paced 90 requests per 60 s"
        )


def _worker(args: list[str], env: Mapping[str, str]) -> Figures:
    """Run one ``roster`` step in a fresh interpreter and read its CPU time and peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "jobticket_kit.bench._roster_worker", *args],
            stdout=out,
            stderr=err,
            env={**os.environ, **env},
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = out.read().decode("utf-8", "replace").splitlines()
        if process.returncode != 0 or not lines:
            tail = err.read().decode("utf-8", "replace")[-2000:]
            raise RuntimeError(f"the roster worker failed ({process.returncode}): {tail}")
    result = json.loads(lines[-1])
    return Figures(
        code=int(result["code"]),
        cpu=usage.ru_utime + usage.ru_stime,
        peak=usage.ru_maxrss * 1024,  # kilobytes on Linux
        requests=result["requests"],
        paced=float(result["paced"]),
    )


def _seed(base_url: str, employees: int) -> int:
    """Give integration 9 ``employees`` synthetic employees; return the company's size."""
    admin = SEED_KEYS["admin"]
    with httpx.Client(
        base_url=base_url, auth=(admin.key_id, admin.secret), timeout=600, trust_env=False
    ) as api:
        api.post(f"/hr-integrations/{SECOND_ACTIVE_INTEGRATION_ID}/sync", json=bench_roster(employees))
        answer = api.get("/employees", params={"perPage": 1})
        answer.raise_for_status()
        return int(answer.json()["data"]["total"])


def run_size(employees: int) -> list[str]:
    """Plan and apply the month's roster for an integration of ``employees``; the figures' lines."""
    admin = SEED_KEYS["admin"]
    with tempfile.TemporaryDirectory() as folder, twin_process("--rate-limit", "0") as twin:
        company = _seed(twin.base_url, employees)
        roster, absences = Path(folder) / "roster.csv", Path(folder) / "abwesenheiten.csv"
        rows = hr_roster(employees)
        write_csv(roster, rows)
        absent = hr_absences(rows[: employees - employees // 100], datetime.datetime.now(datetime.UTC).date())
        with absences.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
            writer.writerows([ABSENCES_HEADER, *absent])
        plan_file = Path(folder) / "roster.plan.json"
        env = {BASE_URL: twin.base_url, USERNAME: admin.key_id, PASSWORD: admin.secret}
        planned = _worker(
            ["plan", str(roster), "--integration", str(SECOND_ACTIVE_INTEGRATION_ID), "--map", MAPPING,
             "--absences", str(absences), "--output", str(plan_file)],
            env,
        )  # fmt: skip
        size = plan_file.stat().st_size
        counts = json.loads(plan_file.read_bytes())["plan"]["counts"]
        applied = _worker(["apply", str(plan_file)], env)
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in counts.items())
    return [
        f"{employees:,} employees in the integration, {company:,} in the company; roster of {len(rows):,} "
        f"rows and {len(absent):,} absences: {kinds}",
        planned.line("  plan ", employees)
        + f"; plan file {size / 1e6:.1f} MB ({size / employees:.0f} B per employee)",
        applied.line("  apply", employees),
    ]


def run(*, employees: Sequence[int] = DEFAULT_SIZES) -> int:
    """Print the figures for each size of ``employees``."""
    print("roster benchmark: jobticket roster plan/apply against a twin process, pacing on a fake clock")
    baseline = _worker(["baseline"], {})
    print(
        f"an interpreter with the client and the command line loaded: {baseline.peak / 1e6:.0f} MB "
        "(counted in every peak below)"
    )
    for size in employees:
        for line in run_size(size):
            print(line, flush=True)
    print(
        "requests: plan reads the integration once and lists the company once; apply lists it once before "
        "the sync (List Employees has no integration filter and employees carry no change marker, so an "
        "exact freshness check needs one full listing), sends one POST, then lists it once more to read "
        "the outcome back"
    )
    return 0
