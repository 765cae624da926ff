"""The twin benchmark (jobticket-kit bench twin) runs end to end on a small budget and prints its figures."""

from __future__ import annotations

import pytest

from jobticket_twin.bench import roster, run


def test_the_benchmark_prints_sync_and_throughput_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(roster_size=50, runs=2, requests=5, seconds=5) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("roster of 50 employees")
    assert lines[1].startswith("sync, all new employees: median ")
    assert "2 runs" in lines[2]
    assert lines[3].startswith("GET /employees?perPage=100: ")
    assert "(5 sequential requests in" in lines[3]


def test_the_bench_roster_is_valid_and_unique() -> None:
    body = roster(3)
    assert [item["hrId"] for item in body["employees"]] == ["bench-000000", "bench-000001", "bench-000002"]
    assert len({item["email"] for item in body["employees"]}) == 3
