"""Replay a committed cassette through the generated client or the client layer, never touching a network.

``record_mode="none"``: a request the cassette does not hold raises instead of going out, so a replay
that passes proves the code under test made exactly the recorded requests. Downstream teams use the
same helpers::

    with replaying("get-employee-200") as (cassette, recorded):
        employee = layer_client(recorded).get_employee(42)
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import vcr  # type: ignore[import-untyped]

from jobticket import JobTicket, Pacer, SystemClock
from jobticket_api import Client
from jobticket_kit.cassettes.layout import Cassette, default_cassette_dir, load_cassette

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["REPLAY_CREDENTIALS", "generated_client", "layer_client", "origin_of", "replaying"]

# Cassettes hold no credentials, and replay matches on method and URL only: any pair will do.
REPLAY_CREDENTIALS = ("replay-key-id", "replay-key-secret")
_REPLAY_LIMIT = 1_000_000  # replay is not rate limited; the pacer must never make a test wait


def origin_of(cassette: Cassette) -> str:
    """The scheme and host the cassette was recorded (or rewritten) under: the base URL to replay with."""
    parts = urlsplit(cassette.interactions[0].uri)
    return f"{parts.scheme}://{parts.netloc}"


@contextmanager
def replaying(name: str, directory: Path | None = None) -> Iterator[tuple[Any, Cassette]]:
    """Replay cassette ``name``; yields vcrpy's live cassette (``all_played``...) and the loaded one."""
    path = (directory or default_cassette_dir()) / f"{name}.yaml"
    recorded = load_cassette(path)
    with vcr.VCR(record_mode="none", serializer="yaml").use_cassette(str(path)) as cassette:
        yield cassette, recorded


def generated_client(recorded: Cassette, *, authenticated: bool = True) -> Client:
    """A generated-client ``Client`` aimed at the cassette's origin."""
    httpx_args: dict[str, Any] = {"auth": httpx.BasicAuth(*REPLAY_CREDENTIALS)} if authenticated else {}
    return Client(base_url=origin_of(recorded), httpx_args=httpx_args, raise_on_unexpected_status=True)


class _NeverSleeps(SystemClock):
    """The real time, but any wait fails: replay must never wait."""

    def sleep(self, seconds: float) -> None:
        raise AssertionError(f"a replayed client tried to sleep {seconds} s: replay must never wait")

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def layer_client(recorded: Cassette) -> JobTicket:
    """A client-layer ``JobTicket`` aimed at the cassette's origin that never retries or waits."""
    return JobTicket(
        origin_of(recorded),
        username=REPLAY_CREDENTIALS[0],
        password=REPLAY_CREDENTIALS[1],
        max_retries=0,
        pacer=Pacer(_REPLAY_LIMIT, clock=_NeverSleeps()),
    )
