"""``jobticket-kit bench twin``: how the twin scales, how fast it serves, how fast it syncs.

Everything runs in one command, each server in its own process on loopback, measured side by side:

- **page time by company size**: a twin of 1,000 employees and one of ``--employees`` (200,000), the
  same pages asked of both (spread over the listing, in two orders, one with a filter): the median time
  of a page seen for the first time, and of a page asked again, and their ratio (large / small);
- **throughput against a minimal app**: the large twin's pages, asked again and again, against a minimal
  Starlette app serving the very same bytes (``minimal_app``), rounds alternating so both meet the same
  load; the ratio of their requests per second (twin / minimal);
- **a walk of the large company**: every page once, by raw HTTP and by the client's ``list_employees()``;
- **syncs** of a roster of ``--roster`` employees on the seed twin, all new then all again.

The benchmark reports figures and asserts nothing; every loop is bounded.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from jobticket import JobTicket
from jobticket_api.models import ListEmployeesSortField
from jobticket_twin.seed import SECOND_ACTIVE_INTEGRATION_ID, SEED_KEYS
from jobticket_twin.testing import TwinProcess, module_process, twin_process

__all__ = ["SMALL_COMPANY", "roster", "run", "time_syncs"]

SMALL_COMPANY = 1_000
PER_PAGE = 100
ORDERS: tuple[dict[str, str], ...] = (
    {},  # the default: by id
    {"sortField": "lastName", "sortOrder": "desc", "status": "active"},
)
SAMPLED_PAGES = 9  # per order and company: the small company's 10 pages of 100, but the one that builds
ROUNDS = 3  # a sampled page asked again
THROUGHPUT_ROUNDS = 8  # pairs of short alternating rounds
_ADMIN = SEED_KEYS["admin"]
_BUILD_TIMEOUT = 600.0  # a company of 200,000 takes seconds to build on a busy machine


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


@dataclass(frozen=True)
class Company:
    """A twin process of ``size`` employees and an HTTP client on it."""

    size: int
    twin: TwinProcess
    http: httpx.Client

    def pages(self) -> int:
        return -(-self.size // PER_PAGE)

    def get(self, params: dict[str, str | int]) -> tuple[float, bytes]:
        """Seconds one page took, and its body."""
        started = time.perf_counter()
        response = self.http.get("/employees", params={"perPage": PER_PAGE, **params})
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        return elapsed, response.content


@contextlib.contextmanager
def company(size: int) -> Iterator[Company]:
    """A twin of ``size`` employees without a rate limit, in its own process."""
    with (
        twin_process("--rate-limit", "0", "--employees", str(size), start_timeout=_BUILD_TIMEOUT) as twin,
        _admin_http(twin.base_url) as http,
    ):
        yield Company(size, twin, http)


def _admin_http(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, auth=(_ADMIN.key_id, _ADMIN.secret), timeout=120, trust_env=False)


def spread(pages: int, count: int) -> list[int]:
    """``count`` page numbers spread evenly from the first page to the last."""
    if pages <= count:
        return list(range(1, pages + 1))
    return [1 + round(i * (pages - 1) / (count - 1)) for i in range(count)]


@dataclass
class PageTimes:
    """Seconds per page of both companies: asked the first time, and asked again."""

    first: dict[int, list[float]]
    again: dict[int, list[float]]


def page_times(companies: Sequence[Company]) -> PageTimes:
    """Time the same sampled pages of each company, one company after the other for each page.

    Taking turns page by page, the companies meet the same load on a shared machine. Each order is
    built first, on the last page (not sampled); then each sampled page is asked once (its records are
    encoded for the first time) and ``ROUNDS`` times more (their JSON is kept).
    """
    times = PageTimes({c.size: [] for c in companies}, {c.size: [] for c in companies})
    samples = {c.size: spread(c.pages() - 1, SAMPLED_PAGES) for c in companies}
    for order in ORDERS:
        for target in companies:
            target.get({**order, "page": target.pages()})
        for repeat in range(1 + ROUNDS):
            for index in range(SAMPLED_PAGES):
                for target in companies:
                    page = samples[target.size][index % len(samples[target.size])]
                    (times.again if repeat else times.first)[target.size].append(
                        target.get({**order, "page": page})[0]
                    )
    return times


def throughput(
    target: Company, baseline_url: str, pages: Sequence[int], requests: int, seconds: float
) -> tuple[float, float, float]:
    """Requests per second of the twin and of the minimal app on one page sequence, and their ratio.

    Short rounds alternate, and the ratio is the median of each pair of rounds' ratio, so a load that
    changes during the run weighs on both alike.
    """
    rates: dict[str, list[float]] = {"twin": [], "minimal": []}
    with httpx.Client(base_url=baseline_url, auth=target.http.auth, trust_env=False) as baseline:
        for _ in range(THROUGHPUT_ROUNDS):
            for name, http in (("twin", target.http), ("minimal", baseline)):
                rates[name].append(_rate(http, pages, requests, seconds / (2 * THROUGHPUT_ROUNDS)))
    ratios = [twin / minimal for twin, minimal in zip(rates["twin"], rates["minimal"], strict=True)]
    return statistics.median(rates["twin"]), statistics.median(rates["minimal"]), statistics.median(ratios)


def _rate(http: httpx.Client, pages: Sequence[int], requests: int, seconds: float) -> float:
    sent = 0
    started = time.perf_counter()
    while sent < requests and time.perf_counter() - started < seconds:
        http.get(
            "/employees", params={"perPage": PER_PAGE, "page": pages[sent % len(pages)]}
        ).raise_for_status()
        sent += 1
    return sent / (time.perf_counter() - started)


@contextlib.contextmanager
def minimal_app(target: Company, pages: Sequence[int]) -> Iterator[str]:
    """The minimal app serving the twin's own bytes of ``pages`` (the default order); yield its URL."""
    with tempfile.TemporaryDirectory(prefix="jobticket-bench-") as folder:
        for page in pages:
            (Path(folder) / f"{page}.json").write_bytes(target.get({"page": page})[1])
        probe = f"/employees?page={pages[0]}"
        with module_process("jobticket_kit.bench.minimal_app", folder, probe=probe) as served:
            yield served.base_url


