"""Benchmark of the client layer: parse cost against plain ``json.loads``, the pacer's rate and its stores.

Run ``scripts/bench-client``. It prints figures and asserts nothing: the parse time of a 100-employee page
(taken from the local twin) as a ratio to ``json.loads`` of the same bytes (medians of many runs), the
rate the pacer lets through, on a fake clock at the real limit and on the real clock at a scaled one,
the per-request overhead of each pacer store (memory, file, a local redis-server) with a full window, and
the cold import time of ``jobticket`` against httpx alone (fresh interpreters, medians).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable

import httpx

from jobticket import FakeClock, Pacer
from jobticket_api.models import EmployeeListResponse
from jobticket_kit.redis_server import redis_server
from jobticket_twin import TwinConfig
from jobticket_twin.testing import running_twin

__all__ = ["run"]


def _median_seconds(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _page_body() -> bytes:
    with running_twin(TwinConfig(rate_limit=0)) as twin:
        response = httpx.get(
            f"{twin.base_url}/employees", params={"perPage": 100}, auth=twin.credentials("admin"), timeout=30
        )
        response.raise_for_status()
        return response.content


def bench_parse(runs: int) -> str:
    """Median parse time of one page by the client, as a multiple of ``json.loads``."""
    import json  # noqa: PLC0415 - local so the comparison reads side by side

    body = _page_body()
    response = httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    def parse() -> EmployeeListResponse:
        # What the client does with every list page: decode, then build the typed models.
        return EmployeeListResponse.from_dict(response.json())

    items = len(parse().data.data)
    baseline = _median_seconds(lambda: json.loads(body), runs)
    client = _median_seconds(parse, runs)
    return (
        f"parse: page of {items} employees, {len(body)} bytes, {runs} runs: json.loads median "
        f"{baseline * 1e6:.0f} us, client parse median {client * 1e6:.0f} us, ratio {client / baseline:.1f}x"
    )


def _peak(times: list[float], window: float) -> int:
    best, recent = 0, deque[float]()
    for t in times:
        recent.append(t)
        while recent[0] <= t - window:
            recent.popleft()
        best = max(best, len(recent))
    return best


def bench_pacer_fake(requests: int) -> str:
    """The documented limit on a fake clock: what one credential sends per rolling minute."""
    clock = FakeClock(0.0)
    pacer = Pacer(clock=clock)
    sent = []
    for _ in range(requests):
        pacer.acquire()
        sent.append(clock())
    per_minute = [0] * (int(sent[-1] // 60) + 1)
    for moment in sent:
        per_minute[int(moment // 60)] += 1
    return (
        f"pacer (fake clock, {pacer.limit} per {pacer.window_seconds:.0f} s, burst of {requests}): peak "
        f"{_peak(sent, pacer.window_seconds)} in any rolling minute (API limit 100); sent per minute "
        f"{per_minute}; done after {sent[-1] - sent[0]:.0f} s of fake time"
    )


def bench_pacer_real(requests: int, window: float) -> str:
    """The same limiter on the real clock, with the window scaled down so it finishes in seconds."""
    pacer = Pacer(90, window)
    sent = []
    start = time.monotonic()
    for _ in range(requests):
        pacer.acquire()
        sent.append(time.monotonic())
    elapsed = sent[-1] - start
    steady = (requests - 90) / elapsed * window if elapsed else float("inf")
    return (
        f"pacer (real clock, 90 per {window:g} s, {requests} requests): peak {_peak(sent, window)} in any "
        f"window, after the first burst {steady:.1f} per window, {elapsed:.2f} s"
    )


def _store_overhead(store: str, runs: int) -> float:
    """Median seconds of one acquire from ``store`` in the steady state: 90 sends in the window, no wait."""
    clock = FakeClock()
    pacer = Pacer(clock=clock, store=store, key=f"bench-{time.time_ns()}")
    step = pacer.window_seconds / pacer.limit  # exactly the limit's pace: the window stays full

    def one() -> None:
        clock.advance(step)
        pacer.acquire()

    for _ in range(pacer.limit):  # fill the window first
        one()
    return _median_seconds(one, runs)


def bench_store_overhead(runs: int) -> list[str]:
    """What each pacer store adds to every request (the median of ``runs`` acquires)."""
    lines = []
    with tempfile.TemporaryDirectory(prefix="jobticket-bench-") as directory:
        for name, store in (("memory", "memory"), ("file", f"file:{directory}")):
            lines.append(
                f"pacer store {name}: median {_store_overhead(store, runs) * 1e6:.1f} us per request"
            )
    with redis_server() as url:  # the system's redis-server, else the one the dev extra installs
        seconds = _store_overhead(url, runs)
    lines.append(f"pacer store redis (local redis-server): median {seconds * 1e6:.1f} us per request")
    return lines


# httpx imports its optional command line (click, rich) when they are installed, as they are in this
# kit's environment but not with a plain `pip install httpx`: the probe hides them, so the baseline is
# the httpx a downstream project has. It prints CPU seconds (steady on a loaded machine) and wall seconds.
_IMPORT_PROBE = (
    "import sys; sys.modules.update(click=None, rich=None, pygments=None); "
    "import time; c, w = time.process_time(), time.perf_counter(); import {module}; "
    "print(time.process_time() - c, time.perf_counter() - w)"
)


def _import_seconds(module: str) -> tuple[float, float]:
    """CPU and wall seconds of ``import module`` in a fresh interpreter (``-I``: no PYTHONPATH, user site)."""
    probe = _IMPORT_PROBE.format(module=module)
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed probe
        [sys.executable, "-I", "-c", probe], capture_output=True, text=True, check=True
    )
    cpu, wall = result.stdout.split()
    return float(cpu), float(wall)


def bench_import_time(runs: int) -> str:
    """Cold import of ``jobticket`` (httpx included) against ``httpx`` alone; the goal is at most +30 %.

    The two probes alternate, so a change of machine load hits both alike; medians of CPU and wall time.
    """
    httpx_alone: list[tuple[float, float]] = []
    client: list[tuple[float, float]] = []
    for _ in range(runs):
        httpx_alone.append(_import_seconds("httpx"))
        client.append(_import_seconds("jobticket"))

    def median_ms(samples: list[tuple[float, float]], which: int) -> float:
        return statistics.median(sample[which] for sample in samples) * 1000

    parts = []
    for which, name in ((0, "CPU"), (1, "wall")):
        base, ours = median_ms(httpx_alone, which), median_ms(client, which)
        parts.append(
            f"{name} httpx {base:.0f} ms, jobticket {ours:.0f} ms ({(ours / base - 1) * 100:+.0f} %)"
        )
    return (
        f"import time, medians of {runs} fresh interpreters each, alternating (jobticket includes httpx; "
        f"goal: at most +30 %): " + "; ".join(parts)
    )


def run(*, runs: int, store_runs: int, import_runs: int) -> int:
    """Print the figures: parsing (``runs``), pacing, pacer stores (``store_runs``) and import time."""
    print(bench_parse(runs))
    print(bench_pacer_fake(300))
    print(bench_pacer_real(450, 0.5))
    for line in bench_store_overhead(store_runs):
        print(line)
    print(bench_import_time(import_runs))
    return 0
