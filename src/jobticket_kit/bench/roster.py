"""Benchmark of the HR roster flow: requests (and paced time) of plan and apply for a large integration.

Run ``scripts/bench-roster``. A twin in its own process (``--rate-limit 0``) gets an integration of
10,000 synthetic employees; an HR roster with 1 % leavers, 50 new hires and 20 changed names is planned
and applied through the client with a request counter. The client's pacer (90 requests per rolling 60 s,
as in production) runs on a fake clock, so the paced time is printed without waiting for it. It prints
figures and asserts nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from jobticket import FakeClock, JobTicket, Pacer
from jobticket.roster import apply_plan, plan_roster
from jobticket_kit.bench.twin import roster as bench_roster
from jobticket_twin.seed import SECOND_ACTIVE_INTEGRATION_ID, SEED_KEYS
from jobticket_twin.testing import twin_process

__all__ = ["hr_roster", "run"]


@dataclass
class CountingTransport(httpx.BaseTransport):
    """The real transport, counting requests by method."""

    inner: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    counts: Counter[str] = field(default_factory=Counter)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.counts[request.method] += 1
        return self.inner.handle_request(request)


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


def _figures(label: str, counts: Counter[str], paced: float, elapsed: float) -> str:
    by_method = " + ".join(f"{counts[method]} {method}" for method in sorted(counts))
    return (
        f"{label}: {sum(counts.values())} requests ({by_method}); {paced:.0f} s at the paced 90 requests "
        f"per 60 s; {elapsed:.2f} s unpaced on loopback"
    )


def run(*, employees: int) -> int:
    """Plan and apply a roster for an integration of ``employees`` on a twin process; print the figures."""
    admin = SEED_KEYS["admin"]
    integration = SECOND_ACTIVE_INTEGRATION_ID
    with twin_process("--rate-limit", "0") as twin:
        seeded = httpx.post(
            f"{twin.base_url}/hr-integrations/{integration}/sync",
            json=bench_roster(employees),
            auth=(admin.key_id, admin.secret),
            timeout=120,
            trust_env=False,
        )
        seeded.raise_for_status()
        company = httpx.get(
            f"{twin.base_url}/employees",
            params={"perPage": 1},
            auth=(admin.key_id, admin.secret),
            trust_env=False,
        ).json()["data"]["total"]
        clock = FakeClock(0.0)
        transport = CountingTransport()
        with JobTicket(
            twin.base_url,
            username=admin.key_id,
            password=admin.secret,
            transport=transport,
            pacer=Pacer(90, 60.0, clock=clock),
            timeout=120,
        ) as client:
            figures = []
            for label in ("plan ", "apply"):
                transport.counts.clear()
                paced_from, started = clock(), time.perf_counter()
                if label == "plan ":
                    plan = plan_roster(client, integration, hr_roster(employees))
                else:
                    apply_plan(client, plan)
                figures.append(
                    _figures(label, transport.counts, clock() - paced_from, time.perf_counter() - started)
                )
    print(
        f"roster benchmark: integration of {plan.plan.active_linked} active employees in a company of "
        f"{company}; roster of {len(plan.rows)}: {plan.plan.summary()}"
    )
    for line in figures:
        print(line)
    print(
        "apply re-reads every page once: List Employees has no integration filter and employees carry no "
        "change marker (no updatedAt, no ETag), so an exact fingerprint check needs one full listing"
    )
    return 0
