"""Fail closed: offboarding decisions rest on complete evidence, and a sync's outcome is read back.

A twin runs as its own process behind a lying proxy on loopback, and the client and the HR roster
command line reach it by URL, as they would reach staging. Whatever way the listing undercounts, the
guarded sync, ``roster plan`` and ``roster apply`` refuse before anything is sent, and the twin's state
is the same afterwards. A sync that the API applies differently than planned is an incident.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobticket import (
    AsyncJobTicket,
    DuplicateItemError,
    FakeClock,
    ItemCountError,
    JobTicket,
    ListingChangedError,
    Pacer,
    PageCountError,
    PaginationError,
    ShortPageError,
    SyncIncidentError,
)
from jobticket._hr_sync_flow import READ_BACK_WAITS
from jobticket.variables import BASE_URL, PASSWORD, USERNAME
from jobticket_twin.seed import EXAMPLE_INTEGRATION_ID, SEED_KEYS
from tests.helpers.lies import UNDERCOUNTS, LyingProxy, twin_state, undercount
from tests.helpers.loopback import Received
from tests.helpers.twins import Twin

from .test_against_twin import current_roster

ADMIN = (SEED_KEYS["admin"].key_id, SEED_KEYS["admin"].secret)
INTEGRATION = EXAMPLE_INTEGRATION_ID

#: The rule each undercount of ``tests.helpers.lies`` breaks.
BROKEN_RULE: dict[str, type[PaginationError]] = {
    "totalPages too small": PageCountError,
    "total too small": PageCountError,
    "total and totalPages too small": ItemCountError,
    "short page in the middle": ShortPageError,
    "empty page in the middle": ShortPageError,
    "repeated page": DuplicateItemError,
    "changing total": ListingChangedError,
}


pytestmark = pytest.mark.twin(process=True, rate_limit=0, shared=True)


@pytest.fixture
def proxy(twin: Twin) -> Iterator[LyingProxy]:
    with LyingProxy(twin.base_url) as running:
        yield running


def client(proxy: LyingProxy, clock: FakeClock | None = None) -> JobTicket:
    """The client, on a fake clock: the read-back's waits for a late application take no real time."""
    pacer = Pacer(100_000, 60.0, clock=clock or FakeClock())
    return JobTicket(proxy.base_url, username=ADMIN[0], password=ADMIN[1], pacer=pacer)


def roster_of(twin: Twin) -> list[dict[str, Any]]:
    """The integration's complete roster, as its HR system would send it (read from the twin itself)."""
    with JobTicket(twin.base_url, username=ADMIN[0], password=ADMIN[1], pacer=Pacer(100_000, 60.0)) as honest:
        return current_roster(honest.list_employees())


def test_every_lie_of_the_proxy_is_a_lie() -> None:
    assert set(BROKEN_RULE) == set(UNDERCOUNTS)


@pytest.mark.parametrize("lie", list(UNDERCOUNTS))
def test_the_guarded_sync_refuses_an_undercounting_listing_and_sends_nothing(
    twin: Twin, proxy: LyingProxy, lie: str
) -> None:
    roster = roster_of(twin)
    before = twin_state(twin.base_url, ADMIN)
    proxy.lie = undercount(lie)
    with client(proxy) as jobticket, pytest.raises(BROKEN_RULE[lie]) as raised:
        jobticket.sync_roster(INTEGRATION, roster[: len(roster) - 2], allow_large_offboarding=True)
    assert "POST" not in proxy.methods()
    assert twin_state(twin.base_url, ADMIN) == before
    assert raised.value.rule in str(raised.value)


def test_the_honest_proxy_lets_the_same_sync_through(twin: Twin, proxy: LyingProxy) -> None:
    roster = roster_of(twin)
    with client(proxy) as jobticket:
        result = jobticket.sync_roster(INTEGRATION, roster[:-1])
    assert result.sent
    assert len(result.plan.offboarded) == 1
    assert proxy.methods().count("POST") == 1


def _dropping_the_first_row(request: Received) -> Received | None:
    """Send the sync without its first row: the API then offboards someone the plan keeps."""
    if request.method != "POST":
        return None
    body = json.loads(request.body)
    body["employees"] = body["employees"][1:]
    return dataclasses.replace(request, body=json.dumps(body).encode())


def test_a_sync_applied_otherwise_than_planned_is_an_incident_naming_ids_only(
    twin: Twin, proxy: LyingProxy
) -> None:
    roster = roster_of(twin)
    clock = FakeClock()
    with client(proxy, clock) as jobticket:
        first = jobticket.list_employees(email=roster[0]["email"]).to_list()[0]
        proxy.tamper = _dropping_the_first_row
        proxy.forwarded.clear()
        with pytest.raises(SyncIncidentError) as raised:
            jobticket.sync_roster(INTEGRATION, roster)
    incident = raised.value
    assert incident.result.sent
    assert [(d.kind, d.employee_id) for d in incident.discrepancies] == [
        ("offboarded without a plan", first.id)
    ]
    message = str(incident)
    assert f"employee {first.id}" in message
    assert "was sent and accepted" in message
    for value in (roster[0]["email"], roster[0]["firstName"], roster[0]["lastName"], roster[0]["hrId"]):
        assert value not in message
    # The read-back listed again while it waited for a late application (O-28), then declared the incident.
    after_post = proxy.forwarded[proxy.forwarded.index(f"POST /hr-integrations/{INTEGRATION}/sync") + 1 :]
    assert after_post == ["GET /employees"] * 3 * (1 + len(READ_BACK_WAITS))
    assert clock.sleeps == list(READ_BACK_WAITS)


