"""Bad input to the roster command line: one line naming the flag, file or answer, the documented exit code,
no traceback, and nothing changed (no plan written, the twin's employees as they were).

Arguments that are not what they claim (``--period-days inf``, superscript digits), a plan file nested
100,000 deep or larger than any plan, and servers that answer what the API never would: an HTML page
with 200, a body that is not UTF-8, a page repeating the one before, and an unreachable pacer store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.loopback import Connection, LoopbackServer, Received, Reply, answering, forwarding_to
from tests.helpers.twins import Twin

from .helpers import PLAN_ROSTER_CSV, Cli, current_rows, spreadsheet, traceback_free

PLAN = ("roster", "plan", "roster.csv", "--integration", "9")


@pytest.fixture
def offline(tmp_path: Path) -> Cli:
    """A command line with a roster file and a base URL nothing listens on: arguments fail first."""
    (tmp_path / "roster.csv").write_text("hrId,firstName,lastName,email\nH1,A,B,a@example.org\n", "utf-8")
    return Cli("http://127.0.0.1:9", tmp_path)


@pytest.mark.parametrize(
    ("argument", "value", "rule"),
    [
        ("--period-days", "inf", "must be a finite number, got 'inf'"),
        ("--period-days", "nan", "must be a finite number, got 'nan'"),
        ("--period-days", "1e999", "must be a finite number, got '1e999'"),
        ("--period-days", "0", "must be a number of days, more than 0 and at most 366, got '0'"),
        ("--period-days", "400", "must be a number of days, more than 0 and at most 366, got '400'"),
        ("--period-days", "7%", "must be a number of days, more than 0 and at most 366, got '7%'"),
        ("--max-offboard-ratio", "nan", "must be a finite number, got 'nan'"),
        ("--max-offboard-ratio", "150%", "must be a share between 0 and 1 (0 % and 100 %), got '150%'"),
        ("--max-new-billed", "-1", "must be a whole number from 0 to 999999999, got '-1'"),
        ("--max-new-billed", "\u00b2", "must be a whole number from 0 to 999999999, got '\u00b2'"),
        (
            "--integration",
            "\u00b9\u00b2",
            "must be the integration's numeric ID (a positive integer), got '\u00b9\u00b2'",
        ),
        ("--sync-id", "a\nOFFBOARD", "must be printable text of 1 to 200 characters, got 'a\\nOFFBOARD'"),
        ("--encoding", "utf-16", "must be one of utf-8, cp1252, latin-1, got 'utf-16'"),
    ],
)
def test_a_bad_argument_is_one_line_naming_it_with_exit_2(
    offline: Cli, argument: str, value: str, rule: str
) -> None:
    result = offline.run(*PLAN, argument, value)
    assert result.returncode == 2
    assert (
        result.stderr
        == f"jobticket roster plan: argument {argument}: {rule} (see jobticket roster plan --help)\n"
    )
    assert list(offline.workdir.iterdir()) == [offline.workdir / "roster.csv"]


def test_a_plan_file_nested_too_deep_or_too_large_is_one_line_with_exit_2(offline: Cli) -> None:
    (offline.workdir / "deep.plan.json").write_text("[" * 100_000, "utf-8")
    deep = offline.run("roster", "apply", "deep.plan.json")
    assert (deep.returncode, deep.stderr) == (
        2,
        "deep.plan.json: is nested too deeply to be a roster plan\nnothing was sent\n",
    )
    with (offline.workdir / "huge.plan.json").open("wb") as stream:
        stream.truncate((1 << 30) + 1)  # sparse: refused by its size, never read
    huge = offline.run("roster", "apply", "huge.plan.json")
    assert huge.returncode == 2
    assert huge.stderr.startswith("huge.plan.json: is larger than a roster plan can be (1073741824 bytes)\n")
    assert traceback_free(deep, huge)


def test_an_unreachable_pacer_store_is_one_line_with_exit_3(offline: Cli) -> None:
    offline.env["JOBTICKET_PACER_STORE"] = "redis://127.0.0.1:1/0"
    result = offline.run(*PLAN)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        "the pacer store cannot be used: pacer store redis://127.0.0.1:1/0 failed (ConnectionError: Error "
        "111 connecting to 127.0.0.1:1. Connection refused.); not sending, so as not to exceed the "
        "credential's rate limit; nothing was sent"
    ]
    assert not (offline.workdir / "roster.plan.json").exists()


def html(received: Received, connection: Connection) -> None:
    answering(b"<!doctype html><title>Login</title><p>Please sign in", 200, "text/html")(received, connection)


def _page_edit(edit: Callable[[Received, bytes], bytes]) -> Callable[[Received, Reply], Reply]:
    def edited(received: Received, reply: Reply) -> Reply:
        if received.path != "/employees":
            return reply
        return Reply(reply.status, reply.headers, edit(received, reply.body))

    return edited


def not_utf8(received: Received, body: bytes) -> bytes:
    return (
        body.replace(b'"firstName":"', b'"firstName":"\xff\xfe', 1) if received.query("page") == "2" else body
    )


class Repeating:
    """Answers page 2 with page 1 (a server that ignores the page number)."""

    def __init__(self) -> None:
        self.first = b""

    def __call__(self, received: Received, body: bytes) -> bytes:
        page = received.query("page", "1")
        if page == "1":
            self.first = body
        return self.first.replace(b'"page":1', b'"page":2') if page == "2" else body


@pytest.fixture
def liar(twin: Twin, request: pytest.FixtureRequest) -> Iterator[LoopbackServer]:
    if request.param == "html":
        with LoopbackServer(html) as server:
            yield server
        return
    edits: dict[str, Callable[[Received, bytes], bytes]] = {
        "not utf-8": not_utf8,
        "repeating page": Repeating(),
    }
    edit = edits[request.param]
    with LoopbackServer(forwarding_to(twin.base_url, _page_edit(edit))) as server:
        yield server


@pytest.mark.twin(process=True, shared=True, rate_limit=0)
@pytest.mark.parametrize(
    ("liar", "said"),
    [
        (
            "html",
            "the API answered something this client cannot use: cannot read the 200 response of GET "
            "/hr-integrations/9",
        ),
        (
            "not utf-8",
            "the API answered something this client cannot use: cannot read the 200 response of GET "
            "/employees",
        ),
        ("repeating page", "the employee listing is not provably complete: "),
    ],
    indirect=["liar"],
)
def test_a_server_answering_what_the_api_never_would_is_one_line_with_exit_3_and_changes_nothing(
    twin: Twin, liar: LoopbackServer, said: str, tmp_path: Path
) -> None:
    truth = Cli(twin.base_url, tmp_path)
    rows, _ = current_rows(truth)
    (tmp_path / "roster.csv").write_bytes(spreadsheet(rows))
    before = truth.employees()
    result = Cli(liar.base_url, tmp_path).run(*PLAN_ROSTER_CSV)
    assert result.returncode == 3, result.stderr
    progress = ("listing employees: ", "columns not sent (not sync fields): ")
    said_lines = [line for line in result.stderr.splitlines() if not line.startswith(progress)]
    assert len(said_lines) == 1, result.stderr
    [line] = said_lines
    assert line.startswith(said)
    assert line.endswith("; nothing was sent")
    assert result.stdout == ""
    assert not (tmp_path / "roster.plan.json").exists()
    assert truth.employees() == before
    assert [r.method for r in liar.requests if r.method != "GET"] == []
    assert traceback_free(result)
    assert json.loads(json.dumps(before))  # the twin still answers: it was only lied about
