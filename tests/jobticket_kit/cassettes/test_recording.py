"""Recording: deterministic from the twin, complete, refused where the contract suite refuses, binary-safe.

These tests record from twins on loopback (the only network they use); the offline tests are elsewhere.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
import vcr  # type: ignore[import-untyped]
import yaml

from jobticket_kit.cassettes.layout import INDEX_NAME, Cassette, default_cassette_dir
from jobticket_kit.cassettes.record import record_all, recording_vcr
from jobticket_kit.cassettes.recording_context import (
    DISABLED,
    NO_VIEW_EMPLOYEES,
    NO_VIEW_INTEGRATIONS,
    PROBE,
    IncompleteTarget,
)
from jobticket_kit.cassettes.scan import scan_directory
from jobticket_kit.cassettes.scenarios import SCENARIOS
from jobticket_kit.cassettes.scrub import Scrubber
from jobticket_kit.cli import main as kit
from jobticket_kit.settings import KitSettings
from jobticket_kit.target import BASE_URL_VAR, PASSWORD_VAR, USERNAME_VAR
from jobticket_kit.variables import LIMITED_KEYS as KEYS_VAR
from jobticket_twin import FakeClock, TwinConfig
from jobticket_twin.seed import PENDING_INTEGRATION_ID
from jobticket_twin.testing import RunningTwin, running_twin
from tests.helpers.loopback import LoopbackServer, answering

REQUIRED_STATUSES = {200, 204, 400, 401, 403, 404, 409, 422, 429}
KEY_ROLES = (DISABLED, NO_VIEW_EMPLOYEES, NO_VIEW_INTEGRATIONS, PROBE)


def files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def twin_recording(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The set as the twin records it now, after checking that a second recording is byte-identical."""
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    record_all(KitSettings(), first)
    record_all(KitSettings(), second)
    differing = [name for name, data in files(first).items() if files(second).get(name) != data]
    assert set(files(first)) == set(files(second))
    assert differing == [], f"recording the twin twice gave different bytes in {differing}"
    return files(first)


@pytest.mark.slow
def test_recording_the_twin_twice_gives_the_same_bytes(twin_recording: dict[str, bytes]) -> None:
    assert set(twin_recording) == {f"{scenario.name}.yaml" for scenario in SCENARIOS} | {INDEX_NAME}


_SPEC_STAMP = re.compile(rb"^\s*spec_(version|sha256): .*$", re.MULTILINE)


def without_spec_stamp(data: bytes | None) -> bytes | None:
    """A cassette minus the spec it was recorded under, which rightly lags a newly pinned spec."""
    return None if data is None else _SPEC_STAMP.sub(b"", data)


def test_without_spec_stamp_keeps_everything_else() -> None:
    cassette = b"metadata:\n  spec_sha256: abc\n  spec_version: 1.0.0\n  status: 200\n"
    assert without_spec_stamp(cassette) == b"metadata:\n\n\n  status: 200\n"


@pytest.mark.slow  # records the whole set twice (the module's fixture): about 2 s
def test_the_committed_set_is_what_the_twin_records_today(twin_recording: dict[str, bytes]) -> None:
    committed = files(default_cassette_dir())
    stale = sorted(
        name
        for name in twin_recording.keys() | committed.keys()
        if without_spec_stamp(twin_recording.get(name)) != without_spec_stamp(committed.get(name))
    )
    assert stale == [], (
        f"the committed cassettes differ from a fresh twin recording: run scripts/record-cassettes ({stale})"
    )


def test_the_set_covers_every_operation_and_status(
    committed: dict[str, Cassette], spec_operations: dict[str, set[int]]
) -> None:
    assert {cassette.metadata["operation"] for cassette in committed.values()} == set(spec_operations)
    assert {cassette.metadata["status"] for cassette in committed.values()} >= REQUIRED_STATUSES
    for cassette in committed.values():
        assert cassette.metadata["status"] in spec_operations[cassette.metadata["operation"]], cassette.name
        assert cassette.interactions[-1].status == cassette.metadata["status"], cassette.name


def test_the_committed_set_says_it_was_recorded_from_the_twin(committed: dict[str, Cassette]) -> None:
    index = yaml.safe_load((default_cassette_dir() / INDEX_NAME).read_text(encoding="utf-8"))
    assert index["recorded_from"].startswith("twin ")
    assert set(index["cassettes"]) == set(committed)
    assert {cassette.metadata["recorded_from"] for cassette in committed.values()} == {index["recorded_from"]}
    assert all(cassette.metadata["scenario"] == name for name, cassette in committed.items())


