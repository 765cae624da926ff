"""The pacer stores: one sliding window per credential, shared by every pacer of the store, block included."""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from pathlib import Path

import pytest

from jobticket import ConfigurationError, FakeClock, JobTicket, Pacer, PacerStoreError, SystemClock
from jobticket._pacer_store import FileStore, MemoryStore, PacerStore, open_store, process_memory_store
from jobticket._redis_store import RedisStore
from jobticket.variables import PACER_STORE


@pytest.fixture(params=["memory", "file", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> PacerStore:
    if request.param == "memory":
        return MemoryStore()
    if request.param == "file":
        return FileStore(tmp_path / "pacer")
    return RedisStore.from_url(request.getfixturevalue("redis_url"), "test: ")


def test_a_window_admits_the_limit_then_says_how_long_to_wait(store: PacerStore) -> None:
    key = uuid.uuid4().hex
    assert [store.acquire(key, 3, 10.0, now=100.0 + i) for i in range(3)] == [0.0, 0.0, 0.0]
    assert store.acquire(key, 3, 10.0, now=105.0) == pytest.approx(5.0)  # the first leaves at 110
    assert store.acquire(key, 3, 10.0, now=110.0) == 0.0
    # A smaller limit of another process: wait until enough have left for it.
    assert store.acquire(key, 2, 10.0, now=110.5) == pytest.approx(1.5)


def test_a_block_is_shared_and_only_ever_extended(store: PacerStore) -> None:
    key = uuid.uuid4().hex
    store.block(key, 300.0, now=1000.0)
    store.block(key, 10.0, now=1001.0)  # a shorter block does not shorten the longer one
    assert store.blocked_for(key, now=1100.0) == pytest.approx(200.0)
    assert store.acquire(key, 90, 60.0, now=1100.0) == pytest.approx(200.0)
    assert store.acquire(key, 90, 60.0, now=1300.0) == 0.0
    assert store.blocked_for(key, now=1300.0) == 0.0
    assert store.blocked_for(uuid.uuid4().hex, now=1300.0) == 0.0


def test_two_pacers_on_one_shared_store_share_the_limit(store: PacerStore) -> None:
    clock = FakeClock()
    key = uuid.uuid4().hex
    first, second = (Pacer(5, 60.0, clock=clock, store=store, key=key) for _ in range(2))
    for _ in range(3):
        first.acquire()
        second.acquire()
    assert clock.sleeps == [60.0]  # the sixth waited for the first minute's slots, whoever took them
    first.block(30)
    assert second.blocked_for() == 30


def test_file_stores_of_one_directory_share_slots_as_processes_would(tmp_path: Path) -> None:
    one, two = FileStore(tmp_path), FileStore(tmp_path)
    assert one.acquire("k", 1, 60.0, now=10.0) == 0.0
    assert two.acquire("k", 1, 60.0, now=20.0) == pytest.approx(50.0)
    assert sorted(path.name for path in tmp_path.iterdir()) == [".probe.json", "k.json"]
    assert (tmp_path / "k.json").stat().st_mode & 0o777 == 0o600


def test_an_unreadable_file_starts_afresh_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FileStore(tmp_path)
    (tmp_path / "k.json").write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="jobticket"):
        assert store.acquire("k", 1, 60.0, now=10.0) == 0.0
    assert "unreadable" in caplog.text
    assert store.acquire("k", 1, 60.0, now=11.0) == pytest.approx(59.0)


def test_the_variable_chooses_the_store_and_file_is_the_default(tmp_path: Path) -> None:
    assert open_store(None, {PACER_STORE: "memory"}) is process_memory_store()
    default = open_store(None, {})
    assert isinstance(default, FileStore)
    assert default.directory.parts[-2:] == ("jobticket", "pacer")
    chosen = open_store(None, {PACER_STORE: f"file:{tmp_path}"})
    assert isinstance(chosen, FileStore)
    assert chosen.directory == tmp_path
    assert (
        open_store(f"file:{tmp_path}", {PACER_STORE: "memory"}) is chosen
    )  # the argument wins, one per place


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("memcached://x", r"JOBTICKET_PACER_STORE='memcached://x': expected 'memory', 'file'"),
        (
            "file:relative/dir",
            r"JOBTICKET_PACER_STORE='file:relative/dir': the directory .* must be absolute",
        ),
        ("redis://127.0.0.1:notaport/0", r"JOBTICKET_PACER_STORE=redis://127.0.0.1:\?/0: not a usable Redis"),
    ],
)
def test_a_bad_store_name_is_one_clear_error(value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        JobTicket("https://api.test.invalid", username="u", password="p", env={PACER_STORE: value})


def test_no_writable_place_falls_back_to_memory_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import jobticket._pacer_store as stores  # noqa: PLC0415 - reset its once-per-process warning

    monkeypatch.setattr(stores, "_warned_fallback", False)
    not_a_dir = tmp_path / "a-file"
    not_a_dir.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_dir))
    with caplog.at_level(logging.WARNING, logger="jobticket"):
        first = open_store(None, {})
        second = open_store(f"file:{not_a_dir}/elsewhere", {})
    assert first is second is process_memory_store()
    warnings = [r for r in caplog.records if "pacing is per process" in r.getMessage()]
    assert len(warnings) == 1
    assert "NotADirectoryError" in warnings[0].getMessage()


