"""A local, stateful twin of the JobTicket+ B2B staging API, following openapi/ and the facts file.

It implements the working assumptions, not documented behaviour: Basic auth per key and the five
permissions (``auth``), 100 requests per rolling 60 s then a 300 s block (``ratelimit``, O-15),
the nested page envelope and sorting (``listing``, O-11/O-12; strings sort case-insensitively, ties
by id), HAL links from its own base URL (``representation``), the all-or-nothing HR sync of
section 8 (``sync``), signed webhooks with retries (``webhooks``, O-29/O-30) and opt-in faults
(``faults``). Errors follow the precedence 401 → 429 → 403 → 404 → 400 → 422 → 409.

- ``create_app(TwinConfig(...))``: the ASGI app; its state is ``app.state.twin``.
- ``python -m jobticket_twin`` (``scripts/twin``): serve it on loopback (``cli``).
- ``jobticket_twin.testing``: ``running_twin`` (a background thread), ``in_process_client``,
  ``twin_process`` (a child process), ``FakeClock``.
- ``jobticket_twin.kit`` (``in_process_twin``) and ``jobticket_twin.pytest_plugin`` (the ``jobticket_twin``
  fixture of the ``[testing]`` extra): an in-process twin with connected clients on a fake clock.
- ``jobticket_twin.factories``: valid model objects for downstream tests.
- ``jobticket_twin.seed``: the synthetic data and the documented API keys.
- ``jobticket_twin.control``: the ``/_twin/`` control interface outside the API surface.

Importing the package loads no starlette, uvicorn or anyio (``create_app`` imports the app on first
use), so the pytest plugin that the distribution registers costs nothing without the ``[testing]``
extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobticket_twin.clock import FakeClock
from jobticket_twin.config import TwinConfig, WebhookReceiver
from jobticket_twin.faults import FaultSpec, FaultSpecError, parse_fault_spec

if TYPE_CHECKING:
    from jobticket_twin.app import create_app

__all__ = [
    "FakeClock",
    "FaultSpec",
    "FaultSpecError",
    "TwinConfig",
    "WebhookReceiver",
    "create_app",
    "parse_fault_spec",
]


def __getattr__(name: str) -> Any:
    if name == "create_app":  # the Starlette app, only when asked for: it needs the [testing] extra
        from jobticket_twin.app import create_app  # noqa: PLC0415

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
