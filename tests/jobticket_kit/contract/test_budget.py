"""The request budget paces under the twin's real limit on a fast (fake) clock, and stops at a 429."""

from __future__ import annotations

import pytest

from jobticket_kit.contract.budget import BudgetSpent, RequestBudget, TargetBlocked
from jobticket_kit.contract.metering import metered
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.origins import OtherOriginRefused
from jobticket_kit.contract.run_state import Api, Credential
from jobticket_twin import FakeClock, TwinConfig, parse_fault_spec
from jobticket_twin.testing import running_twin


def _send(count: int, budget: RequestBudget, clock: FakeClock) -> list[int]:
    """Send ``count`` requests to a twin that allows 10 per minute (the real limit, scaled down)."""
    with running_twin(TwinConfig(clock=clock, rate_limit=10)) as twin:
        api = Api(twin.base_url, Credential("main", *twin.credentials("admin")))
        with metered(budget, load_spec(), {twin.credentials("admin")[0]: "main"}, twin.base_url):
            return [api.get("/employees/42").status_code for _ in range(count)]


def test_pacing_keeps_under_the_limit_on_a_fake_clock() -> None:
    clock = FakeClock()
    start = clock()
    budget = RequestBudget(per_minute=8, clock=clock)
    statuses = _send(30, budget, clock)
    assert set(statuses) == {200}
    assert budget.spent == 30
    assert budget.by_credential == {"main": 30}
    assert budget.by_operation == {"getEmployee": 30}
    # 30 requests at 8 per minute need three windows of waiting, on the fake clock only.
    assert clock() - start >= 3 * 60
    assert budget.waited_seconds >= 3 * 60


def test_without_pacing_the_request_over_the_limit_blocks_the_run() -> None:
    clock = FakeClock()
    budget = RequestBudget(per_minute=None, clock=clock)
    with pytest.raises(TargetBlocked, match="429 to GET /employees/42"):
        _send(30, budget, clock)
    assert budget.spent == 11
    assert budget.block is not None
    assert budget.block.retry_after == "300"


def test_only_the_target_is_metered_and_other_origins_are_refused() -> None:
    clock = FakeClock()
    budget = RequestBudget(per_minute=8, clock=clock)
    refused: dict[str, int] = {}
    with (
        running_twin(TwinConfig(clock=clock)) as twin,
        running_twin(TwinConfig(clock=clock)) as other,
        metered(budget, load_spec(), {}, twin.base_url, refused),
    ):
        with pytest.raises(OtherOriginRefused, match="refused a request to"):
            Api(other.base_url, None).get("/health")
        assert Api(twin.base_url, None).get("/health").status_code == 200
    assert budget.spent == 1
    assert refused == {other.base_url: 1}


def test_a_blocked_budget_sends_nothing_more() -> None:
    budget = RequestBudget(per_minute=None)
    with pytest.raises(TargetBlocked):
        budget.observe("main", "GET /employees", 429, "300")
    with pytest.raises(TargetBlocked):
        budget.acquire("main", "listEmployees")
    assert budget.spent == 0


def test_an_exempt_key_may_be_blocked_without_stopping_the_run() -> None:
    budget = RequestBudget(per_minute=80)
    budget.exempt("rate-limit-probe")
    budget.observe("rate-limit-probe", "GET /employees", 429, "300")
    budget.acquire("main", "listEmployees")
    assert budget.block is None
    assert budget.spent == 1


def test_one_pace_for_every_credential_of_the_run() -> None:
    # No credential, a wrong one and limited keys count against the same 80 per minute as the main key.
    clock = FakeClock()
    start = clock()
    budget = RequestBudget(per_minute=8, clock=clock)
    for index in range(24):
        budget.acquire(
            ("main", "no-auth", "unknown-key", "without-view-employees")[index % 4], "listEmployees"
        )
    assert budget.spent == 24
    # 24 requests at 8 per minute in total: two full windows of waiting, whatever the credentials.
    assert clock() - start >= 2 * 60
    assert budget.waited_seconds >= 2 * 60


def test_the_budget_is_never_exceeded_and_the_ceiling_moves() -> None:
    budget = RequestBudget(per_minute=None, limit=5)
    budget.set_ceiling(3)
    for _ in range(3):
        budget.acquire("main", "listEmployees")
    with pytest.raises(BudgetSpent, match="3 of 3"):
        budget.acquire("main", "listEmployees")
    budget.set_ceiling(None)
    budget.acquire("main", "listEmployees", retry=True)
    budget.acquire("main", "listEmployees")
    with pytest.raises(BudgetSpent, match="5 of 5"):
        budget.acquire("main", "listEmployees")
    assert (budget.spent, budget.retries) == (5, 1)


def test_transient_faults_are_retried_and_counted() -> None:
    clock = FakeClock()
    budget = RequestBudget(per_minute=None, clock=clock)
    faults = parse_fault_spec("error=0.5,statuses=502|503|504,seed=2")
    with running_twin(TwinConfig(clock=clock, faults=faults)) as twin:
        api = Api(twin.base_url, Credential("main", *twin.credentials("admin")))
        with metered(budget, load_spec(), {twin.credentials("admin")[0]: "main"}, twin.base_url):
            statuses = [api.get("/employees/42").status_code for _ in range(20)]
    # With half the answers a transient 5xx, three re-sends turn (almost) every request into a 200.
    assert statuses.count(200) >= 18
    assert budget.retries > 0
    assert budget.spent == 20 + budget.retries
    assert budget.statuses[("getEmployee", 200)] == statuses.count(200)
