"""``jobticket-kit bench contract``: what nightly contract runs cost, measured against a real process.

It starts the twin as a separate process on a real clock (the staging rules: 100 requests per 60 s
per key, a 5-minute block; ``--window`` scales both) and runs the nightly check against it by URL,
night after night, with the full remote configuration: every limited key in
``JOBTICKET_LIMITED_KEYS``, destructive checks opted in on the twin's sandbox integration. The first
night has no evidence yet; each later night gets the evidence of the one before, moved
``days_between`` days into the past, as if that many days had passed. Per night it prints requests
spent, whether the rate-limit probe ran, the age of the oldest evidence, pacing wait, wall time and
coverage (operations x on-demand statuses).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from jobticket_kit import variables
from jobticket_kit.checkout import Layout, project_root
from jobticket_kit.contract.coverage import on_demand_statuses
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.evidence.accumulation import EVIDENCE_FILE
from jobticket_kit.evidence.freshness import Freshness
from jobticket_kit.evidence.store import EvidenceStore
from jobticket_kit.settings import DEFAULT_FRESH_DAYS
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import twin_process

__all__ = ["PROBE", "SANDBOX_INTEGRATION", "evidence_ages", "figures", "full_remote_env", "run"]

SANDBOX_INTEGRATION = 8  # the twin's integration in initial-sync-pending: it holds no employee of its own
PROBE = "contract_tests/test_rate_limit.py::test_the_request_over_the_limit_is_blocked"
_MAIN_KEY = "admin"
_NIGHT_TIMEOUT = 3_600


def full_remote_env(
    base_url: str, *, base: Mapping[str, str] | None = None, overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of a full remote run against the twin at ``base_url``.

    Every other ``JOBTICKET_*`` variable of ``base`` (default: this process's) is dropped, so a
    developer's shell cannot change what is measured.
    """
    base = os.environ if base is None else base
    env = {name: value for name, value in base.items() if name not in variables.ALL_VARIABLES}
    main = SEED_KEYS[_MAIN_KEY]
    keys = {name: [key.key_id, key.secret] for name, key in SEED_KEYS.items() if name != _MAIN_KEY}
    env.update(
        {
            variables.BASE_URL: base_url,
            variables.USERNAME: main.key_id,
            variables.PASSWORD: main.secret,
            variables.LIMITED_KEYS: json.dumps(keys),
            variables.ALLOW_DESTRUCTIVE: "1",
            variables.SANDBOX_INTEGRATION_ID: str(SANDBOX_INTEGRATION),
        }
    )
    env.update(overrides or {})
    return env


def figures(
    results: Mapping[str, Any],
    wall_seconds: float,
    oldest: tuple[float, str] | None,
    ages: Mapping[str, float | None] | None = None,
) -> list[str]:
    """The lines the benchmark prints for one night, from its ``results.json``.

    ``ages`` gives, per ``operation status`` not reached tonight, the age in days of its evidence.
    """
    requests = results["requests"]
    cells = [value for row in results["coverage"].values() for value in row.values()]
    reached = sum(value.startswith("reached") for value in cells)
    missing = [
        f"{operation} {status}"
        for operation, row in results["coverage"].items()
        for status, value in row.items()
        if not value.startswith("reached")
    ]
    limit = f" of {requests['limit']}" if requests["limit"] else ""
    credentials = ", ".join(f"{name} {count}" for name, count in sorted(requests["by_credential"].items()))
    probe = "left out: " + results["not_exercised"][PROBE] if PROBE in results["not_exercised"] else "ran"
    age = f"{oldest[0]:.1f} days ({oldest[1]})" if oldest else "no evidence"
    return [
        f"verdict: {results['verdict']} (exit {results['exit_code']}): {results['reason']}",
        f"requests spent: {requests['spent']}{limit} ({requests['retried']} retried)",
        f"rate-limit probe: {probe}",
        f"oldest evidence after the night: {age}",
        f"by credential: {credentials}",
        f"pacing wait: {requests['pacing_wait_seconds']:.0f} s",
        f"wall time: {wall_seconds:.0f} s",
        f"coverage: {reached} of {len(cells)} operation x on-demand status pairs reached tonight"
        + (
            f"; from earlier nights: {', '.join(_aged(pair, ages or {}) for pair in missing)}"
            if missing
            else ""
        ),
        f"stopped or left out by the budget: {len(results['left_out'])} check(s)",
    ]


def _aged(pair: str, ages: Mapping[str, float | None]) -> str:
    age = ages.get(pair)
    return f"{pair} ({'never seen' if age is None else f'{age:.1f} days old'})"


def evidence_ages(
    evidence: Path, now: datetime.datetime
) -> tuple[tuple[float, str] | None, dict[str, float | None]]:
    """The oldest evidence in an ``evidence.json`` (age in days, whose) and each on-demand status's age."""
    spec = load_spec()
    raw = yaml.safe_load(Layout.current().spec.read_text(encoding="utf-8"))
    freshness = Freshness(EvidenceStore.load(evidence).vendor, now, fresh_days=DEFAULT_FRESH_DAYS)
    on_demand = on_demand_statuses(spec)
    ages = {
        f"{operation} {status}": freshness.age_days(freshness.last(f"response {operation} {status}"))
        for operation, statuses in on_demand.items()
        for status in statuses
    }
    return freshness.oldest(raw, list(spec.open_points), on_demand), ages


def run(*, output_dir: Path, window: int, nights: int = 2, days_between: float = 1.0) -> int:
    """Run the benchmark's nights and print their figures; return the last night's exit code.

    ``window`` is the twin's rate-limit window and the run's pace window, in seconds (60: staging's
    rule); ``days_between`` how many days pass between two nights for the evidence.
    """
    # The 5-minute block scales with the window, as the nights do: a probe's block ends before the next.
    twin_args = ("--window", str(window), "--block", str(300 * window / 60))
    code = 0
    with twin_process(*twin_args) as twin:
        env = full_remote_env(twin.base_url, overrides={variables.CONTRACT_WINDOW: str(window)})
        print(
            f"jobticket-kit bench contract: nightly runs, full remote configuration, twin at {twin.base_url}"
        )
        print(f"  {nights} night(s), {days_between:g} day(s) apart; reports in {output_dir}")
        earlier: Path | None = None
        for night in range(1, nights + 1):
            reports = output_dir / f"night-{night}"
            reports.mkdir(parents=True, exist_ok=True)
            arguments = ["nightly", "--output-dir", str(reports)]
            if earlier is not None:
                aged = reports.parent / f"evidence-before-night-{night}.json"
                EvidenceStore.load(earlier / EVIDENCE_FILE).aged(days_between).save(aged)
                arguments += ["--previous", str(earlier / "nightly.json"), "--evidence", str(aged)]
            started = time.monotonic()
            done = subprocess.run(  # noqa: S603 - our own interpreter and command
                [sys.executable, "-m", "jobticket_kit", *arguments],
                cwd=project_root(),
                env=env,
                capture_output=True,
                text=True,
                timeout=_NIGHT_TIMEOUT,
                check=False,
            )
            wall = time.monotonic() - started
            code = done.returncode
            results_file = reports / "results.json"
            if not results_file.exists():
                print(f"night {night}: no results (exit {code}): {done.stderr.strip()[-500:]}")
                return code or 2
            results = json.loads(results_file.read_text(encoding="utf-8"))
            oldest, ages = evidence_ages(reports / EVIDENCE_FILE, datetime.datetime.now(tz=datetime.UTC))
            print(f"night {night}:")
            for line in figures(results, wall, oldest, ages):
                print(f"  {line}")
            earlier = reports
    return code
