"""The loopback server the hostile tests stand on: it records, answers both ways, and always stops."""

from __future__ import annotations

import gzip
import socket
import threading

import httpx
import pytest

from tests.helpers.loopback import (
    Connection,
    HandlerError,
    LoopbackServer,
    Received,
    Reply,
    chunked,
    forwarding_to,
    redirecting,
)


def echo(request: Received, connection: Connection) -> None:
    connection.json({"method": request.method, "body": request.body.decode()})


def test_it_records_every_request_with_its_body_on_one_kept_alive_connection() -> None:
    with LoopbackServer(echo) as server, httpx.Client(base_url=server.base_url, trust_env=False) as client:
        assert client.post("/sync?dry=1", json={"a": 1}).json() == {"method": "POST", "body": '{"a":1}'}
        assert client.get("/employees").json() == {"method": "GET", "body": ""}
        assert client.post("/chunks", content=iter([b"ab", b"cd"])).json()["body"] == "abcd"
    assert server.request_lines == ["POST /sync?dry=1", "GET /employees", "POST /chunks"]
    assert server.requests[0].query("dry") == "1"
    assert server.requests[0].json() == {"a": 1}
    assert server.requests[2].headers["transfer-encoding"] == "chunked"
    assert server.connections == 1
    assert server.bytes_sent > 0


def test_the_default_answer_is_an_empty_json_object_and_head_gets_no_body() -> None:
    with LoopbackServer() as server:
        got = httpx.get(server.url("/health"), trust_env=False)
        head = httpx.head(server.url("/health"), trust_env=False)
    assert (got.status_code, got.json()) == (200, {})
    assert (head.status_code, head.content, head.headers["content-length"]) == (200, b"", "2")


def test_raw_bytes_can_lie_about_their_length() -> None:
    def lying(request: Received, connection: Connection) -> None:
        connection.send_head(200, [("Content-Length", "100"), ("X-Twice", "1"), ("X-Twice", "2")])
        connection.send(b"only this")
        connection.close()

    with LoopbackServer(lying) as server, pytest.raises(httpx.RemoteProtocolError):
        httpx.get(server.base_url, trust_env=False)
    assert server.bytes_sent == len(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nX-Twice: 1\r\nX-Twice: 2\r\n\r\nonly this"
    )


def test_a_chunked_body_without_its_terminator_is_cut_short() -> None:
    def cut(request: Received, connection: Connection) -> None:
        connection.send_head(200, {"Transfer-Encoding": "chunked"}, reason="Sure")
        connection.send(chunked(b"x" * 10_000, size=4096))
        connection.close()

    with LoopbackServer(cut) as server, pytest.raises(httpx.RemoteProtocolError):
        httpx.get(server.base_url, trust_env=False)


def test_redirects_append_the_target_or_ask_a_function() -> None:
    with (
        LoopbackServer(redirecting("https://elsewhere.test.invalid/")) as everything,
        LoopbackServer(redirecting(lambda r: "/health" if r.path == "/old" else None, status=307)) as some,
    ):
        moved = httpx.get(everything.url("/employees?page=2"), trust_env=False)
        kept = httpx.get(some.url("/health"), trust_env=False)
        temporary = httpx.get(some.url("/old"), trust_env=False)
    assert (moved.status_code, moved.headers["location"]) == (
        302,
        "https://elsewhere.test.invalid/employees?page=2",
    )
    assert kept.status_code == 200
    assert (temporary.status_code, temporary.headers["location"]) == (307, "/health")


def test_a_proxy_passes_compressed_bodies_on_and_lets_the_test_edit_answers() -> None:
    packed = gzip.compress(b'{"data": "as sent"}')

    def upstream_answer(request: Received, connection: Connection) -> None:
        connection.respond(200, packed, {"Content-Encoding": "gzip", "X-Upstream": request.path})

    def lie(request: Received, reply: Reply) -> Reply:
        if request.path == "/lie":
            return Reply(503, (("X-Upstream", reply.header("x-upstream") or ""),), b"{}")
        return reply

    with (
        LoopbackServer(upstream_answer) as upstream,
        LoopbackServer(forwarding_to(upstream.base_url, edit=lie)) as proxy,
        httpx.Client(base_url=proxy.base_url, trust_env=False) as client,
    ):
        passed = client.post("/employees?page=1", json={"x": 1})
        edited = client.get("/lie")
    assert passed.json() == {"data": "as sent"}  # decoded by the client: the proxy sent gzip on
    assert passed.headers["x-upstream"] == "/employees"
    assert (edited.status_code, edited.headers["x-upstream"]) == (503, "/lie")
    assert upstream.request_lines == ["POST /employees?page=1", "GET /lie"]
    assert upstream.requests[0].body == b'{"x":1}'


def broken(request: Received, connection: Connection) -> None:
    raise KeyError("a bug in the hostile server")


def ask_unanswered(server: LoopbackServer, then_fail: bool = False) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(server.base_url, trust_env=False)
    if then_fail:
        raise ZeroDivisionError("the test's own failure")


def test_a_failing_handler_fails_the_block_but_never_hides_the_tests_own_failure() -> None:
    with pytest.raises(HandlerError, match="a bug in the hostile server"), LoopbackServer(broken) as server:
        ask_unanswered(server)
    with pytest.raises(ZeroDivisionError, match="own failure"), LoopbackServer(broken) as server:
        ask_unanswered(server, then_fail=True)


def test_it_stops_an_endless_answer_and_its_port_even_when_the_test_fails() -> None:
    ended = threading.Event()

    def endless(request: Received, connection: Connection) -> None:
        connection.send_head(200, {"Transfer-Encoding": "chunked"})
        try:
            while not connection.wait(0.01):
                connection.send(chunked(b"more"))
        finally:
            ended.set()

    def fail_while_reading(server: LoopbackServer) -> None:
        with httpx.stream("GET", server.base_url, trust_env=False) as response:
            assert next(response.iter_bytes()).startswith(b"more")
            raise AssertionError("the test failed while the body was still coming")

    with pytest.raises(AssertionError, match="the test failed"), LoopbackServer(endless) as server:
        fail_while_reading(server)
    assert ended.is_set()  # stop() shut the connection down and joined the handler's thread
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", int(server.base_url.rsplit(":", 1)[1])))


def test_its_url_is_known_only_once_it_listens() -> None:
    with pytest.raises(RuntimeError, match="use it in a with block"):
        _ = LoopbackServer().base_url
