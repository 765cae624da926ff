"""A guard that refuses every non-loopback name lookup and connection, and records each attempt.

Installed in-process by the ``network_guard`` fixture, or in a child process by running this file:
``python tests/network_guard.py LOG -m MODULE ARGS...`` (or ``-c CODE``) installs the guard (attempts are
appended to ``LOG`` as JSON lines), then runs ``python -m MODULE ARGS...`` as the command line would. Loopback
(``localhost``, 127.0.0.0/8, ``::1``) still works, so a twin on loopback can serve the tool under test.
Every HTTP library of ours (httpx and httpcore, requests and urllib3, redis-py, asyncio) resolves names
with ``socket.getaddrinfo`` and connects with ``socket.socket.connect``, which are the ones patched.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import runpy
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

__all__ = ["PRODUCTION_HOST", "Attempt", "guarded", "network_guard", "read_attempts"]

PRODUCTION_HOST = "v1-api.ticket-plus.app"


@dataclass(frozen=True)
class Attempt:
    """One refused lookup or connection: the call and the host it named (lowercase, no trailing dot)."""

    call: str
    host: str

    @property
    def is_production(self) -> bool:
        """Whether the attempt named the production host."""
        return self.host == PRODUCTION_HOST


def _host_text(host: Any) -> str:
    text = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
    return text.strip("[]").lower().removesuffix(".")


def _is_loopback(host: Any) -> bool:
    if host is None:
        return True
    text = _host_text(host)
    if text in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@contextmanager
def guarded(record: Callable[[Attempt], None]) -> Iterator[None]:
    """Refuse and record every non-loopback lookup and connection while the block runs."""
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyname = socket.gethostbyname
    real_gethostbyname_ex = socket.gethostbyname_ex
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host):
            record(Attempt("getaddrinfo", _host_text(host)))
            raise socket.gaierror(socket.EAI_NONAME, "refused by the test's network guard")
        return real_getaddrinfo(host, *args, **kwargs)

    def by_name(real: Callable[..., Any], call: str) -> Callable[..., Any]:
        def lookup(host: Any) -> Any:
            if not _is_loopback(host):
                record(Attempt(call, _host_text(host)))
                raise socket.gaierror(socket.EAI_NONAME, "refused by the test's network guard")
            return real(host)

        return lookup

    def connecting(real: Callable[..., Any], call: str) -> Callable[..., Any]:
        def connect(sock: socket.socket, address: Any) -> Any:
            host = address[0] if isinstance(address, tuple) else None  # a path: a Unix socket
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(host):
                record(Attempt(call, _host_text(host)))
                raise OSError(errno.ECONNREFUSED, "refused by the test's network guard")
            return real(sock, address)

        return connect

    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = by_name(real_gethostbyname, "gethostbyname")
    socket.gethostbyname_ex = by_name(real_gethostbyname_ex, "gethostbyname_ex")
    socket.socket.connect = connecting(real_connect, "connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = connecting(real_connect_ex, "connect_ex")  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.getaddrinfo = real_getaddrinfo
        socket.gethostbyname = real_gethostbyname
        socket.gethostbyname_ex = real_gethostbyname_ex
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]


@pytest.fixture
def network_guard() -> Iterator[list[Attempt]]:
    """Refuse every non-loopback lookup and connection during the test; yield the attempts, in order."""
    attempts: list[Attempt] = []
    with guarded(attempts.append):
        yield attempts


def read_attempts(log: str) -> list[Attempt]:
    """The attempts a guarded child process appended to ``log``."""
    try:
        with open(log, encoding="utf-8") as handle:
            return [Attempt(**json.loads(line)) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def _main(argv: list[str]) -> None:
    log, flag, target, *args = argv
    if flag not in ("-m", "-c"):
        raise SystemExit("usage: network_guard.py LOG (-m MODULE | -c CODE) [ARGS]...")

    def append(attempt: Attempt) -> None:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"call": attempt.call, "host": attempt.host}) + "\n")

    sys.path[0] = os.getcwd()  # as ``python -m`` and ``-c`` have it, not this file's folder (tests/)
    with guarded(append):
        if flag == "-c":
            sys.argv = ["-c", *args]
            exec(compile(target, "<guarded>", "exec"), {"__name__": "__main__"})
        else:
            sys.argv = [target, *args]
            runpy.run_module(target, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    _main(sys.argv[1:])
