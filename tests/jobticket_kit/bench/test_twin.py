"""The twin benchmark (jobticket-kit bench twin) runs end to end on a small budget and prints its figures."""

from __future__ import annotations

import re

import pytest

from jobticket_kit.bench.twin import roster, run, spread


@pytest.mark.slow
def test_the_benchmark_prints_scaling_throughput_walk_and_sync_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(employees=2_000, roster_size=50, runs=2, requests=20, seconds=2) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("companies of 1000 and 2000 employees up in ")
    assert re.fullmatch(
        r"a page asked the first time: median [\d.]+ ms at 1000, [\d.]+ ms at 2000: ratio [\d.]+ "
        r"\(18 pages each, 2 orders, the companies taking turns\)",
        lines[2],
    )
    assert re.fullmatch(
        r"a page asked again: median .* ratio [\d.]+ \(54 pages each, 2 orders, .*\)", lines[3]
    )
    assert re.fullmatch(
        r"throughput at 2000 employees, 20 pages asked in turn: twin \d+ requests/s, minimal Starlette app "
        r"with the same bytes \d+ requests/s: ratio [\d.]+ \(median of 8 pairs of alternating rounds\)",
        lines[4],
    )
    assert lines[5].startswith("walk of 2000 employees (20 pages, each once): ")
    assert lines[5].endswith(" s with JobTicket.list_employees()")
    assert lines[6].startswith("sync of 50 employees, all new employees: median ")
    assert "2 runs" in lines[7]


def test_sampled_pages_spread_from_the_first_to_the_last() -> None:
    assert spread(2000, 10) == [1, 223, 445, 667, 889, 1112, 1334, 1556, 1778, 2000]
    assert spread(9, 10) == list(range(1, 10))


def test_the_bench_roster_is_valid_and_unique() -> None:
    body = roster(3)
    assert [item["hrId"] for item in body["employees"]] == ["bench-000000", "bench-000001", "bench-000002"]
    assert len({item["email"] for item in body["employees"]}) == 3
