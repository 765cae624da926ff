"""Open the target a recording runs against: two local twins, or staging from the contract suite's variables.

The twins run on a fake clock, so every date they write is the same on every recording; the second
twin has a limit of 2 requests, so the 429 needs three requests instead of a hundred. Against
staging the ids are discovered through the API and the extra keys come from JOBTICKET_LIMITED_KEYS,
exactly as for the contract suite, and the sandbox integration the sync scenarios change must hold
synthetic employees only (``contract.sandbox``), or nothing is recorded: checked before anything, and
again right before each destructive scenario (:attr:`OpenTarget.guard`); it is left holding the kit's
synthetic roster again when the recording ends, also after a failure (``contract.sandbox_roster``).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from jobticket import JobTicket
from jobticket_kit.cassettes.layout import TWIN_ORIGIN
from jobticket_kit.cassettes.recording_context import (
    DISABLED,
    MAIN,
    NO_VIEW_EMPLOYEES,
    NO_VIEW_INTEGRATIONS,
    PROBE,
    Ids,
    IncompleteTarget,
    RecordingContext,
    RecordingError,
    same_origin_only,
)
from jobticket_kit.contract.sandbox import check_sandbox
from jobticket_kit.contract.sandbox_roster import SandboxNotRestored, restoring
from jobticket_kit.contract.synthetic import synthetic_roster
from jobticket_kit.target import DestructiveNotAllowed
from jobticket_twin import FakeClock, TwinConfig
from jobticket_twin.seed import PENDING_INTEGRATION_ID
from jobticket_twin.testing import running_twin

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from jobticket_kit.settings import KitSettings

__all__ = ["OpenTarget", "open_target"]

TWIN_SEED = 0
_TWIN_KEYS = {
    MAIN: "admin",
    NO_VIEW_EMPLOYEES: NO_VIEW_EMPLOYEES,
    NO_VIEW_INTEGRATIONS: NO_VIEW_INTEGRATIONS,
    DISABLED: DISABLED,
    PROBE: PROBE,
}
_DISCOVERY_PAGES = 5


@dataclass(frozen=True)
class OpenTarget:
    """A target ready to record: the scenario context and the origins the scrubber rewrites.

    ``guard`` is the sandbox guard to run right before each destructive scenario (None on the twin).
    """

    context: RecordingContext
    origins: dict[str, str]
    recorded_from: str
    guard: Callable[[], object] | None = None


@contextmanager
def open_target(settings: KitSettings) -> Iterator[OpenTarget]:
    """Yield the twin (started here, seed 0, fake clock) or the remote target the settings name."""
    target = settings.target
    if target.is_twin:
        with (
            running_twin(TwinConfig(seed=TWIN_SEED, rate_limit=0, clock=FakeClock())) as twin,
            running_twin(TwinConfig(seed=TWIN_SEED, rate_limit=2, clock=FakeClock())) as limited,
        ):
            keys = {role: twin.credentials(name) for role, name in _TWIN_KEYS.items()}
            ids = _discover(twin.base_url, keys[MAIN], sync_integration=PENDING_INTEGRATION_ID)
            context = RecordingContext(twin.base_url, limited.base_url, ids, keys)
            origins = {twin.base_url: TWIN_ORIGIN, limited.base_url: TWIN_ORIGIN}
            yield OpenTarget(context, origins, f"twin (jobticket_twin, seed {TWIN_SEED}, fake clock)")
        return
    # Target.check() guarantees all three for a remote target.
    assert target.base_url
    assert target.username
    assert target.password
    keys = dict(settings.limited_keys)
    keys[MAIN] = (target.username, target.password)
    recorded_from = f"remote ({target.base_url})"
    try:
        sync_integration = target.require_destructive()
    except DestructiveNotAllowed:
        sync_integration = None
    with JobTicket(target.base_url, username=target.username, password=target.password) as client:
        if sync_integration is None:
            ids = _discover(target.base_url, keys[MAIN], sync_integration=None, prefer_linked=True)
            yield OpenTarget(RecordingContext(target.base_url, target.base_url, ids, keys), {}, recorded_from)
            return
        # The sync scenarios will change it: synthetic employees only, and left as it was found.
        check_sandbox(client, sync_integration)
        with _restored(client, sync_integration):
            ids = _discover(
                target.base_url, keys[MAIN], sync_integration=sync_integration, prefer_linked=True
            )
            context = RecordingContext(target.base_url, target.base_url, ids, keys)
            yield OpenTarget(context, {}, recorded_from, lambda: check_sandbox(client, sync_integration))


@contextmanager
def _restored(client: JobTicket, integration: int) -> Iterator[None]:
    """Record inside :func:`restoring`: the sandbox holds the kit's synthetic roster again afterwards."""
    try:
        with restoring(client, integration, synthetic_roster()):
            yield
    except SandboxNotRestored as exc:
        raise RecordingError(
            f"{exc}; the sandbox integration may still hold the recording's employee"
        ) from None


def _discover(
    base_url: str, credentials: tuple[str, str], *, sync_integration: int | None, prefer_linked: bool = False
) -> Ids:
    """Find a downloadable and a non-downloadable document, their employee and an integration.

    With ``prefer_linked`` (staging with a sandbox integration) the documents of the sandbox's synthetic
    employees come first: the PDF is recorded byte for byte, so it must not be a real person's.
    """
    with httpx.Client(
        base_url=base_url,
        auth=httpx.BasicAuth(*credentials),
        timeout=30.0,
        event_hooks=same_origin_only(base_url),
    ) as http:
        linked = _linked_employees(http, sync_integration) if prefer_linked and sync_integration else set()
        downloadable: dict[str, Any] | None = None
        blocked: dict[str, Any] | None = None
        for page in range(1, _DISCOVERY_PAGES + 1):
            body = _get(http, "/employee-documents", page=page, perPage=100)["data"]
            for document in body["data"]:
                if linked and document["employeeId"] not in linked:
                    continue
                if document["downloadable"]:
                    downloadable = downloadable or document
                else:
                    blocked = blocked or document
            if (downloadable and blocked) or page >= body["totalPages"]:
                break
        if downloadable is None:
            raise IncompleteTarget("the target has no downloadable document; the download scenario needs one")
        integrations = _get(http, "/hr-integrations", page=1, perPage=100)["data"]["data"]
        if not integrations:
            raise IncompleteTarget("the target has no HR integration; the integration scenarios need one")
    return Ids(
        employee=int(downloadable["employeeId"]),
        document=int(downloadable["id"]),
        integration=int(integrations[0]["id"]),
        blocked_document=int(blocked["id"]) if blocked else None,
        sync_integration=sync_integration,
    )


def _linked_employees(http: httpx.Client, integration: int) -> set[int]:
    """Ids of the employees linked to ``integration`` (the sandbox's synthetic employees)."""
    linked: set[int] = set()
    for page in range(1, _DISCOVERY_PAGES + 1):
        body = _get(http, "/employees", page=page, perPage=100)["data"]
        for employee in body["data"]:
            if any(link["hrIntegrationId"] == integration for link in employee["hrIntergartionLinks"]):
                linked.add(int(employee["id"]))
        if page >= body["totalPages"]:
            break
    return linked


def _get(http: httpx.Client, path: str, **params: Any) -> Any:
    response = http.get(path, params=params)
    if response.status_code != 200:
        raise IncompleteTarget(f"discovery: GET {path} answered {response.status_code}")
    return response.json()
