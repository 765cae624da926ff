"""Serve a twin (or any ASGI app) on 127.0.0.1 in a background thread, for tests and tools.

with running_twin(TwinConfig(clock=FakeClock(), rate_limit=5)) as twin:
    httpx.get(f"{twin.base_url}/employees", auth=twin.credentials("admin"))
    twin.clock.advance(300)
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio.from_thread
import httpx
import uvicorn

from jobticket_twin.app import create_app
from jobticket_twin.clock import FakeClock
from jobticket_twin.config import TwinConfig
from jobticket_twin.seed import SEED_KEYS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from starlette.applications import Starlette
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from jobticket_twin.state import TwinState

__all__ = [
    "FakeClock",
    "RunningTwin",
    "TwinProcess",
    "in_process_client",
    "module_process",
    "running_twin",
    "serve_in_thread",
    "twin_process",
]

_START_TIMEOUT = 10.0


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` with uvicorn on ``host`` (a free port unless given) and yield its base URL."""
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and
    # without it every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="twin-server")
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError(f"the server on {host}:{bound_port} did not start")
        time.sleep(0.005)
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=_START_TIMEOUT)
        sock.close()


class _ResponseDropped(Exception):
    """The app started a response and returned without finishing its body (the ``drop`` fault)."""

    def __init__(self, received: int, expected: int | None) -> None:
        self.received = received
        self.expected = expected


def _as_on_a_socket(app: ASGIApp) -> ASGIApp:
    """Wrap ``app`` so an unfinished response raises :class:`_ResponseDropped` instead of httpx's assert."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        length: int | None = None
        received, complete = 0, False

        async def watching(message: Message) -> None:
            nonlocal length, received, complete
            if message["type"] == "http.response.start":
                declared = dict(message.get("headers", [])).get(b"content-length")
                length = int(declared) if declared is not None else None
            elif message["type"] == "http.response.body":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
            await send(message)

        await app(scope, receive, watching)
        if scope["type"] == "http" and not complete:
            raise _ResponseDropped(received, length)

    return wrapped


class _PortalTransport(httpx.BaseTransport):
    """Runs httpx's ASGITransport on one long-lived event loop, so a sync client can call the app.

    Faults look as they do over a socket: a response dropped half-way raises httpx's
    ``RemoteProtocolError`` with h11's words, and an app slower than the request's read timeout raises
    ``ReadTimeout`` (httpx's ASGITransport has no timeouts and would fail an assert instead).
    """

    def __init__(self, app: ASGIApp, portal: anyio.from_thread.BlockingPortal) -> None:
        self._inner = httpx.ASGITransport(app=_as_on_a_socket(app))
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        read_timeout = request.extensions.get("timeout", {}).get("read")

        async def call() -> httpx.Response:
            with anyio.fail_after(read_timeout):
                response = await self._inner.handle_async_request(request)
                body = await response.aread()
            return httpx.Response(
                response.status_code, headers=response.headers, content=body, request=request
            )

        try:
            return self._portal.call(call)
        except TimeoutError:
            raise httpx.ReadTimeout("timed out", request=request) from None
        except _ResponseDropped as dropped:
            expected = "" if dropped.expected is None else f", expected {dropped.expected}"
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body "
                f"(received {dropped.received} bytes{expected})",
                request=request,
            ) from None


@contextlib.contextmanager
def in_process_client(app: Starlette, base_url: str = "http://127.0.0.1:8090") -> Iterator[httpx.Client]:
    """A sync httpx client that calls ``app`` in-process, with its lifespan (webhook loop) running."""
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(app.router.lifespan_context(app)),
        httpx.Client(transport=_PortalTransport(app, portal), base_url=base_url) as client,
    ):
        yield client


@dataclass(frozen=True)
class RunningTwin:
    """A twin serving on loopback: its URL, app, state and clock."""

    base_url: str
    app: Starlette
    config: TwinConfig

    @property
    def state(self) -> TwinState:
        """The twin's state (data, keys, rate limiter, webhooks)."""
        state: TwinState = self.app.state.twin
        return state

    @property
    def clock(self) -> Callable[[], float]:
        """The twin's clock; a FakeClock (with ``advance``) when the config injected one."""
        return self.config.clock

    @property
    def fake_clock(self) -> FakeClock:
        """The injected FakeClock; raises when the twin runs on a real clock."""
        if not isinstance(self.config.clock, FakeClock):
            raise TypeError("this twin runs on a real clock; pass TwinConfig(clock=FakeClock())")
        return self.config.clock

    def wait_for_webhooks(self, timeout: float = 10.0) -> None:
        """Block until no webhook delivery (retries included) is running; raise TimeoutError if it lasts."""
        deadline = time.monotonic() + timeout
        while self.state.webhooks.pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.state.webhooks.pending} webhook deliveries still running")
            time.sleep(0.01)

    def credentials(self, name: str = "admin") -> tuple[str, str]:
        """Basic-auth pair of the seed key ``name`` (see ``jobticket_twin.seed.SEED_KEYS``)."""
        if name == "env" and self.config.extra_credentials is not None:
            return self.config.extra_credentials
        key = SEED_KEYS[name]
        return key.key_id, key.secret


@contextlib.contextmanager
def running_twin(config: TwinConfig | None = None) -> Iterator[RunningTwin]:
    """Serve a fresh twin on 127.0.0.1 and a free port for the duration of the block."""
    config = config or TwinConfig()
    app = create_app(config)
    with serve_in_thread(app) as url:
        yield RunningTwin(url, app, config)


@dataclass(frozen=True)
class TwinProcess:
    """A twin served by ``python -m jobticket_twin`` in a child process (its own interpreter and GIL)."""

    base_url: str
    process: subprocess.Popen[str]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def twin_process(
    *args: str, env: dict[str, str] | None = None, start_timeout: float = _START_TIMEOUT
) -> Iterator[TwinProcess]:
    """Start ``python -m jobticket_twin --port <free> ARGS``, wait until it answers, stop it with SIGINT.

    The child's combined output is left unread until it exits, so callers can read it then. A large
    company (``--employees 200000``) takes seconds to build: give it a longer ``start_timeout``.
    """
    with module_process(
        "jobticket_twin", *args, probe="/_twin/clock", env=env, start_timeout=start_timeout
    ) as child:
        yield child


@contextlib.contextmanager
def module_process(
    module: str,
    *args: str,
    probe: str,
    env: dict[str, str] | None = None,
    start_timeout: float = _START_TIMEOUT,
) -> Iterator[TwinProcess]:
    """Serve ``python -m MODULE --port <free> ARGS`` on loopback until it answers ``probe``; stop it after.

    It runs with this interpreter and this process's import path; SIGINT stops it (a kill after 10 s).
    """
    port = free_port()
    child_env = {
        **os.environ,
        **(env or {}),
        "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", module, "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=child_env,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_listening(process, f"{base_url}{probe}", start_timeout)
        yield TwinProcess(base_url, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=_START_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_listening(process: subprocess.Popen[str], probe: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(probe, timeout=1.0, trust_env=False)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the process did not start serving {probe}") from None
            time.sleep(0.05)
