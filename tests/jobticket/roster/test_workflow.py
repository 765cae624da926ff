"""Approve then send through the roster application's API, against the twin on loopback with a fake clock.

A saved plan is sent exactly (rows and syncId) after one re-read; a plan outdated by the date is refused;
the guard over time refuses a run of small offboardings; plans render as text, Markdown and JSON while
the logs carry no personal data; and the request counts of plan and apply are one listing each.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from jobticket import AsyncJobTicket, JobTicket, Pacer, SyncRefusedError
from jobticket.roster import (
    OffboardingHistory,
    PlanFileError,
    RosterPlan,
    StalePlanError,
    apply_plan,
    apply_plan_async,
    plan_roster,
    plan_roster_async,
    render_plan,
)
from tests.helpers.twins import Twin
from tests.jobticket.test_against_twin import current_roster

INTEGRATION = 7
DAY = 86_400.0


@dataclass
class Counter(httpx.BaseTransport):
    inner: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    seen: list[str] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.method)
        return self.inner.handle_request(request)


pytestmark = pytest.mark.twin(shared=True, rate_limit=0)


def client(twin: Twin, counter: Counter | None = None) -> JobTicket:
    username, password = twin.credentials("admin")
    return JobTicket(
        twin.base_url,
        username=username,
        password=password,
        transport=counter,
        pacer=Pacer(1_000_000, 60.0, clock=twin.fake_clock),
    )


def test_a_saved_plan_is_sent_exactly_after_one_re_read(twin: Twin, tmp_path: Path) -> None:
    counter = Counter()
    with client(twin, counter) as jobticket:
        roster = current_roster(jobticket.list_employees().to_list())
        counter.seen.clear()
        new = {"firstName": "Jana", "lastName": "Neu", "email": "jana.neu@example.org", "hrId": "NEW-1"}
        plan = plan_roster(jobticket, INTEGRATION, [*roster, new], sync_id="sync-approved")
        pages = math.ceil(len(twin.state.data.employees) / 100)
        assert counter.seen == ["GET"] * (1 + pages)  # the integration, then one listing
        plan.save(tmp_path / "plan.json")
        loaded = RosterPlan.load(tmp_path / "plan.json")
        assert loaded.to_json() == plan.to_json()
        counter.seen.clear()
        result = apply_plan(jobticket, loaded)
        assert counter.seen == ["GET"] * pages + ["POST"] + ["GET"] * pages  # then the read-back
    assert result.sent
    assert result.sync_id == "sync-approved"
    created = [e for e in twin.state.data.employees.values() if e.email == "jana.neu@example.org"]
    assert [link.last_sync_id for link in created[0].links] == ["sync-approved"]


def test_an_edited_or_foreign_plan_is_refused_before_any_request(twin: Twin, tmp_path: Path) -> None:
    with client(twin) as jobticket:
        plan = plan_roster(jobticket, INTEGRATION, current_roster(jobticket.list_employees().to_list()))
    path = tmp_path / "plan.json"
    plan.save(path)
    body = json.loads(path.read_text("utf-8"))
    body["rows"] = body["rows"][:-10]
    path.write_text(json.dumps(body), "utf-8")
    with pytest.raises(PlanFileError, match="changed after planning"):
        RosterPlan.load(path)
    body = plan.to_json()
    body["matches"][0] += 1  # the first row would claim another employee
    with pytest.raises(PlanFileError, match="changed after planning"):
        RosterPlan.from_json(body)
    counter = Counter()
    username, password = twin.credentials("admin")
    other = JobTicket("http://127.0.0.2:1", username=username, password=password, transport=counter)
    with other, pytest.raises(PlanFileError, match="make a plan on the API you send to"):
        apply_plan(other, plan)
    assert counter.seen == []


def test_a_plan_outdated_by_the_date_is_refused(twin: Twin) -> None:
    counter = Counter()
    with client(twin, counter) as jobticket:
        roster = current_roster(jobticket.list_employees().to_list())
        tomorrow = (datetime.date(2026, 5, 13) + datetime.timedelta(days=1)).isoformat()
        roster[0]["terminationDate"] = tomorrow
        plan = plan_roster(jobticket, INTEGRATION, roster)
        assert plan.plan.offboarded == ()
        twin.fake_clock.advance(2 * DAY)
        with pytest.raises(StalePlanError, match="a terminationDate has passed since"):
            apply_plan(jobticket, plan)
    assert "POST" not in counter.seen


def test_the_guard_over_time_refuses_a_run_of_small_offboardings(twin: Twin, tmp_path: Path) -> None:
    history = OffboardingHistory(tmp_path / "history.json")
    with client(twin) as jobticket:
        roster = current_roster(jobticket.list_employees().to_list())
        step = math.ceil(len(roster) * 0.06)  # 6 % each: under the per-sync limit
        first = jobticket.sync_roster(INTEGRATION, roster[step:], history=history)
        assert first.sent
        assert 0.05 < first.plan.offboard_ratio < 0.1
        plan = plan_roster(jobticket, INTEGRATION, roster[2 * step :], history=history)
        assert [guard.refusal is None for guard in plan.guards] == [True, True, False, True]
        with pytest.raises(SyncRefusedError, match=r"within 7 days \(1[0-9]\.[0-9]%") as refused:
            apply_plan(jobticket, plan, history=history)
        assert f"{2 * step} of {len(roster)} active employees" in str(refused.value)
        twin.fake_clock.advance(8 * DAY)  # the first sync leaves the period
        plan = plan_roster(jobticket, INTEGRATION, roster[2 * step :], history=history)
        assert apply_plan(jobticket, plan, history=history).sent
        third = plan_roster(jobticket, INTEGRATION, roster[3 * step :], history=history)
        with pytest.raises(SyncRefusedError):
            apply_plan(jobticket, third, history=history)
        assert apply_plan(jobticket, third, history=history, allow_large_offboarding=True).sent
    recorded = json.loads((tmp_path / "history.json").read_text("utf-8"))
    assert [r["offboarded"] for r in next(iter(recorded["integrations"].values()))] == [step] * 3
    (tmp_path / "history.json").write_text("not json", "utf-8")
    with client(twin) as jobticket, pytest.raises(ValueError, match="is not an offboarding history"):
        jobticket.sync_roster(INTEGRATION, roster[3 * step :], history=history, dry_run=True)


def test_renderings_show_people_and_cost_while_logs_stay_free_of_personal_data(
    twin: Twin, caplog: pytest.LogCaptureFixture
) -> None:
    with client(twin) as jobticket, caplog.at_level(logging.DEBUG, logger="jobticket"):
        roster = current_roster(jobticket.list_employees().to_list())
        roster[0]["lastName"] = "Neuname"
        new = {"firstName": "Jana", "lastName": "Neu", "email": "jana.neu@example.org", "hrId": "NEW-1"}
        plan = plan_roster(jobticket, INTEGRATION, [*roster[:-1], new])
        apply_plan(jobticket, plan)
    left_out = roster[-1]
    text, markdown = render_plan(plan, "text"), render_plan(plan, "markdown")
    assert f"lastName: {fresh_name(plan, 0)} → Neuname" in text
    assert "CREATE" in text
    assert "Jana Neu <jana.neu@example.org>" in text
    assert f"{left_out['firstName']} {left_out['lastName']}" in text
    assert "| offboard | - |" in markdown
    assert "open point O-37" in markdown
    body = json.loads(render_plan(plan, "json"))
    assert body["plan"]["billing"]["addedEur"] == 1
    assert body["plan"]["counts"] == {
        "create": 1, "update": 1, "unchanged": len(roster) - 2, "offboard": 1, "scheduled": 0
    }  # fmt: skip
    logged = caplog.text
    assert plan.sync_id in logged
    for person in (*roster, new):
        assert person["email"] not in logged
        assert person["lastName"] not in logged
    assert "Neuname" not in repr(plan)
    assert "jana.neu" not in repr(plan)


def fresh_name(plan: RosterPlan, row: int) -> str:
    change = next(c for c in plan.plan.employees if c.row == row)
    return str(change.changes[0].old)


def test_the_async_client_plans_and_applies_the_same_way(twin: Twin) -> None:
    username, password = twin.credentials("admin")
    pages: list[tuple[int, int]] = []

    async def main() -> tuple[RosterPlan, bool]:
        async with AsyncJobTicket(
            twin.base_url,
            username=username,
            password=password,
            pacer=Pacer(1_000_000, 60.0, clock=twin.fake_clock),
        ) as jobticket:
            roster = current_roster(await jobticket.list_employees().to_list())
            plan = await plan_roster_async(
                jobticket, INTEGRATION, roster, on_page=lambda *page: pages.append(page)
            )
            return plan, (await apply_plan_async(jobticket, plan)).sent

    plan, sent = asyncio.run(main())
    assert sent
    assert plan.plan.offboarded == ()
    assert pages == [(1, 3), (2, 3), (3, 3)]
