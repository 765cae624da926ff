"""The twin's records: immutable values, so a sync can build a new roster and swap it in whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "PERMISSIONS",
    "SYNC_PERMISSIONS",
    "ApiKey",
    "Document",
    "Employee",
    "HrLink",
    "Integration",
    "Plan",
    "Subscription",
    "Ticket",
]

PERMISSIONS: tuple[str, ...] = (
    "view-employees",
    "view-hr-integrations",
    "add-employees",
    "update-employees",
    "remove-employees",
)
SYNC_PERMISSIONS: tuple[str, ...] = (
    "view-employees",
    "add-employees",
    "update-employees",
    "remove-employees",
)


@dataclass(frozen=True)
class Subscription:
    """An employee's subscription (facts 7.2); dates are ``YYYY-MM-DD`` or None."""

    status: str
    start_at: str | None = None
    next_ticket_at: str | None = None
    paused_at: str | None = None
    cancelled_at: str | None = None
    reactivated_at: str | None = None


@dataclass(frozen=True)
class Plan:
    """An employee's plan; ``contribution`` is the monthly EUR share, None when fully subsidised."""

    type: str
    contract_signing_status: str
    contribution: float | None = None


@dataclass(frozen=True)
class Ticket:
    """The current one-month ticket (facts 7.5)."""

    ticket_id: str
    ticket_month: str
    valid_from: str
    valid_until: str
    apple: str | None
    google: str | None


@dataclass(frozen=True)
class HrLink:
    """An employee's link to one HR integration; ``hr_record`` keeps the roster fields with no effect."""

    integration_id: int
    hr_id: str
    last_sync_id: str | None = None
    last_synced: str | None = None
    hr_record: Mapping[str, object] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Employee:
    """One employee of the company."""

    id: int
    first_name: str
    last_name: str
    email: str
    date_of_birth: str | None
    profile_image: str | None
    subscription: Subscription
    plan: Plan
    ticket: Ticket | None
    links: tuple[HrLink, ...] = ()

    def link_for(self, integration_id: int) -> HrLink | None:
        """Return the link to ``integration_id``, if the employee has one."""
        return next((link for link in self.links if link.integration_id == integration_id), None)


@dataclass(frozen=True)
class Document:
    """An employee document's metadata; the PDF bytes are generated from it on download."""

    id: int
    employee_id: int
    name: str
    file_type: str
    downloadable: bool
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Integration:
    """An HR integration (facts 7.10, working assumption O-8)."""

    id: int
    name: str
    status: str
    last_sync_id: str | None
    last_synced: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class ApiKey:
    """An API key: Basic-auth username (``key_id``) and password (``secret``) with its permissions."""

    name: str
    key_id: str
    secret: str
    permissions: frozenset[str]
    enabled: bool = True
