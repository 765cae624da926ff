"""The ``jobticket_twin`` fixture of the ``[testing]`` extra: connected clients on one fake clock, the
twin's rate limit and controls, and factories of valid models (the fresh-virtualenv run is in
test_downstream_virtualenv.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from jobticket import InternalServerError, RateLimitError, validate_roster
from jobticket.webhooks import WebhookVerifier
from jobticket_api.models import EmployeeSubscriptionChangedEvent
from jobticket_twin import TwinConfig
from jobticket_twin.factories import document, employee, hr_integration, roster_entry
from jobticket_twin.kit import TwinKit


def test_150_calls_a_full_listing_and_an_async_listing_pace_on_the_fake_clock(
    jobticket_twin: TwinKit,
) -> None:
    start = jobticket_twin.clock()
    with jobticket_twin.client() as client:
        names = {client.get_employee(42).first_name for _ in range(150)}
        listed = client.list_employees().to_list()

    async def async_listing() -> list[int]:
        async with jobticket_twin.async_client() as aclient:
            return [e.id async for e in aclient.list_employees()]

    async_ids = asyncio.run(async_listing())
    assert names == {"Anna"}
    assert len(listed) == len(async_ids) == len(jobticket_twin.state.data.employees) == 250
    assert async_ids == [e.id for e in listed]
    # 156 requests at 90 per rolling minute: one fake minute of pacing, at once, and the twin saw no 429.
    assert jobticket_twin.clock.sleeps == [60.0]
    assert jobticket_twin.clock() - start == 60.0


def test_the_twins_rate_limit_is_modelled_on_the_same_clock(jobticket_twin: TwinKit) -> None:
    with jobticket_twin.client(rate_limit=500) as client:  # a pacer above the API's 100 per minute
        for _ in range(100):
            client.get_employee(42)
        with pytest.raises(RateLimitError) as raised:
            client.get_employee(42)
        assert raised.value.retry_after == 300
        jobticket_twin.advance(300)  # the block is over for the twin and for the client's pacer alike
        assert client.get_employee(42).id == 42


@pytest.mark.parametrize("jobticket_twin_config", [TwinConfig(seed=3, rate_limit=0)])
def test_the_config_fixture_chooses_the_seed_and_limits(jobticket_twin: TwinKit) -> None:
    assert jobticket_twin.state.seed == 3
    with jobticket_twin.client(rate_limit=1000) as client:
        for _ in range(120):  # rate limit off: no 429
            client.health()
            client.get_employee(42)


def test_faults_subscription_changes_and_signed_events(jobticket_twin: TwinKit) -> None:
    jobticket_twin.set_faults("error=1.0,statuses=503,seed=1")
    with jobticket_twin.client() as client:
        with pytest.raises(InternalServerError):
            client.get_employee(42)
        jobticket_twin.set_faults(None)
        subscription = jobticket_twin.change_subscription(42, "paused", pausedAt="2026-05-20")
        assert subscription["status"] == "paused"
        assert client.get_employee(42).subscription.status == "paused"
    assert [event.type for event in jobticket_twin.events] == ["employee-subscription-changed"]
    body, headers = jobticket_twin.signed(jobticket_twin.events[0], "whsec-test")
    verifier = WebhookVerifier("whsec-test", clock=jobticket_twin.clock)  # the events' own (fake) time
    event = verifier.construct_event(body, headers["X-Signing-Signature"])
    assert isinstance(event, EmployeeSubscriptionChangedEvent)
    assert event.payload.id == 42


def test_a_generated_document_downloads_through_the_sync_bridge(
    jobticket_twin: TwinKit, tmp_path: Path
) -> None:
    created = jobticket_twin.generate_document(42, "June invoice")
    with jobticket_twin.client() as client:
        result = client.download_document(created["id"], tmp_path / "june.pdf")
    assert result.content_type == "application/pdf"
    assert (tmp_path / "june.pdf").read_bytes().startswith(b"%PDF")
    assert [event.type for event in jobticket_twin.events] == ["new-employee-document-generated"]


def test_the_current_roster_round_trips_through_a_sync(jobticket_twin: TwinKit) -> None:
    roster = jobticket_twin.roster(7)
    roster[0] = {**roster[0], "lastName": "Renamed"}
    with jobticket_twin.client() as client:
        plan = client.sync_roster(7, roster, dry_run=True).plan
        assert (len(plan.created), len(plan.updated), len(plan.offboarded)) == (0, 1, 0)
        assert client.sync_roster(7, roster).sent
        employee_id = plan.updated[0].employee_id
        assert employee_id is not None
        assert client.get_employee(employee_id).last_name == "Renamed"


def test_factories_make_valid_models_with_overrides() -> None:
    paused = employee(id=7, email="ida@example.com", subscription={"status": "paused"})
    assert (paused.id, paused.email, paused.subscription.status) == (7, "ida@example.com", "paused")
    assert paused.subscription.start_at is not None  # the rest of the nested object is kept
    assert document(downloadable=False).downloadable is False
    assert hr_integration(name="Personio").name == "Personio"
    rows = [roster_entry(f"HR-{n}") for n in range(3)]
    assert len(validate_roster(rows)) == 3
    assert rows[1]["email"] == "hr-1@example.com"