def walk(target: Company) -> tuple[float, float]:
    """Seconds to walk every page once by raw HTTP, then with the client (unpaced: the twin has no limit)."""
    started = time.perf_counter()
    for number in range(1, target.pages() + 1):
        target.get({"page": number, "sortField": "email"})
    raw = time.perf_counter() - started
    client = JobTicket(
        target.twin.base_url, username=_ADMIN.key_id, password=_ADMIN.secret, pacer_store="memory",
        rate_limit=10**9, timeout=120,
    )  # fmt: skip
    with client:
        started = time.perf_counter()
        walked = 0
        for page in client.list_employees(sort_field=ListEmployeesSortField.FIRSTNAME).pages():
            walked += len(page.items)
        with_client = time.perf_counter() - started
    if walked != target.size:
        raise RuntimeError(f"the walk saw {walked} employees of {target.size}")
    return raw, with_client


def _median_ms(timings: Sequence[float]) -> str:
    return f"{statistics.median(timings) * 1000:.2f} ms"


def run(*, employees: int, roster_size: int, runs: int, requests: int, seconds: float) -> int:
    """Run the benchmark and print its figures."""
    print(f"twin benchmark on loopback, pages of {PER_PAGE}; each server in its own process")
    started = time.perf_counter()
    with company(SMALL_COMPANY) as small, company(employees) as large:
        up = time.perf_counter() - started
        print(f"companies of {SMALL_COMPANY} and {employees} employees up in {up:.1f} s")
        times = page_times([small, large])
        for label, measured in (
            ("a page asked the first time", times.first),
            ("a page asked again", times.again),
        ):
            at_small, at_large = measured[small.size], measured[large.size]
            ratio = statistics.median(at_large) / statistics.median(at_small)
            print(
                f"{label}: median {_median_ms(at_small)} at {SMALL_COMPANY}, {_median_ms(at_large)} at "
                f"{employees}: ratio {ratio:.2f} ({len(at_large)} pages each, {len(ORDERS)} orders, "
                "the companies taking turns)"
            )
        repeated = spread(large.pages(), 50)
        with minimal_app(large, repeated) as baseline_url:
            twin_rate, minimal_rate, ratio = throughput(large, baseline_url, repeated, requests, seconds)
        print(
            f"throughput at {employees} employees, {len(repeated)} pages asked in turn: twin {twin_rate:.0f} "
            f"requests/s, minimal Starlette app with the same bytes {minimal_rate:.0f} requests/s: ratio "
            f"{ratio:.2f} (median of {THROUGHPUT_ROUNDS} pairs of alternating rounds)"
        )
        raw, with_client = walk(large)
        print(
            f"walk of {employees} employees ({large.pages()} pages, each once): {raw:.1f} s by raw HTTP, "
            f"{with_client:.1f} s with JobTicket.list_employees()"
        )
    body = roster(roster_size)
    with twin_process("--rate-limit", "0") as twin, _admin_http(twin.base_url) as client:
        creates, updates = time_syncs(client, body, runs)
    for label, timings in (("all new employees", creates), ("same roster again ", updates)):
        print(
            f"sync of {roster_size} employees, {label}: median {statistics.median(timings):.3f} s "
            f"(min {min(timings):.3f} s, max {max(timings):.3f} s, {len(timings)} runs)"
        )
    return 0
