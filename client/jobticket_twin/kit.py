"""The testing kit behind the ``jobticket_twin`` pytest fixture: an in-process twin with connected clients.

``in_process_twin()`` starts a twin with its seed data inside the test process (no socket, no port) and
yields a :class:`TwinKit`. Its ``.client()`` and ``.async_client()`` are real ``JobTicket`` and
``AsyncJobTicket`` clients, with their pacing, retries and typed errors, on one ``FakeClock`` shared
with the twin: a pacing wait or a 5-minute block moves the fake clock at once instead of waiting, and
the twin's rate limit counts on the same clock, so both are still modelled.

The twin's app runs on one event loop in a background thread (an anyio blocking portal, which is also
how starlette's ``TestClient`` reaches an ASGI app from sync code): the sync client calls it through the
portal, the async client hands each request to the portal from a worker thread, so webhook deliveries
and the twin's state live on one loop whatever the test's own loop is.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING, Any

import anyio.from_thread
import anyio.to_thread
import httpx

from jobticket import AsyncJobTicket, ConfigurationError, FakeClock, JobTicket
from jobticket._pacer_store import MemoryStore
from jobticket_twin.app import create_app
from jobticket_twin.config import TwinConfig, WebhookReceiver
from jobticket_twin.faults import parse_fault_spec
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import _PortalTransport
from jobticket_twin.webhooks import SIGNATURE_HEADER, sign

if TYPE_CHECKING:
    from collections.abc import Iterator

    from starlette.applications import Starlette

    from jobticket_twin.state import TwinState
    from jobticket_twin.webhooks import Delivery, WebhookEvent

__all__ = ["BASE_URL", "TwinKit", "in_process_twin"]

# Loopback, so the client accepts plain http; nothing listens there: requests never leave the process.
BASE_URL = "http://127.0.0.1:8090"


class _AsyncPortalTransport(httpx.AsyncBaseTransport):
    """Async side of the bridge: each request goes to the portal's loop from a worker thread."""

    def __init__(self, sync: _PortalTransport) -> None:
        self._sync = sync

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await anyio.to_thread.run_sync(self._sync.handle_request, request)


# What the kit sets on its clients itself, and from what: giving it again would fight the kit.
_SET_BY_THE_KIT = {
    "base_url": "the kit's twin",
    "username": "key=",
    "password": "key=",
    "clock": "the kit's clock (one FakeClock for the twin and its clients)",
    "transport": "the kit's in-process transport",
}


