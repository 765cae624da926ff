"""The client against the local twin over real HTTP on 127.0.0.1, with the twin's fake clock and faults.

The client (pacer, back-off and wall clock) and the twin run on one FakeClock, so a minute of pacing or
a 5-minute block costs no real time.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobticket import (
    APIConnectionError,
    AsyncJobTicket,
    FakeClock,
    InternalServerError,
    JobTicket,
    NotDownloadableError,
    Pacer,
    RateLimitError,
    RetryPolicy,
    RosterError,
    SyncRefusedError,
    UnexpectedResponseError,
)
from jobticket_api.models import Employee
from tests.helpers.twins import Twin

INTEGRATION = 7


@dataclass
class Recorder(httpx.BaseTransport):
    """The real transport, recording (method, path, status) of every attempt that got an answer."""

    inner: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    seen: list[tuple[str, str, int]] = field(default_factory=list)
    before_post: Callable[[], None] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and self.before_post is not None:
            self.before_post()
        response = self.inner.handle_request(request)
        self.seen.append((request.method, request.url.path, response.status_code))
        return response

    def statuses(self) -> Counter[int]:
        return Counter(status for _, _, status in self.seen)


@dataclass
class Harness:
    twin: Twin
    clock: FakeClock

    @property
    def sleeps(self) -> list[float]:
        """The waits asked of the shared clock since this test began."""
        return self.clock.sleeps

    def client(
        self, key: str = "admin", *, rate_limit: int = 90, **options: Any
    ) -> tuple[JobTicket, Recorder]:
        username, password = self.twin.credentials(key)
        recorder = Recorder()
        options.setdefault("retry_policy", RetryPolicy(jitter=lambda: 0.0))
        client = JobTicket(
            self.twin.base_url,
            username=username,
            password=password,
            transport=recorder,
            pacer=Pacer(rate_limit, 60.0, clock=self.clock),
            **options,
        )
        return client, recorder

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.request(method, f"{self.twin.base_url}/_twin{path}", json=body)
        response.raise_for_status()
        return response.json()

    def faults(self, spec: str | None) -> None:
        self.control("PUT", "/faults", {"spec": spec})


# One twin for the module, on the API's own limit (100 per 60 s, a 300 s block), reset before each test.
pytestmark = pytest.mark.twin(shared=True, rate_limit=100, window=60, block=300)


@pytest.fixture
def harness(twin: Twin) -> Iterator[Harness]:
    clock = twin.fake_clock
    clock.sleeps.clear()
    harness = Harness(twin, clock)
    harness.faults(None)
    yield harness
    harness.faults(None)
    clock.advance(400)  # past any block or window a test left behind


def test_every_employee_in_ceil_n_over_100_requests(harness: Harness) -> None:
    client, recorder = harness.client()
    with client:
        employees = client.list_employees().to_list()
    assert len(employees) == 250
    assert len({e.id for e in employees}) == 250
    assert len(recorder.seen) == math.ceil(250 / 100)


def test_a_burst_of_300_calls_is_paced_under_the_limit_with_zero_429s(harness: Harness) -> None:
    client, recorder = harness.client()
    start = harness.clock()
    with client:
        for _ in range(300):
            client.get_employee(42)
    assert recorder.statuses() == Counter({200: 300})
    assert harness.clock() - start >= 180  # 90 per minute: three full windows of fake time


def test_a_five_minute_block_surfaces_as_rate_limited_without_sleeping(harness: Harness) -> None:
    # A pacer set above the server's limit provokes the block the real pacer exists to avoid.
    client, recorder = harness.client("rate-limit-probe", rate_limit=1000)
    with client:
        for _ in range(100):
            client.get_employee(42)
        with pytest.raises(RateLimitError) as raised:
            client.get_employee(42)
        assert raised.value.retry_after == 300
        with pytest.raises(RateLimitError):  # refused locally: the client does not knock during the block
            client.get_employee(42)
    assert recorder.statuses() == Counter({200: 100, 429: 1})
    assert harness.sleeps == []


def test_gateway_faults_are_retried_on_reads_and_500_is_not(harness: Harness) -> None:
    client, recorder = harness.client()
    with client:
        harness.faults("error=1,statuses=503")
        with pytest.raises(InternalServerError):
            client.get_employee(42)
        assert len(recorder.seen) == 3
        assert harness.sleeps == [0.5, 1.0]
        recorder.seen.clear()
        harness.faults("error=1,statuses=500")
        with pytest.raises(InternalServerError):
            client.get_employee(42)
        assert len(recorder.seen) == 1


def test_dropped_connections_are_retried_on_reads(harness: Harness) -> None:
    client, recorder = harness.client()
    with client:
        harness.faults("drop=1")
        with pytest.raises(APIConnectionError):
            client.get_employee(42)
        assert len(recorder.seen) == 3
        harness.faults("error=0.3,statuses=502|503|504,seed=1")
        assert [client.get_employee(42).id for _ in range(5)] == [42] * 5


def test_the_sync_post_is_not_retried_on_injected_faults(harness: Harness) -> None:
    client, recorder = harness.client()
    with client:
        roster = current_roster(client.list_employees())
        # Switch the twin's faults on only once the plan's reads are done, right before the POST.
        recorder.before_post = lambda: harness.faults("error=1,statuses=503")
        with pytest.raises(InternalServerError):
            client.sync_roster(INTEGRATION, roster)
    posts = [entry for entry in recorder.seen if entry[0] == "POST"]
    assert posts == [("POST", f"/hr-integrations/{INTEGRATION}/sync", 503)]


def test_download_streams_the_pdf_and_a_failed_one_leaves_no_file(harness: Harness, tmp_path: Path) -> None:
    client, recorder = harness.client()
    with client:
        result = client.download_document(101, tmp_path / "ok.pdf")
        assert (tmp_path / "ok.pdf").read_bytes().startswith(b"%PDF")
        assert result.bytes_written == (tmp_path / "ok.pdf").stat().st_size
        document = client.get_document(101)
        harness.faults("drop=1")
        with pytest.raises(APIConnectionError):
            client.download_document(document, tmp_path / "failed.pdf")
        harness.faults(None)
        with pytest.raises(NotDownloadableError):
            client.download_document(102, tmp_path / "never.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.pdf"]
    assert not any(path.endswith("/102/download") for _, path, _ in recorder.seen)


def current_roster(employees: Any) -> list[dict[str, Any]]:
    """The roster an HR system would send: every active employee linked to the integration."""
    rows = []
    for employee in employees:
        assert isinstance(employee, Employee)
        links = [link for link in employee.hr_intergartion_links if link.hr_integration_id == INTEGRATION]
        if links and employee.subscription.status != "cancelled":
            rows.append(
                {
                    "firstName": employee.first_name,
                    "lastName": employee.last_name,
                    "email": employee.email,
                    "hrId": links[0].hr_id,
                }
            )
    return rows


def test_sync_guard_against_the_twin(harness: Harness) -> None:
    client, recorder = harness.client()
    with client:
        before = client.list_employees().to_list()
        roster = current_roster(before)
        assert len(roster) > 100

        with pytest.raises(RosterError, match="empty"):
            client.sync_roster(INTEGRATION, [])
        with pytest.raises(SyncRefusedError) as refused:
            client.sync_roster(INTEGRATION, roster[: len(roster) // 2])
        assert refused.value.plan.offboard_ratio == pytest.approx(0.5, abs=0.01)
        assert not any(method == "POST" for method, _, _ in recorder.seen)
        assert client.list_employees().to_list() == before  # nothing applied

        dry = client.sync_roster(INTEGRATION, roster, dry_run=True)
        assert dry.plan.offboarded == ()
        assert dry.plan.created == ()
        assert len(dry.plan.unchanged) == len(roster)

        new_person = {
            "firstName": "Test",
            "lastName": "Person",
            "email": "new.person@example.com",
            "hrId": "HR-NEW-1",
        }
        result = client.sync_roster(INTEGRATION, [*roster, new_person], sync_id="sync-client-test")
        assert result.sent
        assert [c.hr_id for c in result.plan.created] == ["HR-NEW-1"]
        created = client.list_employees(email="new.person@example.com").to_list()
        assert [link.last_sync_id for link in created[0].hr_intergartion_links] == ["sync-client-test"]


def test_async_client_against_the_twin(harness: Harness) -> None:
    username, password = harness.twin.credentials("admin")
    recorder = AsyncRecorder()

    async def main() -> tuple[int, int, int]:
        async with AsyncJobTicket(
            harness.twin.base_url,
            username=username,
            password=password,
            transport=recorder,
            clock=harness.clock,
        ) as client:
            employees = await client.list_employees().to_list()
            concurrent = await asyncio.gather(*(client.get_employee(42) for _ in range(20)))
            sequential = [await client.get_employee(42) for _ in range(100)]
            return len(employees), len(concurrent), len(sequential)

    assert asyncio.run(main()) == (250, 20, 100)
    assert recorder.statuses == Counter({200: 123})
    assert sum(harness.sleeps) >= 60  # 123 requests need a second window at 90 per minute


@dataclass
class AsyncRecorder(httpx.AsyncBaseTransport):
    """The async real transport, counting the statuses of every attempt."""

    inner: httpx.AsyncBaseTransport = field(default_factory=httpx.AsyncHTTPTransport)
    statuses: Counter[int] = field(default_factory=Counter)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.statuses[response.status_code] += 1
        return response


def test_a_truncated_body_raises_a_typed_error_carrying_the_raw_response(harness: Harness) -> None:
    client, _ = harness.client()
    with client:
        harness.faults("truncate=1")
        with pytest.raises(UnexpectedResponseError) as raised:
            client.get_employee(42)
    assert raised.value.response.status_code == 200
    assert raised.value.response.content.startswith(b'{"data"')
