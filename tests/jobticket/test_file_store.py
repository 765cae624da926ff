"""The shared pacer folder trusts none of its files: links are not followed, content is bounded.

Each test plants what another local user, a stale tool or an attacker could leave in the folder, and
shows that the store neither writes through it nor blocks for ever, and says so once.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import jobticket._pacer_store as stores
from jobticket import FakeClock, Pacer, PacerStoreError
from jobticket._file_store import MAX_FILE_BYTES, FileStore
from jobticket._pacer_store import open_store, process_memory_store
from jobticket._redis_store import RedisStore
from jobticket._window import MAX_BLOCK_SECONDS

NOW = 1_000_000.0


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "pacer"


@pytest.fixture
def warnings_of(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.WARNING, logger="jobticket"):
        yield caplog


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_files_are_0600_in_a_0700_folder_even_when_they_were_looser(folder: Path) -> None:
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    (folder / "k.json").write_text(json.dumps({"sent": [], "blockedUntil": 0.0}))
    os.chmod(folder / "k.json", 0o644)
    store = FileStore(folder)
    assert store.acquire("k", 5, 60.0, now=NOW) == 0.0
    assert store.acquire("new", 5, 60.0, now=NOW) == 0.0
    assert _mode(folder) == 0o700
    assert {path.name: _mode(path) for path in folder.iterdir()} == {
        ".probe.json": 0o600,
        "k.json": 0o600,
        "new.json": 0o600,
    }


def test_a_planted_symlink_is_not_followed_and_its_target_is_untouched(
    folder: Path, tmp_path: Path, warnings_of: pytest.LogCaptureFixture
) -> None:
    store = FileStore(folder)
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file\n")
    os.chmod(victim, 0o644)
    (folder / "k.json").symlink_to(victim)
    store.block("k", 30.0, now=NOW)
    assert store.blocked_for("k", now=NOW) == pytest.approx(30.0)
    assert victim.read_text() == "someone else's file\n"
    assert _mode(victim) == 0o644
    planted = folder / "k.json"
    assert not planted.is_symlink()
    assert stat.S_ISREG(planted.lstat().st_mode)
    assert len(_warnings(warnings_of)) == 1
    assert "is not a regular file of this user; removing it and starting afresh" in _warnings(warnings_of)[0]


def test_a_dangling_symlink_creates_nothing_where_it_points(folder: Path, tmp_path: Path) -> None:
    store = FileStore(folder)
    target = tmp_path / "elsewhere" / "created-by-the-store.json"
    target.parent.mkdir()
    (folder / "k.json").symlink_to(target)
    assert store.acquire("k", 1, 60.0, now=NOW) == 0.0
    assert not target.exists()


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_fifo_or_a_folder_at_a_keys_name_is_replaced_without_hanging(
    kind: str, folder: Path, warnings_of: pytest.LogCaptureFixture
) -> None:
    store = FileStore(folder)
    planted = folder / "k.json"
    if kind == "fifo":
        os.mkfifo(planted, 0o600)
    else:
        planted.mkdir()
    assert store.acquire("k", 1, 60.0, now=NOW) == 0.0
    assert store.acquire("k", 1, 60.0, now=NOW + 1) == pytest.approx(59.0)
    assert stat.S_ISREG(planted.lstat().st_mode)
    assert len(_warnings(warnings_of)) == 1


def test_a_symlinked_folder_is_not_used(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "pacer"
    link.symlink_to(real, target_is_directory=True)
    with pytest.raises(NotADirectoryError, match="not a folder of its own"):
        FileStore(link)
    assert list(real.iterdir()) == []


def test_a_folder_of_another_user_is_not_used_and_pacing_stays_in_memory(
    folder: Path, monkeypatch: pytest.MonkeyPatch, warnings_of: pytest.LogCaptureFixture
) -> None:
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(os, "geteuid", lambda: folder.stat().st_uid + 1)
    with pytest.raises(PermissionError, match="owned by user id"):
        FileStore(folder)
    monkeypatch.setattr(stores, "_warned_fallback", False)
    assert open_store(f"file:{folder}", {}) is process_memory_store()
    assert any("pacing is per process" in message for message in _warnings(warnings_of))
    assert list(folder.iterdir()) == []


def test_another_users_file_in_the_folder_is_replaced(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileStore(folder)
    (folder / "k.json").write_text(json.dumps({"sent": [], "blockedUntil": NOW + 200}))
    me = os.geteuid()
    real_fstat = os.fstat

    def fstat(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        if info.st_ino == (folder / "k.json").stat().st_ino and not hasattr(fstat, "seen"):
            fstat.seen = True  # type: ignore[attr-defined]
            values = list(info)
            values[stat.ST_UID] = me + 1
            return os.stat_result(values)
        return info

    monkeypatch.setattr(os, "fstat", fstat)
    assert store.blocked_for("k", now=NOW) == 0.0  # the foreign block was not believed


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"sent": [], "blockedUntil": 1e308}),
        '{"sent": [], "blockedUntil": Infinity}',
        '{"sent": [], "blockedUntil": NaN}',
        json.dumps({"sent": [NOW + 10**12] * 3, "blockedUntil": NOW + 10**9}),
    ],
    ids=["1e308", "Infinity", "NaN", "far future"],
)
def test_no_value_in_a_file_blocks_longer_than_the_documented_block(folder: Path, content: str) -> None:
    store = FileStore(folder)
    (folder / "k.json").write_text(content)
    assert 0.0 <= store.blocked_for("k", now=NOW) <= MAX_BLOCK_SECONDS
    assert 0.0 <= store.acquire("k", 3, 60.0, now=NOW) <= MAX_BLOCK_SECONDS
    clock = FakeClock(start=NOW)
    pacer = Pacer(3, 60.0, clock=clock, store=store, key="k")
    pacer.acquire()
    assert sum(clock.sleeps) <= MAX_BLOCK_SECONDS


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 200_000,
        b'{"sent": ' + b"[" * 5_000 + b"]" * 5_000 + b', "blockedUntil": 0}',
        b"\xff\xfe garbage \x00",
        b"{not json",
        b'{"sent": "12", "blockedUntil": 0}',
        b'{"sent": [true], "blockedUntil": 0}',
        b'{"sent": [], "blockedUntil": "later"}',
        b'{"sent": [1, 2], "blockedUntil": 0, ' + b'"pad": "' + b"x" * MAX_FILE_BYTES + b'"}',
    ],
    ids=["deep", "deep list", "binary", "garbage", "string", "bool", "text", "huge"],
)
def test_hostile_content_means_starting_afresh_with_one_warning(
    folder: Path, content: bytes, warnings_of: pytest.LogCaptureFixture
) -> None:
    store = FileStore(folder)
    (folder / "k.json").write_bytes(content)
    assert store.acquire("k", 1, 60.0, now=NOW) == 0.0
    assert store.acquire("k", 1, 60.0, now=NOW + 1) == pytest.approx(59.0)  # afresh, then kept
    assert [message for message in _warnings(warnings_of) if "unreadable" in message] == [
        f"pacer store {folder / 'k.json'} is unreadable; starting it afresh"
    ]
    assert (folder / "k.json").stat().st_size < 200


class HostileStore:
    """A pluggable store answering what a broken or hostile shared store could."""

    def __init__(self, answer: float) -> None:
        self.answer = answer

    def acquire(self, key: str, limit: int, window: float, now: float | None = None) -> float:
        return self.answer

    def block(self, key: str, seconds: float, now: float | None = None) -> None:
        """Ignored."""

    def blocked_for(self, key: str, now: float | None = None) -> float:
        return self.answer


@pytest.mark.parametrize(
    ("answer", "bounded"), [(1e308, 300.0), (float("inf"), 300.0), (float("nan"), 300.0)]
)
def test_a_pacer_bounds_what_any_store_answers(answer: float, bounded: float) -> None:
    pacer = Pacer(3, 60.0, clock=FakeClock(), store=HostileStore(answer))
    assert pacer.try_acquire() == bounded  # NaN would otherwise mean "send now"
    assert pacer.blocked_for() == bounded


def test_a_hostile_block_in_redis_is_bounded_too(redis_url: str) -> None:
    import redis  # noqa: PLC0415 - the test's own client, beside the store's

    store = RedisStore.from_url(redis_url, "test: ")
    key = uuid.uuid4().hex
    redis.Redis.from_url(redis_url).set(f"jobticket:pacer:{{{key}}}:block", "1e308")
    pacer = Pacer(3, 60.0, clock=FakeClock(start=NOW), store=store, key=key)
    assert pacer.blocked_for() == MAX_BLOCK_SECONDS
    assert pacer.try_acquire() == MAX_BLOCK_SECONDS


def test_an_unrepairable_file_refuses_to_send(folder: Path) -> None:
    store = FileStore(folder)
    (folder / "k.json").mkdir()
    (folder / "k.json" / "keep").write_text("a folder that cannot simply be removed")
    with pytest.raises(PacerStoreError, match=r"not usable.*not sending"):
        store.acquire("k", 1, 60.0, now=NOW)
