"""A throw-away ``redis-server`` on a free loopback port, for the pacer store's tests and benchmark.

It is the real server (Debian's ``redis-server`` package; ``.ci/run`` installs it), with its files in a
temporary directory and persistence off, started for the block and stopped after it.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from typing import TYPE_CHECKING

import redis

from jobticket_twin.testing import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["redis_server"]

_START_TIMEOUT = 15.0


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """Start ``redis-server`` on 127.0.0.1 and a free port; yield its ``redis://`` URL; stop it."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (Debian: apt-get install -y redis-server)")
    with tempfile.TemporaryDirectory(prefix="jobticket-redis-") as directory:
        port = free_port()
        url = f"redis://127.0.0.1:{port}/0"
        with subprocess.Popen(  # noqa: S603 - the system's redis-server, fixed arguments
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", directory, "--save", "",
             "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ) as process:  # fmt: skip
            try:
                _wait_until_ready(process, url)
                yield url
            finally:
                process.terminate()  # persistence is off: it exits at once; leaving the block waits for it


def _wait_until_ready(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
    try:
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on {url}") from None
                time.sleep(0.05)
    finally:
        client.close()
