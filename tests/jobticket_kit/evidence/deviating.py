"""A target that is not our twin's twin: a proxy in front of a twin process that deviates from the spec.

The proxy (``tests.helpers.loopback.forwarding_to``) forwards every request to the twin process and
changes what comes back in four ways the spec does not allow:

- every employee gains ``costCenter``, a string the spec does not declare (made from the employee's
  last name, so that a leak of its value would show in a privacy check);
- the plan of every employee whose id is a multiple of 3 says ``contractSigningStatus: withdrawn``, a
  value the spec's ``x-known-values`` do not list;
- every HR integration's ``name`` is null, where the spec says string;
- Get Employee with an id below 1 (``/employees/0``, ``/employees/-5``) answers 400 with the standard
  error body, a status the spec does not document for it.

Links in the answers name the proxy, as a reverse proxy's would (the twin links to its own address).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.helpers.loopback import LoopbackServer, Received, Reply, forwarding_to

__all__ = ["NEW_PROPERTY", "NEW_VALUE", "deviating", "deviation"]

NEW_PROPERTY = "costCenter"
NEW_VALUE = "withdrawn"
_EMPLOYEE = re.compile(r"^/employees/(-?\d+)$")
_INTEGRATIONS = re.compile(r"^/hr-integrations(/\d+)?$")
_ERROR = json.dumps({"message": "The id must be a positive integer."}).encode()


def deviate(path: str, document: Any) -> Any:
    """The deviating version of a 200 JSON body of ``path``."""
    data = document.get("data") if isinstance(document, dict) else None
    items: list[Any] = (
        data["data"] if isinstance(data, dict) and isinstance(data.get("data"), list) else [data]
    )
    if path == "/employees" or _EMPLOYEE.match(path):
        for employee in items:
            if isinstance(employee, dict) and "lastName" in employee:
                employee[NEW_PROPERTY] = f"CC-{employee['lastName']}"
                if employee["id"] % 3 == 0:
                    employee["plan"]["contractSigningStatus"] = NEW_VALUE
    elif _INTEGRATIONS.match(path):
        for integration in items:
            if isinstance(integration, dict) and "name" in integration:
                integration["name"] = None
    return document


def deviation(upstream: str) -> Any:
    """The ``edit`` of :func:`forwarding_to`: the twin's answer as the deviating vendor would give it."""

    def edit(request: Received, reply: Reply) -> Reply:
        match = _EMPLOYEE.match(request.path)
        if request.method == "GET" and match and int(match.group(1)) < 1:
            return Reply(400, (("Content-Type", "application/json"),), _ERROR)
        if reply.status != 200 or "json" not in (reply.header("Content-Type") or ""):
            return reply
        here = f"http://{request.headers.get('host', '')}"
        body = json.dumps(deviate(request.path, json.loads(reply.body))).replace(upstream, here)
        return Reply(reply.status, reply.headers, body.encode())

    return edit


@contextmanager
def deviating(upstream: str) -> Iterator[str]:
    """Serve the deviating proxy in front of the twin at ``upstream``; yield the proxy's base URL."""
    with LoopbackServer(forwarding_to(upstream, deviation(upstream))) as server:
        yield server.base_url
