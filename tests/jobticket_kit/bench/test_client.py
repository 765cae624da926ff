"""The benchmark stays runnable; its figures are printed by scripts/bench-client, not asserted as times."""

from __future__ import annotations

from jobticket_kit.bench import client as bench_client


def test_pacer_figures_show_the_limit_held() -> None:
    line = bench_client.bench_pacer_fake(300)
    assert "peak 90 in any rolling minute" in line
    assert "sent per minute [90, 90, 90, 30]" in line


def test_parse_benchmark_reads_a_full_page_from_the_twin() -> None:
    assert bench_client.bench_parse(3).startswith("parse: page of 100 employees")


def test_store_benchmark_measures_every_store_through_a_full_window() -> None:
    lines = bench_client.bench_store_overhead(50)
    assert [line.split(":")[0] for line in lines] == [
        "pacer store memory",
        "pacer store file",
        "pacer store redis (local redis-server)",
    ]
    assert all(line.endswith(" us per request") for line in lines)


def test_import_benchmark_compares_with_httpx_alone() -> None:
    line = bench_client.bench_import_time(1)
    assert line.startswith("import time, medians of 1 fresh interpreters each, alternating")
    assert "CPU httpx " in line
    assert "; wall httpx " in line
