"""``jobticket-kit bench twin``: how fast the twin syncs a 10,000-employee roster and serves pages.

The twin runs in its own process (``python -m jobticket_twin --rate-limit 0``) so the client does not
share its interpreter. Every loop is bounded; the benchmark reports figures and asserts nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from typing import Any

import httpx

from jobticket_twin.seed import SECOND_ACTIVE_INTEGRATION_ID, SEED_KEYS
from jobticket_twin.testing import twin_process

__all__ = ["roster", "run", "time_reads", "time_syncs"]


def roster(size: int) -> dict[str, Any]:
    """A synthetic sync body of ``size`` employees (example.org addresses)."""
    employees = [
        {
            "firstName": "Bench",
            "lastName": f"Person{n}",
            "email": f"bench.{n}@example.org",
            "hrId": f"bench-{n:06d}",
        }
        for n in range(size)
    ]
    return {"syncId": "bench", "employees": employees}


def time_syncs(client: httpx.Client, body: dict[str, Any], runs: int) -> tuple[list[float], list[float]]:
    """Seconds per sync: a fresh twin each run (all creates), then the same roster again (all updates)."""
    creates: list[float] = []
    updates: list[float] = []
    path = f"/hr-integrations/{SECOND_ACTIVE_INTEGRATION_ID}/sync"
    for _ in range(runs):
        client.post("/_twin/reset").raise_for_status()
        for timings in (creates, updates):
            started = time.perf_counter()
            response = client.post(path, json=body)
            timings.append(time.perf_counter() - started)
            if response.status_code != 204:
                raise RuntimeError(f"sync answered {response.status_code}: {response.text[:200]}")
    return creates, updates


def time_reads(client: httpx.Client, requests: int, max_seconds: float) -> tuple[int, float]:
    """Send up to ``requests`` GET /employees?perPage=100 (stopping after ``max_seconds``); count and time."""
    client.post("/_twin/reset").raise_for_status()
    sent = 0
    started = time.perf_counter()
    while sent < requests and time.perf_counter() - started < max_seconds:
        client.get("/employees", params={"perPage": 100}).raise_for_status()
        sent += 1
    return sent, time.perf_counter() - started


def _figures(label: str, timings: Sequence[float]) -> str:
    return (
        f"{label}: median {statistics.median(timings):.3f} s "
        f"(min {min(timings):.3f} s, max {max(timings):.3f} s, {len(timings)} runs)"
    )


def run(*, roster_size: int, runs: int, requests: int, seconds: float) -> int:
    """Run the benchmark against a twin process and print its figures."""
    admin = SEED_KEYS["admin"]
    body = roster(roster_size)
    with (
        twin_process("--rate-limit", "0") as twin,
        httpx.Client(
            base_url=twin.base_url, auth=(admin.key_id, admin.secret), timeout=120, trust_env=False
        ) as client,
    ):
        creates, updates = time_syncs(client, body, runs)
        sent, elapsed = time_reads(client, requests, seconds)
    print(f"twin benchmark on loopback ({twin.base_url}), roster of {roster_size} employees")
    print(_figures("sync, all new employees", creates))
    print(_figures("sync, same roster again ", updates))
    rate = sent / elapsed
    print(
        f"GET /employees?perPage=100: {rate:.0f} requests/s ({sent} sequential requests in {elapsed:.2f} s)"
    )
    return 0
