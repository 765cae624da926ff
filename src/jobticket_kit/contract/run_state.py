"""The state one contract run shares between its runner, its pytest plugin and its checks."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import requests

from jobticket import JobTicket, Pacer
from jobticket._pagination import ListingProof, wire_page
from jobticket_kit.contract.budget import RequestBudget
from jobticket_kit.contract.journal import Journal
from jobticket_kit.contract.ledger import AssumptionLedger
from jobticket_kit.contract.meter import metered_transport
from jobticket_kit.contract.operations import ContractSpec
from jobticket_kit.settings import DEFAULT_REQUEST_DEADLINE

if TYPE_CHECKING:
    from jobticket_kit.evidence.freshness import Freshness

__all__ = ["REQUEST_TIMEOUT", "Api", "ContractRun", "Credential", "current_run", "set_current_run"]

REQUEST_TIMEOUT = 30.0
_PACED_BY_THE_BUDGET = 1_000_000  # the run's budget paces every request; the client's pacer stays out of it


@dataclass(frozen=True)
class Credential:
    """An API key under a display name; the secret never appears in a repr or a report."""

    name: str
    username: str
    password: str = field(repr=False)

    @property
    def header(self) -> str:
        """The ``Authorization`` header value."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"


@dataclass
class ContractRun:
    """Target, credentials, budget and ledger of one run.

    ``keys`` are the extra keys by name: ``without-<permission>`` for the 403 checks, ``disabled`` and
    ``rate-limit-probe``. ``sync_integration`` is the HR integration destructive checks may use; it is
    None when destructive operations are not allowed on this target. ``is_twin`` means the run
    started the twin itself and may reset it. ``tolerant`` runs keep failures that only refute a
    working assumption (an open point) out of the verdict; they still show in the ledger.
    ``refused_origins`` counts the requests the metering refused, by origin (other hosts, redirects).
    ``freshness`` is the evidence of earlier runs against this target (a nightly's; None otherwise),
    which orders the plan stalest first; ``budget_is_default`` says the budget was not set by
    ``JOBTICKET_CONTRACT_BUDGET``, so a nightly with fresh evidence may spend less.
    """

    spec: ContractSpec
    base_url: str
    main: Credential
    budget: RequestBudget
    ledger: AssumptionLedger
    target_label: str
    is_twin: bool = False
    destructive_allowed: bool = False
    sandbox_integration: int | None = None
    keys: Mapping[str, Credential] = field(default_factory=dict)
    max_examples: int = 10
    stateful_steps: int = 15
    stateful_examples: int = 5
    tolerant: bool = False
    refused_origins: dict[str, int] = field(default_factory=dict)
    journal: Journal = field(default_factory=Journal)
    freshness: Freshness | None = None
    budget_is_default: bool = False
    request_deadline: float = DEFAULT_REQUEST_DEADLINE
    """Seconds one request may take in all, its answer read included (``JOBTICKET_REQUEST_DEADLINE``)."""
    incidents: list[str] = field(default_factory=list)
    """One line per sync whose read-back differed from its plan (ids only): the run's verdict is then
    "incident" (exit 3)."""

    def api(self, credential: Credential | str | None = "main") -> Api:
        """A client for the named checks: main credential by default, ``None`` for no credentials."""
        if credential == "main":
            return Api(self.base_url, self.main)
        if isinstance(credential, str):
            return Api(self.base_url, self.keys[credential])
        return Api(self.base_url, credential)

    def client(self) -> JobTicket:
        """The client library with the main key (its guarded ``sync_roster``), sending through the meter."""
        return JobTicket(
            self.base_url,
            username=self.main.username,
            password=self.main.password,
            transport=metered_transport(),
            pacer=Pacer(_PACED_BY_THE_BUDGET, 60.0),
            deadline=self.request_deadline,
        )

    def credential_names(self) -> dict[str, str]:
        """Key id -> display name, so that budgets and reports never show a key id."""
        names = {key.username: key.name for key in self.keys.values()}
        names[self.main.username] = self.main.name
        return names

    def reset_twin(self) -> None:
        """Put the twin back to its seed (no-op on other targets)."""
        if self.is_twin:
            response = requests.post(f"{self.base_url}/_twin/reset", timeout=REQUEST_TIMEOUT)
            response.raise_for_status()


class Api:
    """A thin ``requests`` client for named checks; every call passes the run's budget (metering)."""

    def __init__(self, base_url: str, credential: Credential | None) -> None:
        self.base_url = base_url
        self.credential = credential
        self._session = requests.Session()

    def url(self, path_or_url: str) -> str:
        """Absolute URL for a path, or the URL itself."""
        return path_or_url if "://" in path_or_url else f"{self.base_url}{path_or_url}"

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request with this client's credential."""
        sent = {"Accept": "application/json", **(headers or {})}
        if self.credential is not None:
            sent["Authorization"] = self.credential.header
        return self._session.request(
            method, self.url(path_or_url), params=params, headers=sent, timeout=REQUEST_TIMEOUT, **kwargs
        )

    def get(self, path_or_url: str, **params: Any) -> requests.Response:
        """GET with query parameters."""
        return self.request("GET", path_or_url, params=params or None)

    def get_json(self, path_or_url: str, **params: Any) -> Any:
        """GET that must answer 200 with JSON; the assertion message says what came instead."""
        response = self.get(path_or_url, **params)
        assert response.status_code == 200, f"GET {path_or_url} {params} -> {response.status_code}"
        return response.json()

    def list_all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a list endpoint, walking pages of 100, proven complete.

        A listing that is not raises the client's ``PaginationError`` naming the rule it breaks.
        """
        items: list[dict[str, Any]] = []
        proof = ListingProof[Any](f"GET {path}")
        while True:
            body = self.get_json(path, page=proof.number, perPage=100, **params)["data"]
            page = wire_page(body)
            proof.check(page)
            items.extend(body["data"])
            if proof.is_last(page):
                return items


_CURRENT: list[ContractRun] = []


def set_current_run(run: ContractRun | None) -> None:
    """Install (or clear) the run that checks without fixtures (the state machine) read."""
    _CURRENT.clear()
    if run is not None:
        _CURRENT.append(run)


def current_run() -> ContractRun:
    """The run in progress; only valid inside a contract session."""
    if not _CURRENT:
        raise RuntimeError("no contract run in progress: start the suite with `jobticket-kit contract`")
    return _CURRENT[0]