def test_without_a_home_the_store_is_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME", raising=False)
    assert open_store(None, {}) is process_memory_store()


def test_clients_on_a_test_clock_stay_in_memory_and_real_ones_share_the_file() -> None:
    fake = JobTicket("https://api.test.invalid", username="store-1", password="p", clock=FakeClock())
    real = JobTicket("https://api.test.invalid", username="store-1", password="p")
    assert fake.pacer.store is process_memory_store()
    assert isinstance(real.pacer.store, FileStore)
    assert real.pacer.clock == SystemClock()
    assert "store-1" not in real.pacer.key  # a digest names the credential in shared places
    fake.close()
    real.close()


def test_an_unreachable_redis_refuses_to_send() -> None:
    from jobticket_twin.testing import free_port  # noqa: PLC0415

    store = RedisStore.from_url(f"redis://:hunter2@127.0.0.1:{free_port()}/0", "test: ")
    with pytest.raises(PacerStoreError, match=r"pacer store redis://127\.0\.0\.1:\d+/0 failed") as raised:
        store.acquire("k", 90, 60.0)
    assert "hunter2" not in str(raised.value)


def test_redis_without_the_extra_is_a_clear_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # as if the [redis] extra were not installed
    with pytest.raises(ConfigurationError, match=r"needs the redis extra \(pip install"):
        RedisStore.from_url("redis://127.0.0.1:1/0", "JOBTICKET_PACER_STORE=")


def test_redis_uses_its_own_clock_on_the_system_clock(redis_url: str) -> None:
    store = RedisStore.from_url(redis_url, "test: ")
    key = uuid.uuid4().hex
    assert store.acquire(key, 1, 30.0) == 0.0
    assert 29.0 < store.acquire(key, 1, 30.0) <= 30.0
    store.block(key, 5.0)
    assert 4.0 < store.blocked_for(key) <= 5.0


def test_a_store_beside_an_explicit_pacer_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"pacer= and pacer_store= both given: .*Pacer\(store="):
        JobTicket("https://api.test.invalid", username="u", password="p", pacer=Pacer(), pacer_store="memory")


def test_async_and_sync_pacers_share_a_file_store(tmp_path: Path) -> None:
    clock = FakeClock()
    sync_pacer, async_pacer = (
        Pacer(2, 60.0, clock=clock, store=f"file:{tmp_path}", key="k") for _ in range(2)
    )
    sync_pacer.acquire()

    async def twice() -> None:
        await async_pacer.acquire_async()
        await async_pacer.acquire_async()  # the third send of the window: waits for the first to leave

    asyncio.run(twice())
    assert clock.sleeps == [60.0]
