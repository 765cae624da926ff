"""``jobticket-kit bench client|twin|roster|contract``: benchmarks that print figures and assert nothing."""

from __future__ import annotations

from pathlib import Path

import click

from jobticket_kit.commands.common import output_dir_option
from jobticket_twin.cli import MAX_EMPLOYEES, Seconds
from jobticket_twin.config import MAX_SECONDS

__all__ = ["bench"]

# Upper bounds keep a typo (an extra zero or three) from running for hours or filling the memory.
_COUNT = click.IntRange(min=1, max=1_000_000)


@click.group(short_help="Benchmarks: client, twin, roster, contract.")
def bench() -> None:
    """Benchmarks on a real clock; their figures go in docs/benchmarks.md."""


@bench.command(short_help="Client parse, pacer and import figures.")
@click.option(
    "--runs", type=_COUNT, default=300, show_default=True, help="Runs per parse measurement (median)."
)
@click.option(
    "--store-runs", type=_COUNT, default=3000, show_default=True, help="Acquires per pacer store (median)."
)
@click.option(
    "--import-runs", type=_COUNT, default=15, show_default=True, help="Fresh interpreters per import timing."
)
def client(runs: int, store_runs: int, import_runs: int) -> int:
    """The client: parse cost against json.loads, the pacer's rate, its stores' overhead, import time."""
    from jobticket_kit.bench import client as bench_client

    return bench_client.run(runs=runs, store_runs=store_runs, import_runs=import_runs)


@bench.command(short_help="Twin page time by company size, throughput, a walk, syncs.")
@click.option(
    "--employees",
    type=click.IntRange(min=2_000, max=MAX_EMPLOYEES),
    default=200_000,
    show_default=True,
    help="Employees of the large company (compared with one of 1,000).",
)
@click.option(
    "--roster", "roster_size", type=_COUNT, default=10_000, show_default=True, help="Employees per sync."
)
@click.option("--runs", type=_COUNT, default=5, show_default=True, help="Sync runs.")
@click.option(
    "--requests",
    type=_COUNT,
    default=2_000,
    show_default=True,
    help="GET requests per throughput round at most.",
)
@click.option(
    "--seconds",
    type=Seconds(min=0, min_open=True, max=MAX_SECONDS),
    default=30.0,
    show_default=True,
    help="Time cap of the throughput rounds together.",
)
def twin(employees: int, roster_size: int, runs: int, requests: int, seconds: float) -> int:
    """The twin, each server in its own process: page time by company size, throughput, walk, syncs.

    Page time at 1,000 employees and at --employees, throughput beside a minimal Starlette app serving
    the same bytes, a walk of the large company, roster syncs.
    """
    from jobticket_kit.bench import twin as bench_twin

    return bench_twin.run(
        employees=employees, roster_size=roster_size, runs=runs, requests=requests, seconds=seconds
    )


@bench.command(short_help="CPU, memory, plan size and requests of a roster at company scale.")
@click.option(
    "--employees",
    type=click.IntRange(min=100, max=1_000_000),
    multiple=True,
    default=(10_000, 50_000, 200_000),
    show_default=True,
    help="Employees in the integration (repeat for several sizes).",
)
def roster(employees: tuple[int, ...]) -> int:
    """The HR roster at company scale: ``jobticket roster plan`` and ``apply`` against a twin process.

    For each size: CPU, peak memory per employee, plan file size, requests and the paced time.
    """
    from jobticket_kit.bench import roster as bench_roster

    return bench_roster.run(employees=employees)


@bench.command(name="contract", short_help="Nightly contract runs on a real clock: requests, evidence age.")
@output_dir_option(help="Where the run's reports go.", default=Path("reports") / "bench-contract")
@click.option(
    "--window",
    type=click.IntRange(min=1, max=int(MAX_SECONDS)),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="The twin's rate-limit window and the run's pace window (60: the staging rule).",
)
@click.option(
    "--nights",
    type=_COUNT,
    default=2,
    show_default=True,
    help="Nightly runs in a row (the first has no evidence).",
)
@click.option(
    "--days-between",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    metavar="DAYS",
    help="Days the evidence ages between two nights (8 nights, 1 day apart: a week, the probe twice).",
)
def contract_run(output_dir: Path, window: int, nights: int, days_between: float) -> int:
    """Nightly contract runs against a twin process on a real clock: requests, probe, evidence age, coverage.

    Each night is the full remote configuration; each one after the first gets the evidence of the night
    before, aged by --days-between. About 4-7 minutes a night at the staging window; --window 6 runs
    ten times faster. Exits with the last night's code.
    """
    from jobticket_kit.bench import contract as bench_contract

    return bench_contract.run(output_dir=output_dir, window=window, nights=nights, days_between=days_between)
