"""One ``jobticket roster`` step for the benchmark, in its own interpreter (see :mod:`.roster`).

``python -m jobticket_kit.bench._roster_worker plan|apply ARGS...`` runs the real command line with
the credentials of the environment, a transport that counts requests and the client's pacer on a fake
clock; the plan's text goes nowhere, and the last stdout line is JSON: exit code, requests by method and
paced seconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from jobticket import FakeClock, JobTicket, Pacer
from jobticket.roster import _cli


@dataclass
class CountingTransport(httpx.BaseTransport):
    """The real transport, counting requests by method."""

    inner: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    counts: Counter[str] = field(default_factory=Counter)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.counts[request.method] += 1
        return self.inner.handle_request(request)


def main(argv: list[str]) -> int:
    """Run ``jobticket roster ARGV`` (``baseline``: load everything, run nothing) and print the JSON line."""
    if argv == ["baseline"]:
        import jobticket_api.models  # noqa: F401, PLC0415 - what a real run loads

        print(json.dumps({"code": 0, "requests": {}, "paced": 0.0}))
        return 0
    clock = FakeClock(0.0)
    transport = CountingTransport()

    def client(env: Mapping[str, str]) -> JobTicket:
        return JobTicket(env=env, transport=transport, pacer=Pacer(90, 60.0, clock=clock), timeout=600)

    _cli._client = client  # the one seam: the command line's own client, counted and paced on a fake clock
    real_stdout = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    with open(os.devnull, "w") as nowhere, contextlib.redirect_stdout(nowhere):
        code = _cli.main(["roster", *argv])
    real_stdout.write(json.dumps({"code": code, "requests": dict(transport.counts), "paced": clock()}) + "\n")
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
