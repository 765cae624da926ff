"""The rate limit (O-15), probed last with its own key: the 101st request in a minute is 429.

Needs the ``rate-limit-probe`` key (twin seed, or JOBTICKET_LIMITED_KEYS on staging), because the
probe locks that key for 5 minutes. The run's budget lets this key's 429s through; any other 429
still stops the run.
"""

from __future__ import annotations

import pytest

from jobticket_kit.contract.run_state import ContractRun

PROBE_KEY = "rate-limit-probe"
LIMIT = 100

pytestmark = [
    pytest.mark.run_last,
    pytest.mark.reserve(LIMIT + 4),  # the probe's requests, kept back from fuzzing until it runs
    pytest.mark.needs_key(PROBE_KEY),
    pytest.mark.operation("listEmployees"),
]


@pytest.mark.open_point("O-15", "O-5")
def test_the_request_over_the_limit_is_blocked(contract_run: ContractRun) -> None:
    """100 requests pass, the 101st is 429 with Retry-After, the key stays blocked, Health Check does not."""
    contract_run.budget.exempt(PROBE_KEY)
    probe = contract_run.api(PROBE_KEY)
    statuses = [probe.get("/employees", perPage=1).status_code for _ in range(LIMIT)]
    assert set(statuses) == {200}, f"a 429 came before request {LIMIT + 1}: {statuses.index(429) + 1}"
    blocked = probe.get("/employees", perPage=1)
    assert blocked.status_code == 429
    retry_after = blocked.headers.get("Retry-After", "")
    assert retry_after.isdigit(), f"Retry-After: {retry_after!r}"
    assert 1 <= int(retry_after) <= 300, f"Retry-After: {retry_after}"
    assert not [name for name in blocked.headers if name.lower().startswith("x-ratelimit")]
    assert isinstance(blocked.json().get("message"), str)
    assert probe.get("/employees", perPage=1).status_code == 429, "the block did not hold"
    assert contract_run.api(None).get("/health").status_code == 200, "Health Check is rate limited"
    if contract_run.is_twin:
        # The twin runs on the run's fake clock: wait out the block without waiting.
        contract_run.budget.clock.sleep(int(retry_after))
        assert probe.get("/employees", perPage=1).status_code == 200, "the block did not end"
