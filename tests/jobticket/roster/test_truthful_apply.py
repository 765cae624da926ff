"""Apply sends exactly what was approved, and says truthfully whether it sent it.

Every part of a saved plan is covered by its fingerprint; rows changed in memory, a plan already sent
and a plan for another API are refused before any request. Right after the API accepted the sync, the
history records it, so a failure afterwards (the output, the record itself) is reported as "sent" with
its own exit code; an answer the sync never got, or a server error as its answer, is "unknown".
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobticket import JobTicket, Pacer
from jobticket.roster import (
    OffboardingHistory,
    PlanAlreadyAppliedError,
    PlanFileError,
    RosterPlan,
    _cli,
    apply_plan,
    plan_roster,
)
from jobticket.roster._history import HISTORY_FILE_NAME
from jobticket.variables import BASE_URL, PASSWORD, USERNAME
from tests.helpers.loopback import Connection, LoopbackServer, Received, Reply, forwarding_to
from tests.helpers.twins import Twin
from tests.jobticket.test_against_twin import current_roster

from .test_workflow import Counter

INTEGRATION = 7

pytestmark = pytest.mark.twin(shared=True, rate_limit=0)


def client(twin: Twin, base_url: str | None = None, counter: Counter | None = None) -> JobTicket:
    username, password = twin.credentials("admin")
    return JobTicket(
        base_url or twin.base_url,
        username=username,
        password=password,
        transport=counter,
        pacer=Pacer(1_000_000, 60.0, clock=twin.fake_clock),
    )


def a_plan(twin: Twin, base_url: str | None = None, leave_out: int = 1) -> RosterPlan:
    with client(twin, base_url) as jobticket:
        roster = current_roster(jobticket.list_employees().to_list())
        new = {"firstName": "Jana", "lastName": "Neu", "email": "jana.neu@example.org", "hrId": "NEW-1"}
        return plan_roster(
            jobticket, INTEGRATION, [*roster[leave_out:], new], lines=range(2, len(roster) + 2)
        )


def _changed(value: Any) -> Any:
    """The same document with one leaf changed, whatever its type."""
    if isinstance(value, dict):
        key = next(iter(value), None)
        return {**value, "extra": 1} if key is None else {**value, key: _changed(value[key])}
    if isinstance(value, list):
        return [*value, None] if not value else [_changed(value[0]), *value[1:]]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return "changed" if value is None else f"{value}x"


def test_every_part_of_a_saved_plan_is_covered_by_its_fingerprint(twin: Twin, tmp_path: Path) -> None:
    plan = a_plan(twin)
    path = tmp_path / "plan.json"
    plan.save(path)
    saved = json.loads(path.read_text("utf-8"))
    assert RosterPlan.load(path).to_json() == saved
    parts = [key for key in saved if key not in ("format", "version", "fingerprint")]
    assert {"source", "rows", "matches", "changes", "state", "plan", "guards", "integration"} <= set(parts)
    for key in parts:
        edited = {**saved, key: _changed(saved[key])}
        path.write_text(json.dumps(edited), "utf-8")
        with pytest.raises(PlanFileError, match="was changed after planning"):
            RosterPlan.load(path)
    lines = {**saved, "source": {**saved["source"], "lines": [[2, 1000]]}}  # the edited lines
    with pytest.raises(PlanFileError, match="was changed after planning"):
        RosterPlan.from_json(lines)


def test_refusals_before_any_request_rows_changed_in_memory_and_a_plan_already_sent(
    twin: Twin, tmp_path: Path
) -> None:
    plan = a_plan(twin)
    counter = Counter()
    history = OffboardingHistory(tmp_path / "history.json")
    with client(twin, counter=counter) as jobticket:
        plan.rows[0]["lastName"] += "-Edited"
        with pytest.raises(PlanFileError, match="rows were changed after the plan was made"):
            apply_plan(jobticket, plan, history=history)
        plan.rows[0]["lastName"] = plan.rows[0]["lastName"].removesuffix("-Edited")
        assert counter.seen == []
        sent = apply_plan(jobticket, plan, history=history)
        assert (sent.sent, sent.recorded, sent.overrides) == (True, True, ())
        counter.seen.clear()
        with pytest.raises(PlanAlreadyAppliedError, match=r"^already applied: this plan") as again:
            apply_plan(jobticket, plan, history=history)
        assert counter.seen == []
    [record] = next(iter(json.loads((tmp_path / "history.json").read_text("utf-8"))["integrations"].values()))
    assert record["plan"] == plan.fingerprint
    assert again.value.sent_at.isoformat() == record["at"]


# -- the command line, in this process, against a twin or a loopback server in front of it -------------


class Unwritable(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def run(twin: Twin, base_url: str, *argv: str, out: io.StringIO | None = None) -> tuple[int, str]:
    username, password = twin.credentials("admin")
    env = {BASE_URL: base_url, USERNAME: username, PASSWORD: password, "JOBTICKET_PACER_STORE": "memory"}
    err = io.StringIO()
    args = _cli.build_parser().parse_args(["roster", *argv])
    code = _cli._run(args, env, out or io.StringIO(), err)
    said = [line for line in err.getvalue().splitlines() if not line.startswith("listing employees: ")]
    return code, "\n".join(said)


def saved(twin: Twin, folder: Path, base_url: str | None = None) -> Path:
    path = folder / "roster.plan.json"
    a_plan(twin, base_url).save(path)
    return path


def test_sent_is_said_and_recorded_before_the_output_fails(twin: Twin, tmp_path: Path) -> None:
    path = saved(twin, tmp_path)
    code, err = run(twin, twin.base_url, "apply", str(path), out=Unwritable())
    assert code == _cli.SENT_BUT == 4
    lines = err.splitlines()
    assert lines[0].startswith("sent: syncId ")
    assert lines[-1] == "sent, but the plan could not be printed: [Errno 32] Broken pipe"
    assert "nothing was sent" not in err
    history = json.loads((tmp_path / HISTORY_FILE_NAME).read_text("utf-8"))
    [record] = next(iter(history["integrations"].values()))
    assert record["plan"] == RosterPlan.load(path).fingerprint


def test_a_history_that_cannot_be_written_after_the_sync_says_sent_but_not_recorded(
    twin: Twin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved(twin, tmp_path)

    def full_disk(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("jobticket.roster._history.write_private", full_disk)
    code, err = run(twin, twin.base_url, "apply", str(path))
    assert code == 4
    assert err.splitlines()[0].startswith("sent: syncId ")
    assert f"sent, but not recorded in {tmp_path / HISTORY_FILE_NAME}: " in err
    assert "cannot be written: No space left on device" in err


@pytest.fixture
def proxy(twin: Twin, request: pytest.FixtureRequest) -> Iterator[LoopbackServer]:
    """A loopback proxy in front of the twin; its parameter says what a POST gets."""
    forward = forwarding_to(twin.base_url)
    mode = str(request.param)

    class Discarded:
        def reply(self, reply: Reply) -> None:
            del reply

    def answer(received: Received, connection: Connection) -> None:
        if received.method != "POST":
            forward(received, connection)
        elif mode == "one row less":  # the sync arrives without its first row: the twin offboards that one
            body = json.loads(received.body)
            body["employees"] = body["employees"][1:]
            forward(dataclasses.replace(received, body=json.dumps(body).encode()), connection)
        elif mode == "dropped":  # the twin applies it, the answer never arrives
            forward(received, Discarded())  # type: ignore[arg-type]
            connection.close()
        else:
            connection.json({"message": "upstream failed"}, status=int(mode))

    with LoopbackServer(answer) as server:
        yield server


@pytest.mark.parametrize("proxy", ["dropped"], indirect=True)
def test_no_answer_to_the_sync_is_an_unknown_outcome(
    twin: Twin, proxy: LoopbackServer, tmp_path: Path
) -> None:
    path = saved(twin, tmp_path, proxy.base_url)
    code, err = run(twin, proxy.base_url, "apply", str(path))
    assert code == _cli.UNKNOWN == 5
    assert err.splitlines()[-1].startswith(
        f"the sync {RosterPlan.load(path).sync_id} was sent to integration 7"
    )
    assert "no answer came (APIConnectionError): whether it was applied is unknown" in err
    assert "nothing was sent" not in err
    assert [r.method for r in proxy.requests].count("POST") == 1  # never resent
    assert any(e.email == "jana.neu@example.org" for e in twin.state.data.employees.values())  # it was


@pytest.mark.parametrize("proxy", ["502"], indirect=True)
def test_a_server_error_as_the_syncs_answer_is_an_unknown_outcome(
    twin: Twin, proxy: LoopbackServer, tmp_path: Path
) -> None:
    code, err = run(twin, proxy.base_url, "apply", str(saved(twin, tmp_path, proxy.base_url)))
    assert code == 5
    assert "but the API answered 502: whether it was applied is unknown" in err


@pytest.mark.parametrize("proxy", ["422"], indirect=True)
def test_a_refused_sync_changed_nothing(twin: Twin, proxy: LoopbackServer, tmp_path: Path) -> None:
    before = dict(twin.state.data.employees)
    code, err = run(twin, proxy.base_url, "apply", str(saved(twin, tmp_path, proxy.base_url)))
    assert code == 3
    assert err.splitlines()[-1].startswith("the API refused the sync: ")
    assert err.splitlines()[-1].endswith(
        "nothing was applied (a refused sync changes nothing, working assumption O-21)"
    )
    assert twin.state.data.employees == before
    assert not (tmp_path / HISTORY_FILE_NAME).exists()


@pytest.mark.parametrize("proxy", ["one row less"], indirect=True)
def test_a_sync_applied_otherwise_than_planned_is_an_incident_with_its_own_exit_code(
    twin: Twin, proxy: LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jobticket._hr_sync_flow.READ_BACK_WAITS", ())  # no waiting for a late application
    path = saved(twin, tmp_path, proxy.base_url)
    first_row = RosterPlan.load(path).rows[0]
    victim = next(e for e in twin.state.data.employees.values() if e.email == first_row["email"])
    code, err = run(twin, proxy.base_url, "apply", str(path))
    assert code == _cli.INCIDENT == 6
    assert f"offboarded without a plan (employee {victim.id})" in err
    assert "was sent and accepted" in err
    assert "nothing was sent" not in err
    for value in (first_row["email"], first_row["firstName"], first_row["lastName"], first_row["hrId"]):
        assert value not in err
    history = json.loads((tmp_path / HISTORY_FILE_NAME).read_text("utf-8"))
    [record] = next(iter(history["integrations"].values()))
    assert record["plan"] == RosterPlan.load(path).fingerprint  # recorded as sent before the read-back
