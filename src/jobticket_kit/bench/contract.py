"""``jobticket-kit bench contract``: what a full remote contract run costs, measured against a real process.

It starts the twin as a separate process on a real clock (the staging rules: 100 requests per 60 s
per key, a 5-minute block) and runs the full remote configuration against it by URL: every limited
key in ``JOBTICKET_LIMITED_KEYS``, destructive checks opted in on the twin's sandbox integration.
Then it prints requests spent, pacing wait, wall time and coverage (operations x on-demand statuses).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from pathlib import Path

from jobticket_kit import variables
from jobticket_kit.contract.results import SuiteResult
from jobticket_kit.contract.runner import run_suite
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import twin_process

__all__ = ["SANDBOX_INTEGRATION", "figures", "full_remote_env", "run"]

SANDBOX_INTEGRATION = 8  # the twin's integration in initial-sync-pending: it holds no employee of its own
_MAIN_KEY = "admin"


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


def figures(result: SuiteResult, wall_seconds: float) -> list[str]:
    """The lines the benchmark prints."""
    cells = [value for row in result.coverage.values() for value in row.values()]
    reached = sum(value.startswith("reached") for value in cells)
    missing = [
        f"{operation} {status}"
        for operation, row in result.coverage.items()
        for status, value in row.items()
        if not value.startswith("reached")
    ]
    limit = f" of {result.requests_limit}" if result.requests_limit else ""
    credentials = ", ".join(
        f"{name} {count}" for name, count in sorted(result.requests_by_credential.items())
    )
    return [
        f"verdict: {result.verdict.text} (exit {result.exit_code}): {result.reason}",
        f"requests spent: {result.requests_spent}{limit} ({result.requests_retried} retried)",
        f"by credential: {credentials}",
        f"pacing wait: {result.pacing_wait_seconds:.0f} s",
        f"wall time: {wall_seconds:.0f} s",
        f"coverage: {reached} of {len(cells)} operation x on-demand status pairs reached"
        + (f" (missing: {', '.join(missing)})" if missing else ""),
        f"stopped or left out by the budget: {len(result.left_out)} check(s) (fuzzing shares what is left)",
    ]


def run(*, output_dir: Path, window: int) -> int:
    """Run the benchmark once and print its figures; return the run's exit code.

    ``window`` is the twin's rate-limit window and the run's pace window, in seconds (60: staging's rule).
    """
    twin_args = ("--window", str(window), "--block", "300")
    with twin_process(*twin_args) as twin:
        env = full_remote_env(twin.base_url, overrides={variables.CONTRACT_WINDOW: str(window)})
        started = time.monotonic()
        result = run_suite(env, report_dir=output_dir)
        wall = time.monotonic() - started
    print(f"jobticket-kit bench contract: full remote configuration against a twin process ({twin.base_url})")
    for line in figures(result, wall):
        print(f"  {line}")
    print(f"  reports: {output_dir}")
    return result.exit_code
