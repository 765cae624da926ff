"""``update-spec URL`` reads a hostile server within bounds: one line, exit 2, in time, in little memory.

A small server on loopback answers the download with a gzip bomb, an endless chunked body, a slow drip or
JSON nested 100,000 deep. The kit runs as its own process (under ``tests.helpers.peak_memory``), with a 3 s
``JOBTICKET_REQUEST_DEADLINE``; the checkout given as ``--root`` is left as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobticket_kit.checkout import project_root
from tests.helpers.lies import hostile_body
from tests.helpers.loopback import Connection, LoopbackServer, Received
from tests.helpers.peak_memory import growth_mib

DEADLINE = 3
PRELOAD = "jobticket_kit.cli,jobticket_kit.spec.update"
EXPECTED = {
    "gzip bomb": "larger than 5000000 bytes",
    "endless chunked body": "larger than 5000000 bytes",
    "slow drip": f"no complete answer within the deadline of {DEADLINE} s",
    "deep JSON": "nested too deeply",
}


def _files(root: Path) -> list[tuple[str, bytes]]:
    return sorted((str(path), path.read_bytes()) for path in root.rglob("*") if path.is_file())


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_a_hostile_download_is_rejected_in_time_with_little_memory(kind: str, tmp_path: Path) -> None:
    body = hostile_body(kind)

    def answer(request: Received, connection: Connection) -> None:
        body(connection)

    env = {
        **os.environ,
        "JOBTICKET_REQUEST_DEADLINE": str(DEADLINE),
        "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
    }
    checkout = tmp_path / "checkout"
    shutil.copytree(project_root() / "openapi", checkout / "openapi")
    before = _files(checkout)
    with LoopbackServer(answer) as server:
        url = f"{server.base_url}/jobticket.openapi.yaml"
        started = time.monotonic()
        completed = subprocess.run(
            [sys.executable, "-m", "tests.helpers.peak_memory", "--preload", PRELOAD,
             "--", "jobticket_kit", "update-spec", url, "--root", str(checkout)],
            cwd=project_root(), env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        elapsed = time.monotonic() - started
    grown = growth_mib(completed.stderr)
    code = completed.returncode
    print(f"update-spec, {kind}: exit {code} in {elapsed:.1f} s, peak memory +{grown:.1f} MiB")
    lines = [line for line in completed.stderr.splitlines() if line and not line.startswith("peak-memory")]
    assert completed.returncode == 2, completed.stderr
    assert lines == [f"rejected: {url}: {EXPECTED[kind]}"]
    assert completed.stdout == ""
    assert grown < 100
    assert elapsed < DEADLINE + 15
    assert _files(checkout) == before