def test_someone_linked_beside_the_roster_is_an_incident(twin: Twin, proxy: LyingProxy) -> None:
    roster = roster_of(twin)
    with client(proxy) as jobticket:
        outsider = next(
            e
            for e in jobticket.list_employees()
            if not any(link.hr_integration_id == INTEGRATION for link in e.hr_intergartion_links)
        )

    def with_one_more_row(request: Received) -> Received | None:
        if request.method != "POST":
            return None
        body = json.loads(request.body)
        extra = {"firstName": "X", "lastName": "Y", "email": outsider.email, "hrId": "x-extra"}
        body["employees"].append(extra)
        return dataclasses.replace(request, body=json.dumps(body).encode())

    proxy.tamper = with_one_more_row
    with client(proxy) as jobticket, pytest.raises(SyncIncidentError) as raised:
        jobticket.sync_roster(INTEGRATION, roster)
    assert [(d.kind, d.employee_id) for d in raised.value.discrepancies] == [
        ("linked without a roster row", outsider.id)
    ]


def test_a_read_back_that_cannot_be_proven_complete_is_an_unverified_incident(
    twin: Twin, proxy: LyingProxy
) -> None:
    roster = roster_of(twin)
    lying = undercount("repeated page")
    proxy.lie = lambda request, upstream: lying(request, upstream) if "POST" in proxy.methods() else None
    with client(proxy) as jobticket, pytest.raises(SyncIncidentError) as raised:
        jobticket.sync_roster(INTEGRATION, roster)
    assert raised.value.result.sent
    assert raised.value.discrepancies == []
    assert isinstance(raised.value.__cause__, DuplicateItemError)
    assert "could not be read back completely, so its outcome is unverified" in str(raised.value)


def test_the_async_client_reads_back_too(twin: Twin, proxy: LyingProxy) -> None:
    roster = roster_of(twin)
    proxy.tamper = _dropping_the_first_row

    async def main() -> SyncIncidentError:
        pacer = Pacer(100_000, 60.0, clock=FakeClock())
        async with AsyncJobTicket(
            proxy.base_url, username=ADMIN[0], password=ADMIN[1], pacer=pacer
        ) as jobticket:
            with pytest.raises(SyncIncidentError) as raised:
                await jobticket.sync_roster(INTEGRATION, roster)
        return raised.value

    assert asyncio.run(main()).discrepancies[0].kind == "offboarded without a plan"


# -- the HR roster command line, black box ----------------------------------------------------------


def roster_cli(proxy: LyingProxy, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        BASE_URL: proxy.base_url,
        USERNAME: ADMIN[0],
        PASSWORD: ADMIN[1],
        "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
    }
    return subprocess.run(
        [sys.executable, "-m", "jobticket", "roster", *args],
        capture_output=True, text=True, env=env, cwd=workdir, timeout=120, check=False,
    )  # fmt: skip


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    lines = ["hrId,firstName,lastName,email"] + [
        ",".join(row[name] for name in ("hrId", "firstName", "lastName", "email")) for row in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("lie", ["totalPages too small", "short page in the middle"])
def test_roster_plan_and_apply_refuse_an_undercounting_listing(
    twin: Twin, proxy: LyingProxy, tmp_path: Path, lie: str
) -> None:
    roster = roster_of(twin)
    write_csv(tmp_path / "roster.csv", roster[:-3])
    planned = roster_cli(
        proxy, tmp_path, "plan", "roster.csv", "--integration", str(INTEGRATION), "--output", "ok.json"
    )
    assert planned.returncode == 0, planned.stderr
    before = twin_state(twin.base_url, ADMIN)

    proxy.lie = undercount(lie)
    plan = roster_cli(
        proxy, tmp_path, "plan", "roster.csv", "--integration", str(INTEGRATION), "--output", "lie.json"
    )
    applied = roster_cli(proxy, tmp_path, "apply", "ok.json", "--allow-large-offboarding")

    for completed in (plan, applied):
        assert completed.returncode == 3, completed.stderr
        assert "Traceback" not in completed.stderr
        assert f"breaks a rule of a complete listing: {BROKEN_RULE[lie].rule}" in completed.stderr
    assert not (tmp_path / "lie.json").exists()
    assert "POST" not in proxy.methods()
    assert twin_state(twin.base_url, ADMIN) == before
