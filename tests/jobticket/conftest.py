"""Fixtures of the client's tests: a real redis-server for the shared pacer store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jobticket_kit.redis_server import redis_server


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The URL of a redis-server started for this test session on a free loopback port."""
    with redis_server() as url:
        yield url
