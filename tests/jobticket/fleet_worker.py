"""One process of a fleet: a short job that calls the API with the credential of its environment.

Run as ``python fleet_worker.py --calls N --window S [--rate-limit L] [--start-at T]``, with
``JOBTICKET_BASE_URL``, ``_USERNAME`` and ``_PASSWORD`` (and optionally ``JOBTICKET_PACER_STORE``) set, like
a cron job. It stops at the first ``RateLimitError`` and prints one JSON line: calls that succeeded, whether
it was rate limited, and what it actually sent and received.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from jobticket import JobTicket, RateLimitError


@dataclass
class Counting(httpx.BaseTransport):
    """The real transport, counting the statuses of the responses that came back."""

    inner: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    statuses: Counter[int] = field(default_factory=Counter)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.statuses[response.status_code] += 1
        return response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--window", type=float, required=True, help="the twin's (scaled) window")
    parser.add_argument("--rate-limit", type=int, default=90)
    parser.add_argument("--start-at", type=float, default=0.0, help="Unix time to start at, for overlap")
    args = parser.parse_args()
    transport = Counting()
    ok = 0
    retry_after: float | None = None
    with JobTicket(
        rate_limit=args.rate_limit, rate_window_seconds=args.window, transport=transport
    ) as client:
        time.sleep(max(0.0, args.start_at - time.time()))
        try:
            for _ in range(args.calls):
                client.get_employee(42)
                ok += 1
        except RateLimitError as limited:
            retry_after = limited.retry_after
        store = type(client.pacer.store).__name__
    result = {
        "ok": ok,
        "rate_limited": retry_after is not None,
        "retry_after": retry_after,
        "sent": sum(transport.statuses.values()),
        "statuses": {str(status): count for status, count in transport.statuses.items()},
        "store": store,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
