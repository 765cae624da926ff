"""The contract run fails closed against a lying target: a twin process behind a lying proxy, by URL.

- A listing that undercounts (at the start, or from the middle of the run on) stops the destructive
  checks before they send anything more, and the run ends without a verdict (exit 2).
- A real employee linked to the sandbox in the middle of a run is never offboarded: the sandbox guard
  runs again before every destructive request.
- A gzip bomb, an endless chunked body, a slow drip and JSON nested 100,000 deep end the run with no
  verdict within the deadline, with under 100 MB of memory growth (measured in the run's own process).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobticket_twin.seed import EXAMPLE_EMPLOYEE_ID, PENDING_INTEGRATION_ID, SEED_KEYS
from tests.helpers.lies import LyingProxy, hostile_body, twin_state, undercount
from tests.helpers.loopback import Received, Reply
from tests.helpers.peak_memory import growth_mib
from tests.helpers.twins import Twin

from .conftest import ROOT, contract_env

ADMIN = (SEED_KEYS["admin"].key_id, SEED_KEYS["admin"].secret)
SANDBOX = PENDING_INTEGRATION_ID  # nobody linked: the first sync links the kit's synthetic employees
SYNC = f"POST /hr-integrations/{SANDBOX}/sync"
PRELOAD = (
    "jobticket_kit.cli,jobticket_kit.contract.lifecycle,jobticket_kit.contract.fuzzing,schemathesis,pytest"
)


pytestmark = pytest.mark.twin(process=True, rate_limit=0, shared=True)


@pytest.fixture
def proxy(twin: Twin) -> Iterator[LyingProxy]:
    with LyingProxy(twin.base_url) as running:
        yield running


def contract(
    proxy: LyingProxy, reports: Path, *selection: str, destructive: bool = True, **env: str
) -> tuple[int, str, dict[str, Any], float, float]:
    """``jobticket-kit contract`` on the proxy (destructive on the sandbox): code, output, results, MiB, s."""
    if destructive:
        env.update(JOBTICKET_ALLOW_DESTRUCTIVE="1", JOBTICKET_SANDBOX_INTEGRATION_ID=str(SANDBOX))
    environment = contract_env(proxy.base_url, PYTHONPATH=f"{ROOT}:{contract_env()['PYTHONPATH']}", **env)
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "tests.helpers.peak_memory", "--preload", PRELOAD, "--",
         "jobticket_kit", "contract", "--output-dir", str(reports), *selection],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=280, check=False,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    results_file = reports / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    return (
        completed.returncode,
        completed.stdout + completed.stderr,
        results,
        growth_mib(completed.stderr),
        elapsed,
    )


def _sync_of(request: Received) -> bool:
    return request.method == "POST" and request.path == f"/hr-integrations/{SANDBOX}/sync"


@pytest.mark.slow
def test_an_undercounting_listing_stops_the_destructive_checks_before_they_send(
    twin: Twin, proxy: LyingProxy, tmp_path: Path
) -> None:
    # The case: totalPages 1 while total is 250. Every other undercount of tests.lying_proxy is
    # refused by the same strict listing (tests/jobticket/test_fail_closed.py runs them all).
    before = twin_state(twin.base_url, ADMIN)
    proxy.lie = undercount("totalPages too small")
    code, output, results, _, _ = contract(proxy, tmp_path, "contract_tests/test_hr_sync.py")
    assert code == 2, output
    assert "cannot be proven complete" in output
    assert "Traceback" not in output
    assert SYNC not in proxy.forwarded
    assert results["requests"]["by_operation"].get("triggerHrSync", 0) == 0
    assert twin_state(twin.base_url, ADMIN) == before


@pytest.mark.slow
def test_a_listing_that_starts_to_undercount_mid_run_stops_the_next_destructive_request(
    twin: Twin, proxy: LyingProxy, tmp_path: Path
) -> None:
    lying = undercount("repeated page")
    state: list[Any] = []

    def lie(request: Received, upstream: Reply) -> Any:
        """The truth until the second sync (the first raw probe, which reads nothing back), then lies."""
        if _sync_of(request) and proxy.forwarded.count(SYNC) == 2:
            state.append(twin_state(twin.base_url, ADMIN))
        return lying(request, upstream) if state else None

    proxy.lie = lie
    code, output, results, _, _ = contract(proxy, tmp_path, "contract_tests/test_hr_sync.py")
    assert code == 2, output
    assert results["verdict"] == "no verdict"
    assert "cannot be proven complete" in results["reason"]
    assert proxy.forwarded.count(SYNC) == 2  # nothing after the lie began
    assert twin_state(twin.base_url, ADMIN) == state[0]


# The run's syncs in order: 1 links the kit's roster (guarded, read back), 2 to 9 are the rosters the API
# must reject (raw), 10 is a guarded sync again. A real person linked right after sync 2 meets the
# sandbox guard's fresh listing before the next raw probe; one linked after sync 9 meets the check of
# the guarded sync's own fresh plan; one linked while sync 10 is answered shows in its read-back.
@pytest.mark.slow
@pytest.mark.parametrize(
    ("after_sync", "code", "reason"),
    [
        (2, 2, f"not the kit's synthetic employees (ids {EXAMPLE_EMPLOYEE_ID})"),
        (9, 2, f"not the kit's synthetic employees (ids {EXAMPLE_EMPLOYEE_ID})"),
        (10, 3, f"linked without a roster row (employee {EXAMPLE_EMPLOYEE_ID})"),
    ],
    ids=["before a raw probe", "before a guarded sync", "during a guarded sync"],
)
def test_a_real_employee_linked_to_the_sandbox_mid_run_is_never_offboarded(
    twin: Twin, proxy: LyingProxy, tmp_path: Path, after_sync: int, code: int, reason: str
) -> None:
    with httpx.Client(base_url=twin.base_url, auth=ADMIN, trust_env=False) as http:
        real = http.get(f"/employees/{EXAMPLE_EMPLOYEE_ID}").json()["data"]

    roster: list[Any] = []

    def hr_platform_links_a_real_person(request: Received, upstream: Reply) -> None:
        """Right after the run's sync number ``after_sync``, someone links a real employee to the sandbox."""
        if _sync_of(request) and not roster:
            roster.extend(json.loads(request.body)["employees"])
        if not (_sync_of(request) and proxy.forwarded.count(SYNC) == after_sync):
            return
        person = {key: real[key] for key in ("firstName", "lastName", "email")} | {"hrId": "emp-4711"}
        httpx.post(
            f"{twin.base_url}/hr-integrations/{SANDBOX}/sync",
            json={"syncId": "hr-platform", "employees": [*roster, person]},
            auth=ADMIN,
            trust_env=False,
        ).raise_for_status()
        return

    proxy.lie = hr_platform_links_a_real_person
    exit_code, output, results, _, _ = contract(proxy, tmp_path, "contract_tests/test_hr_sync.py")
    assert exit_code == code, output
    assert reason in results["reason"]
    assert real["email"] not in output
    assert proxy.forwarded.count(SYNC) == after_sync  # every later sync was refused before it left
    with httpx.Client(base_url=twin.base_url, auth=ADMIN, trust_env=False) as http:
        after = http.get(f"/employees/{EXAMPLE_EMPLOYEE_ID}").json()["data"]
    assert after["subscription"] == real["subscription"]
    assert any(link["hrIntegrationId"] == SANDBOX for link in after["hrIntergartionLinks"])


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["gzip bomb", "endless chunked body", "slow drip", "deep JSON"])
def test_hostile_bodies_end_the_run_without_a_verdict_within_the_deadline(
    proxy: LyingProxy, tmp_path: Path, kind: str
) -> None:
    body = hostile_body(kind)

    def lie(request: Received, upstream: Reply) -> Any:
        listing = request.method == "GET" and request.path == "/employees" and request.query("perPage") != "1"
        return body if listing else None  # the preflight (perPage=1) gets the truth

    proxy.lie = lie
    deadline = 3
    code, output, results, grown, seconds = contract(
        proxy,
        tmp_path,
        "contract_tests/test_pagination.py::test_total_pages_match_total",
        destructive=False,
        JOBTICKET_REQUEST_DEADLINE=str(deadline),
    )
    assert code == 2, output
    assert "Traceback" not in output
    expected = {
        "gzip bomb": "the body is larger than 4194304 bytes (decoded)",
        "endless chunked body": "the body is larger than 4194304 bytes (decoded)",
        "slow drip": f"no complete answer within the deadline of {deadline} s",
        "deep JSON": "the JSON body nests deeper than 64 levels",
    }[kind]
    print(f"contract run, {kind}: exit {code} in {seconds:.1f} s, peak memory +{grown:.1f} MiB")
    assert results["reason"].startswith("the target's answer was refused: GET /employees")
    assert results["reason"].endswith(expected)
    assert grown < 100, f"{kind}: {grown} MiB"
    assert seconds < 60
