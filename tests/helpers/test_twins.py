"""The ``twin`` fixture: options in the twin's own words, in this process or a separate one, shared or not."""

from __future__ import annotations

import socket

import httpx
import pytest

from jobticket_twin import FakeClock, WebhookReceiver
from jobticket_twin.seed import SEED_KEYS
from tests.helpers.twins import Twin, TwinOptions, TwinPool

ADMIN = (SEED_KEYS["admin"].key_id, SEED_KEYS["admin"].secret)


def test_options_say_the_same_twin_in_both_places_it_runs() -> None:
    options = TwinOptions(
        rate_limit=40,
        window=6.0,
        block=30,
        seed=3,
        faults="error=0.1,seed=2",
        webhooks=(WebhookReceiver("http://127.0.0.1:9/hook", "s3cret"),),
    )
    config = options.twin_config()
    assert (config.seed, config.rate_limit, config.window_seconds, config.block_seconds) == (3, 40, 6.0, 30)
    assert config.faults is not None
    assert config.webhook_receivers == options.webhooks
    assert isinstance(config.clock, FakeClock)
    assert config.clock is not options.twin_config().clock  # every twin gets its own clock
    assert TwinOptions(process=True, rate_limit=40, window=6.0, block=30).command_line() == [
        "--seed", "0", "--rate-limit", "40", "--window", "6.0", "--block", "30",
    ]  # fmt: skip
    assert options.command_line()[8:] == [
        "--faults", "error=0.1,seed=2", "--fake-clock", "--webhook", "http://127.0.0.1:9/hook=s3cret",
    ]  # fmt: skip


def test_a_process_runs_on_the_real_clock_unless_asked_and_takes_no_config() -> None:
    assert "--fake-clock" not in TwinOptions(process=True).command_line()
    assert "--fake-clock" in TwinOptions(process=True, fake_clock=True).command_line()
    assert not isinstance(TwinOptions(fake_clock=False).twin_config().clock, FakeClock)
    assert TwinOptions(config={"webhook_attempts": 4}).twin_config().webhook_attempts == 4
    with pytest.raises(ValueError, match="command-line options only"):
        TwinOptions(process=True, config={"webhook_attempts": 4})


def test_the_default_twin_has_the_apis_rules_in_this_process_on_a_fake_clock(twin: Twin) -> None:
    assert twin.state.data.employees
    assert (twin.in_process.config.rate_limit, twin.in_process.config.window_seconds) == (100, 60.0)
    before = twin.fake_clock()
    twin.fake_clock.advance(60)
    assert httpx.get(f"{twin.base_url}/_twin/clock", trust_env=False).json()["now"] == before + 60
    with pytest.raises(TypeError, match="runs in the test process"):
        _ = twin.process


@pytest.mark.twin(process=True, rate_limit=0, fake_clock=True)
def test_a_twin_process_is_reached_by_url_and_reset_through_its_control_route(twin: Twin) -> None:
    assert twin.process.poll() is None
    with httpx.Client(base_url=twin.base_url, auth=ADMIN, trust_env=False) as http:
        http.post("/_twin/clock/advance", json={"seconds": 5}).raise_for_status()
        seeded = http.get("/employees/42").json()["data"]["subscription"]
        http.post("/_twin/employees/42/subscription", json={"status": "cancelled"}).raise_for_status()
        assert http.get("/employees/42").json()["data"]["subscription"]["status"] == "cancelled"
        twin.reset()
        assert http.get("/employees/42").json()["data"]["subscription"] == seeded
        assert seeded["status"] != "cancelled"
    with pytest.raises(TypeError, match="separate process"):
        _ = twin.state


def test_a_pool_shares_one_twin_per_options_and_stops_them_all() -> None:
    pool = TwinPool()
    try:
        first = pool.get(TwinOptions(shared=True, rate_limit=0))
        assert pool.get(TwinOptions(shared=True, rate_limit=0)) is first
        other = pool.get(TwinOptions(shared=True, rate_limit=1))
        assert other is not first
        first.state.replace(employees={})
        assert not first.state.data.employees
        first.reset()
        assert first.state.data.employees
    finally:
        pool.close()
    for stopped in (first, other):
        with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
            probe.connect(("127.0.0.1", int(stopped.base_url.rsplit(":", 1)[1])))