@pytest.mark.block_network
def test_production_is_refused_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(BASE_URL_VAR, "https://v1-api.ticket-plus.app")
    monkeypatch.setenv(USERNAME_VAR, "someone")
    monkeypatch.setenv(PASSWORD_VAR, "something")
    assert kit(["record-cassettes", "--output-dir", str(tmp_path / "out")]) == 2
    assert "production" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_remote_target_records_the_whole_set_or_nothing(tmp_path: Path) -> None:
    output = tmp_path / "cassettes"
    output.mkdir()
    (output / "old-scenario.yaml").write_text("interactions: []\n", encoding="utf-8")
    with running_twin(TwinConfig(rate_limit=0, clock=FakeClock())) as twin:
        username, password = twin.credentials("admin")
        env = {BASE_URL_VAR: twin.base_url, USERNAME_VAR: username, PASSWORD_VAR: password}
        settings = KitSettings.from_env(env)
        with pytest.raises(IncompleteTarget, match="cannot record the whole set") as refused:
            record_all(settings, output)
        assert (output / "old-scenario.yaml").exists()  # a refused run changes nothing
        recorded = record_all(settings, output, skip_unavailable=True)
    assert "trigger-hr-sync-204 is destructive" in str(refused.value)
    assert "rate-limit-429 needs the key(s) rate-limit-probe" in str(refused.value)
    assert "get-employee-200" in recorded
    assert not {"trigger-hr-sync-204", "rate-limit-429", "permission-403-view-employees"} & set(recorded)
    assert sorted(path.stem for path in output.glob("*.yaml")) == sorted([*recorded, "index"])
    index = yaml.safe_load((output / INDEX_NAME).read_text(encoding="utf-8"))
    assert index["recorded_from"] == f"remote ({twin.base_url})"
    assert scan_directory(output) == []


def test_binary_bodies_survive_recording_and_replay(tmp_path: Path) -> None:
    payload = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4
    cassette = tmp_path / "binary.yaml"
    with (
        LoopbackServer(answering(payload, content_type="application/pdf")) as server,
        recording_vcr(Scrubber()).use_cassette(str(cassette)),
    ):
        assert httpx.get(server.url("/file")).content == payload
    assert "!!binary" in cassette.read_text(encoding="utf-8")
    # The server is gone: only the cassette can answer now.
    with vcr.VCR(record_mode="none").use_cassette(str(cassette)):
        assert httpx.get(server.url("/file")).content == payload


def subscriptions(twin: RunningTwin) -> dict[int, object]:
    return {employee.id: employee.subscription for employee in twin.state.data.employees.values()}


@pytest.mark.slow
def test_a_remote_recording_with_the_opt_in_is_complete_and_offboards_nobody(tmp_path: Path) -> None:
    with running_twin(TwinConfig(clock=FakeClock())) as twin:  # the documented limit: 100 per minute
        username, password = twin.credentials("admin")
        limited = {name: list(twin.credentials(name)) for name in KEY_ROLES}
        env = {
            BASE_URL_VAR: twin.base_url,
            USERNAME_VAR: username,
            PASSWORD_VAR: password,
            KEYS_VAR: json.dumps(limited),
            "JOBTICKET_ALLOW_DESTRUCTIVE": "1",
            # The pending integration: nobody linked yet, so the sandbox guard lets the recording sync it.
            "JOBTICKET_SANDBOX_INTEGRATION_ID": str(PENDING_INTEGRATION_ID),
        }
        before = {
            employee.id: employee.subscription.status for employee in twin.state.data.employees.values()
        }
        recorded = record_all(KitSettings.from_env(env), tmp_path)
        after = {employee.id: employee.subscription.status for employee in twin.state.data.employees.values()}
    assert recorded == [scenario.name for scenario in SCENARIOS]
    assert {
        ident: status for ident, status in after.items() if ident in before
    } == before  # nobody offboarded
    assert len(after) == len(before) + 1  # the one synthetic employee
    assert scan_directory(tmp_path) == []


def test_an_unexpected_status_fails_the_recording_and_keeps_the_old_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "cassettes"
    output.mkdir()
    (output / "old-scenario.yaml").write_text("interactions: []\n", encoding="utf-8")
    with running_twin(TwinConfig(rate_limit=0, clock=FakeClock())) as twin:
        username, password = twin.credentials("admin")
        monkeypatch.setenv(BASE_URL_VAR, twin.base_url)
        monkeypatch.setenv(USERNAME_VAR, username)
        monkeypatch.setenv(PASSWORD_VAR, password)
        monkeypatch.setenv(KEYS_VAR, json.dumps({DISABLED: [username, password]}))  # not disabled at all
        assert kit(["record-cassettes", "--output-dir", str(output), "--skip-unavailable"]) == 1
    assert "auth-401-disabled-key: expected 401, the target answered 200" in capsys.readouterr().err
    assert [path.name for path in output.iterdir()] == ["old-scenario.yaml"]
