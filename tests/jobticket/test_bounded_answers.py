"""Every answer is bounded: decoded size of JSON, error and file bodies, and JSON nesting.

Small hostile servers on real loopback sockets send gzip bombs, endless chunked bodies, bodies that
announce more than the cap, encodings nobody asked for and JSON nested 100,000 deep; the client raises
a typed error after reading at most the cap, and a refused download leaves no file. The end-to-end
tests put the same bodies behind a lying proxy in front of a twin process and measure, in a separate
process, that the client and ``roster plan`` end within the deadline with under 100 MB of memory growth.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from jobticket import (
    AsyncJobTicket,
    ConfigurationError,
    InternalServerError,
    JobTicket,
    Pacer,
    ResponseTooDeepError,
    ResponseTooLargeError,
    RetryPolicy,
    UnexpectedResponseError,
)
from jobticket._bounds import CHUNK, DEFAULT_MAX_BODY_BYTES, MAX_JSON_DEPTH, json_depth
from jobticket.variables import BASE_URL, PASSWORD, USERNAME
from jobticket_api.models import EmployeeDocument
from jobticket_twin.seed import EXAMPLE_INTEGRATION_ID, SEED_KEYS
from tests.helpers.lies import LyingProxy, gzip_bomb, hostile_body
from tests.helpers.loopback import Connection, LoopbackServer, Received, chunked, head
from tests.helpers.peak_memory import growth_mib
from tests.helpers.twins import Twin

from .fakes import PASSWORD as FAKE_PASSWORD
from .fakes import USERNAME as FAKE_USERNAME
from .fakes import document_json, employee_json, page_json

DOCUMENT = EmployeeDocument.from_dict(document_json(101))
PDF = b"%PDF-1.4\n" + b"y" * 200_000 + b"\n%%EOF\n"


def client_for(server: LoopbackServer, **options: Any) -> JobTicket:
    options.setdefault("retry_policy", RetryPolicy(jitter=lambda: 0.0))
    return JobTicket(
        server.base_url, username=FAKE_USERNAME, password=FAKE_PASSWORD, pacer=Pacer(1000, 60.0), **options
    )


def answering(raw: bytes) -> Any:
    """A handler writing ``raw`` (a head and a body, lying or not) as the answer to every request."""

    def answer(request: Received, connection: Connection) -> None:
        connection.send(raw)

    return answer


def bomb_answer(content_type: str = "application/json", status: int = 200) -> bytes:
    bomb = gzip_bomb()
    fields = {"Content-Type": content_type, "Content-Encoding": "gzip", "Content-Length": str(len(bomb))}
    return head(status, fields) + bomb


def endless(request: Received, connection: Connection) -> None:
    connection.send_head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    frame = chunked(b"0," * 32_000)
    while not connection.stopping:
        connection.send(frame)


DEEP = b"[" * 100_000 + b"]" * 100_000


# -- JSON and error bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 503])
def test_a_gzip_bomb_stops_at_the_cap(status: int) -> None:
    with LoopbackServer(answering(bomb_answer(status=status))) as server, client_for(server) as client:
        with pytest.raises(ResponseTooLargeError) as raised:
            client.get_employee(42)
        assert len(server.requests) == 1  # never retried: the answer is not to be trusted
    assert raised.value.limit == DEFAULT_MAX_BODY_BYTES
    assert str(raised.value) == (
        f"GET /employees/42 -> {status}: the body is larger than the client's limit of "
        f"{DEFAULT_MAX_BODY_BYTES} bytes (decoded); reading stopped there"
    )


def test_an_endless_chunked_body_stops_at_the_cap() -> None:
    started = time.monotonic()
    with (
        LoopbackServer(endless) as server,
        client_for(server) as client,
        pytest.raises(ResponseTooLargeError),
    ):
        client.list_employees().to_list()
    assert time.monotonic() - started < 10


def test_a_body_announcing_more_than_the_cap_is_not_read() -> None:
    answer = head(200, {"Content-Type": "application/json", "Content-Length": str(10**12)})
    with (
        LoopbackServer(answering(answer)) as server,
        client_for(server, max_body_bytes=1000) as client,
        pytest.raises(ResponseTooLargeError) as raised,
    ):
        client.get_employee(42)
    assert raised.value.limit == 1000


def test_the_cap_is_configurable_and_a_whole_page_fits_the_default() -> None:
    page = page_json([employee_json(i) for i in range(1, 101)], 1, 100, 100)

    def answer(request: Received, connection: Connection) -> None:
        connection.json(page)

    with LoopbackServer(answer) as server:
        with client_for(server) as client:
            assert len(client.list_employees().to_list()) == 100
        with (
            client_for(server, max_body_bytes=len(json.dumps(page)) - 1) as client,
            pytest.raises(ResponseTooLargeError),
        ):
            client.list_employees().to_list()


@pytest.mark.parametrize("option", ["max_body_bytes", "max_download_bytes"])
@pytest.mark.parametrize("value", [0, -1, 1.5, True])
def test_a_cap_must_be_a_positive_number_of_bytes(option: str, value: Any) -> None:
    with pytest.raises(ConfigurationError, match=option):
        JobTicket("http://127.0.0.1:9", username="u", password="p", **{option: value})


def test_an_encoding_nobody_asked_for_is_refused_unread() -> None:
    answer = head(200, {"Content-Type": "application/json", "Content-Encoding": "br", "Content-Length": "4"})
    with LoopbackServer(answering(answer + b"\x0b\x01\x80\x03")) as server, client_for(server) as client:
        with pytest.raises(UnexpectedResponseError, match="content encoding the client did not ask for"):
            client.get_employee(42)
        assert server.requests[0].headers["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw deflate"])
def test_compressed_answers_within_the_cap_are_read(coding: str) -> None:
    body = json.dumps({"data": employee_json(42)}).encode()
    wbits = {"gzip": 31, "deflate": 15, "raw deflate": -15}[coding]
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    wire = compressor.compress(body) + compressor.flush()
    fields = {"Content-Type": "application/json", "Content-Encoding": coding.rsplit(maxsplit=1)[-1]}
    answer = head(200, {**fields, "Content-Length": str(len(wire))}) + wire
    with LoopbackServer(answering(answer)) as server, client_for(server) as client:
        assert client.get_employee(42).id == 42


def test_json_nested_100000_deep_is_refused_before_parsing() -> None:
    answer = head(200, {"Content-Type": "application/json", "Content-Length": str(len(DEEP))}) + DEEP
    with (
        LoopbackServer(answering(answer)) as server,
        client_for(server) as client,
        pytest.raises(ResponseTooDeepError) as raised,
    ):
        client.get_employee(42)
    assert (
        str(raised.value)
        == f"GET /employees/42 -> 200: the JSON body nests deeper than {MAX_JSON_DEPTH} levels; not parsed"
    )


def test_an_error_body_nested_too_deep_leaves_the_status_error_without_a_body() -> None:
    answer = head(500, {"Content-Type": "application/json", "Content-Length": str(len(DEEP))}) + DEEP
    with (
        LoopbackServer(answering(answer)) as server,
        client_for(server) as client,
        pytest.raises(InternalServerError) as raised,
    ):
        client.get_employee(42)
    assert raised.value.body is None


def test_the_async_client_has_the_same_caps() -> None:
    async def main(url: str) -> None:
        async with AsyncJobTicket(url, username="u", password="p", pacer=Pacer(1000, 60.0)) as client:
            with pytest.raises(ResponseTooLargeError):
                await client.get_employee(42)

    with LoopbackServer(answering(bomb_answer())) as server:
        asyncio.run(main(server.base_url))


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("{}", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('{"a": "[[[[[[", "b": "\\"[[["}', 1),  # brackets inside strings do not count
        ('"unterminated [[[[', 0),
        ("[" * 10 + "]" * 10, 10),
        ("", 0),
    ],
)
def test_the_depth_of_json_text(text: str, depth: int) -> None:
    assert json_depth(text) == depth


def test_measuring_depth_is_linear_even_for_pathological_strings() -> None:
    started = time.perf_counter()
    json_depth('"' + '\\"' * 2_000_000)  # one unterminated string of escaped quotes
    json_depth('"a",' * 1_000_000)
    assert time.perf_counter() - started < 5


# -- downloads -----------------------------------------------------------------------------------------


def test_a_gzip_encoded_pdf_that_inflates_without_end_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "invoice.pdf"
    target.write_bytes(b"previous version")
    with (
        LoopbackServer(answering(bomb_answer("application/pdf"))) as server,
        client_for(server) as client,
        pytest.raises(ResponseTooLargeError, match="the download is larger than"),
    ):
        client.download_document(DOCUMENT, target)
    assert target.read_bytes() == b"previous version"
    assert [path.name for path in tmp_path.iterdir()] == ["invoice.pdf"]


@pytest.mark.parametrize("announced", [True, False])
def test_the_download_cap_is_configurable(tmp_path: Path, announced: bool) -> None:
    fields = {"Content-Type": "application/pdf"}
    wire = (
        head(200, {**fields, "Content-Length": str(len(PDF))}) + PDF
        if announced
        else head(200, {**fields, "Transfer-Encoding": "chunked"}) + chunked(PDF) + b"0\r\n\r\n"
    )
    with LoopbackServer(answering(wire)) as server:
        with (
            client_for(server, max_download_bytes=len(PDF) - 1) as client,
            pytest.raises(ResponseTooLargeError),
        ):
            client.download_document(DOCUMENT, tmp_path / "too-large.pdf")
        with client_for(server, max_download_bytes=len(PDF)) as client:
            assert client.download_document(DOCUMENT, tmp_path / "fits.pdf").bytes_written == len(PDF)
    assert [path.name for path in tmp_path.iterdir()] == ["fits.pdf"]
    assert len(PDF) > CHUNK  # the body arrived in several chunks


# -- end to end: a twin process behind a lying proxy, the client and `roster plan` in their own processes


PRELOAD = "jobticket,jobticket.roster,jobticket_api.models"


def run_measured(
    *target: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[int, str, str, float, float]:
    """Run ``python -m TARGET`` under tests.helpers.peak_memory: code, stdout, stderr, MiB, seconds."""
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "tests.helpers.peak_memory", "--preload", PRELOAD, "--", *target],
        capture_output=True, text=True, timeout=120, check=False, cwd=cwd,
        env={**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)},
    )  # fmt: skip
    elapsed = time.monotonic() - started
    return completed.returncode, completed.stdout, completed.stderr, growth_mib(completed.stderr), elapsed


ADMIN = SEED_KEYS["admin"]


@pytest.mark.slow
@pytest.mark.twin(process=True, rate_limit=0, shared=True)
@pytest.mark.parametrize("kind", ["gzip bomb", "endless chunked body", "deep JSON"])
def test_hostile_bodies_cost_the_client_and_roster_plan_little_time_and_memory(
    twin: Twin, kind: str, tmp_path: Path
) -> None:
    expected = ResponseTooDeepError if kind == "deep JSON" else ResponseTooLargeError

    def lie(request: Received, upstream: Any) -> Any:
        if request.path.endswith("/download"):
            return hostile_body(kind, content_type="application/pdf")
        if request.path.startswith("/employees"):
            return hostile_body(kind)
        return None

    (tmp_path / "roster.csv").write_text("hrId,firstName,lastName,email\nx-1,Ann,Lee,ann.lee@example.org\n")
    env = {BASE_URL: "", USERNAME: ADMIN.key_id, PASSWORD: ADMIN.secret}
    with LyingProxy(twin.base_url, lie) as proxy:
        env[BASE_URL] = proxy.base_url
        calls = ("employee", "download") if kind != "deep JSON" else ("employee",)
        for call in calls:
            code, out, err, grown, seconds = run_measured(
                "tests.jobticket.fetch_worker", proxy.base_url, call, str(tmp_path)
            )
            download_error = ResponseTooLargeError if kind != "deep JSON" else expected
            assert (code, out.strip()) == (
                0,
                (expected if call == "employee" else download_error).__name__,
            ), err
            print(f"client {call}, {kind}: {out.strip()} in {seconds:.1f} s, peak memory +{grown:.1f} MiB")
            assert grown < 100, f"{call}: {grown} MiB"
            assert seconds < 30
        code, out, err, grown, seconds = run_measured(
            "jobticket",
            "roster",
            "plan",
            "roster.csv",
            "--integration",
            str(EXAMPLE_INTEGRATION_ID),
            env=env,
            cwd=tmp_path,
        )
    print(f"roster plan, {kind}: exit {code} in {seconds:.1f} s, peak memory +{grown:.1f} MiB")
    assert code == 3, err
    assert "Traceback" not in err
    assert expected.__name__ not in err  # one line naming the bound, not the class
    bound = "nests deeper than 64 levels" if kind == "deep JSON" else "larger than the client's limit"
    assert bound in err
    assert "nothing was sent" in err
    assert grown < 100, f"roster plan: {grown} MiB"
    assert seconds < 30
    assert not (tmp_path / "document.pdf").exists()