class TwinKit:
    """An in-process twin: connected clients, its fake clock, its controls and the events it published."""

    def __init__(self, app: Starlette, config: TwinConfig, portal: anyio.from_thread.BlockingPortal) -> None:
        self.app = app
        self.config = config
        self.base_url = BASE_URL
        self._transport = _PortalTransport(app, portal)
        self._pacer_store = MemoryStore()
        self._clients: list[JobTicket] = []
        self.events: list[WebhookEvent] = []
        """Every webhook event the twin published, in order (whether or not a receiver is registered)."""
        self.control = httpx.Client(transport=self._transport, base_url=f"{BASE_URL}/_twin")
        """A raw httpx client on the twin's ``/_twin/`` control interface (see ``jobticket_twin.control``)."""
        dispatcher = self.state.webhooks
        publish = dispatcher.publish

        def recording_publish(events: Any) -> None:
            events = list(events)
            self.events.extend(events)
            publish(events)

        dispatcher.publish = recording_publish  # type: ignore[method-assign]

    @property
    def clock(self) -> FakeClock:
        """The fake clock of the twin and of every client of this kit; ``advance`` it to move time."""
        assert isinstance(self.config.clock, FakeClock)
        return self.config.clock

    @property
    def state(self) -> TwinState:
        """The twin's state: its data (``state.data.employees``...), keys, rate limiter and webhooks."""
        state: TwinState = self.app.state.twin
        return state

    def credentials(self, key: str = "admin") -> tuple[str, str]:
        """Username and password of a seeded key (``admin``, ``reader``, ... see the README's table)."""
        seeded = SEED_KEYS[key]
        return seeded.key_id, seeded.secret

    def _client_options(self, key: str, options: dict[str, Any]) -> dict[str, Any]:
        for name, owner in _SET_BY_THE_KIT.items():
            if name in options:
                raise ConfigurationError(f"{name}= and {owner} both given: the kit sets {name}; pass one")
        username, password = self.credentials(key)
        if "pacer" not in options:
            # This kit's own store: its clients of one key share one pacer, as in one process, and a
            # client asking for another rate_limit= raises as it would there; no other kit shares it.
            options.setdefault("pacer_store", self._pacer_store)
        return {"username": username, "password": password, "clock": self.clock, **options}

    def client(self, key: str = "admin", **options: Any) -> JobTicket:
        """A ``JobTicket`` connected to this twin as ``key``; closed when the kit ends.

        ``options`` are the client's (``max_retries``, ``retry_policy``, ``rate_limit``...). Clients of one
        key share one pacer, as they would in one process.
        """
        client = JobTicket(BASE_URL, transport=self._transport, **self._client_options(key, options))
        self._clients.append(client)
        return client

    def async_client(self, key: str = "admin", **options: Any) -> AsyncJobTicket:
        """An ``AsyncJobTicket`` connected to this twin as ``key`` (use it with ``async with``)."""
        transport = _AsyncPortalTransport(self._transport)
        return AsyncJobTicket(BASE_URL, transport=transport, **self._client_options(key, options))

    # -- controls ------------------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move the shared fake clock forward (the twin's rate-limit window and blocks included)."""
        self.clock.advance(seconds)

    def set_faults(self, spec: str | None) -> None:
        """Inject faults (``"error=0.2,statuses=502|503,seed=1"``, see the README), or stop with None."""
        self.state.set_faults(parse_fault_spec(spec) if spec else None)

    def change_subscription(self, employee_id: int, status: str, **dates: str | None) -> dict[str, Any]:
        """Set an employee's subscription; emits ``employee-subscription-changed``.

        ``dates`` use the API's names (``startAt=``, ``pausedAt=``...). Returns the new subscription as
        the API shows it.
        """
        return self._control("POST", f"/employees/{employee_id}/subscription", {"status": status, **dates})

    def generate_document(
        self, employee_id: int, name: str = "Transit Invoice", *, downloadable: bool = True
    ) -> dict[str, Any]:
        """Create a document (emits ``new-employee-document-generated``); returns it as the API shows it."""
        body = {"documentName": name, "downloadable": downloadable}
        return self._control("POST", f"/employees/{employee_id}/documents", body)

    def add_webhook(self, url: str, secret: str) -> None:
        """Deliver every later event to ``url``, signed with ``secret``, as the API would."""
        self.state.webhooks.add_receiver(WebhookReceiver(url, secret))

    def deliveries(self) -> list[Delivery]:
        """The webhook delivery log (attempts to registered receivers), oldest first."""
        return self.state.webhooks.deliveries()

    @staticmethod
    def signed(event: WebhookEvent, secret: str) -> tuple[bytes, dict[str, str]]:
        """The exact body and headers a receiver with ``secret`` gets for ``event``.

        Feed them to your webhook handler (and its ``jobticket.webhooks.WebhookVerifier``), no HTTP needed.
        """
        body = event.body()
        return body, {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body)}

    def roster(self, integration_id: int) -> list[dict[str, Any]]:
        """The integration's linked employees as ``sync_roster`` rows: edit them and send them back."""
        return [
            {
                "hrId": link.hr_id,
                "firstName": employee.first_name,
                "lastName": employee.last_name,
                "email": employee.email,
                **({"dateOfBirth": employee.date_of_birth} if employee.date_of_birth else {}),
            }
            for employee in self.state.data.employees.values()
            if (link := employee.link_for(integration_id)) is not None
        ]

    def reset(self, seed: int | None = None) -> None:
        """Back to fresh seed data (``seed`` or the current one); rate-limit blocks are forgotten."""
        self.state.reset(seed)

    def _control(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.control.request(method, path, json=body)
        response.raise_for_status()
        data: dict[str, Any] = response.json()["data"]
        return data

    def close(self) -> None:
        """Close the sync clients this kit made and its control client."""
        for client in self._clients:
            client.close()
        self.control.close()


@contextlib.contextmanager
def in_process_twin(config: TwinConfig | None = None) -> Iterator[TwinKit]:
    """Run a twin in-process for the block (seed data of ``config``; its clock becomes a ``FakeClock``)."""
    config = config or TwinConfig()
    if not isinstance(config.clock, FakeClock):
        config = dataclasses.replace(config, clock=FakeClock())
    app = create_app(config)
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(app.router.lifespan_context(app)),
    ):
        kit = TwinKit(app, config, portal)
        try:
            yield kit
        finally:
            kit.close()
