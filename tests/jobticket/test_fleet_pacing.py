"""Processes that share one credential pace together: on one host by default, across hosts through Redis.

The twin runs as its own process on loopback with the real clock and a scaled window (100 per 6 s, a
30 s block); every worker is a separate Python process (``fleet_worker.py``) that paces at the client's
default 90 per window with the same scaled window. Without a shared store the same fleet is blocked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from jobticket.variables import BASE_URL, PACER_STORE, PASSWORD, USERNAME
from jobticket_kit.variables import ALL_VARIABLES
from jobticket_twin.seed import SEED_KEYS
from tests.helpers.twins import Twin

WORKER = Path(__file__).with_name("fleet_worker.py")
WINDOW = 6.0  # the twin's 60 s window scaled by 1/10
CALLS = 40  # per process: four together need two windows at 90 per window
SCALED_TWIN = {"process": True, "rate_limit": 100, "window": WINDOW}

pytestmark = [pytest.mark.slow, pytest.mark.twin(**SCALED_TWIN, block=30)]


def _env(twin: Twin, home: Path, **extra: str) -> dict[str, str]:
    """A worker's environment: its own home and cache directory, the twin's URL and the admin key."""
    admin = SEED_KEYS["admin"]
    clean = {name: value for name, value in os.environ.items() if name not in ALL_VARIABLES}
    home.mkdir(parents=True, exist_ok=True)
    return {
        **clean,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
        BASE_URL: twin.base_url,
        USERNAME: admin.key_id,
        PASSWORD: admin.secret,
        **extra,
    }


def _run_fleet(envs: list[Mapping[str, str]], *args: str) -> list[dict[str, Any]]:
    """Start one worker per environment, all released at the same moment; return their reports."""
    start_at = f"{time.time() + 2.0:.3f}"  # after every interpreter has started
    processes = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "--window", str(WINDOW), "--start-at", start_at, *args],
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for env in envs
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def _statuses(reports: list[dict[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for report in reports:
        for status, count in report["statuses"].items():
            total[status] = total.get(status, 0) + count
    return total


def test_four_processes_on_one_host_with_default_settings_get_no_429(twin: Twin, tmp_path: Path) -> None:
    reports = _run_fleet([_env(twin, tmp_path / "home")] * 4, "--calls", str(CALLS))
    assert [r["store"] for r in reports] == ["FileStore"] * 4
    assert [r["ok"] for r in reports] == [CALLS] * 4
    assert _statuses(reports) == {"200": 4 * CALLS}  # 160 calls, more than the 100 the twin allows per window


# A block above the client's 60 s retry_after_cap, so that the blocked workers stop at once.
@pytest.mark.twin(**SCALED_TWIN, block=100)
def test_the_same_fleet_pacing_per_process_is_blocked(twin: Twin, tmp_path: Path) -> None:
    """The control: with memory stores each process thinks it has 90 per window to itself."""
    env = _env(twin, tmp_path / "home", **{PACER_STORE: "memory"})
    reports = _run_fleet([env] * 4, "--calls", str(CALLS))
    assert [r["store"] for r in reports] == ["MemoryStore"] * 4
    assert _statuses(reports).get("429", 0) >= 1
    assert any(r["rate_limited"] for r in reports)


def test_two_hosts_sharing_one_redis_get_no_429(twin: Twin, tmp_path: Path, redis_url: str) -> None:
    hosts = [_env(twin, tmp_path / name, **{PACER_STORE: redis_url}) for name in ("host-a", "host-b")]
    reports = _run_fleet([hosts[0], hosts[0], hosts[1], hosts[1]], "--calls", str(CALLS))
    assert [r["store"] for r in reports] == ["RedisStore"] * 4
    assert [r["ok"] for r in reports] == [CALLS] * 4
    assert _statuses(reports) == {"200": 4 * CALLS}


@pytest.mark.twin(**SCALED_TWIN)  # the documented 300 s block
@pytest.mark.parametrize("store", ["file", "redis"])
def test_a_block_seen_by_one_process_stops_the_others_locally(
    twin: Twin, store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    extra = {PACER_STORE: request.getfixturevalue("redis_url")} if store == "redis" else {}
    homes = ("host-a", "host-b") if store == "redis" else ("home", "home")
    # One process paces above the server's limit (a misconfigured job) and is blocked...
    (reckless,) = _run_fleet(
        [_env(twin, tmp_path / homes[0], **extra)], "--calls", "101", "--rate-limit", "1000"
    )
    assert reckless["statuses"] == {"200": 100, "429": 1}
    assert reckless["retry_after"] == 300
    # ...and the others of the credential do not knock during the block: refused before sending.
    others = _run_fleet([_env(twin, tmp_path / homes[1], **extra)] * 2, "--calls", "5")
    for other in others:
        assert other["rate_limited"]
        assert other["sent"] == 0
        assert 250 < other["retry_after"] <= 300
