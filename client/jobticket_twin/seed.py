"""The twin's deterministic, fully synthetic seed data and its documented API keys.

The documented example records are always present (employee 42 "Anna Müller", her document 101 and
HR integration 7 with hrId ``emp_HR_001``), so schemathesis' examples hit real data. Everything else
is drawn from small fixed name lists with ``random.Random(seed)``; emails are on example.com/.org.

Data: 250 employees (ids 1-250) in every subscription status and both plan types; 1-150 linked to
integration 7 (hrIds ``emp_HR_1001``... and Anna's ``emp_HR_001``), 120-200 to integration 9,
201-250 unlinked; integration 8 is ``initial-sync-pending`` with nobody linked. Documents start at
101 (Anna's downloadable invoice) and 102 (hers, not downloadable); about one in six others is not
downloadable; employee 250 has none.

API keys (Basic auth username = key ID, password = secret; fake and fixed on purpose, whatever the
seed; ``scripts/twin`` prints them and ``GET /_twin/keys`` lists them):

=============================  ====================================  =======================================
name                           key ID (username)                     permissions
=============================  ====================================  =======================================
admin                          b95cc7e1-2778-51c4-9dd8-404d7f3f75fd  all five
reader                         1815df95-deb8-5606-b59a-fefe6b1c689a  view-employees
integrations                   11685bd5-6686-5b74-b738-42f912784412  view-hr-integrations
without-view-employees         e93b35cf-7fbe-5556-a15e-7d366d4e2134  all but view-employees
without-view-hr-integrations   4211a1cd-359b-5d0b-9424-2fb6455434f7  all but view-hr-integrations
without-add-employees          7e577287-0b9f-58be-84a0-afd767473698  all but add-employees
without-update-employees       5b961500-bb83-5899-a2bb-10ff63f1182e  all but update-employees
without-remove-employees       1713a441-b4be-521c-ac72-aa41379c6769  all but remove-employees
rate-limit-probe               7d67818e-070c-5ae6-a4b8-b4f35e65861d  view-employees (a key to block at will)
disabled                       2cdd57d1-4ecb-5475-9cc8-e3f89c41f64e  all five, but disabled: always 401
=============================  ====================================  =======================================

Every secret is ``twin-secret-<name>``.
"""

from __future__ import annotations

import functools
import random
import uuid
from dataclasses import dataclass

from jobticket_twin.indexes import DataIndexes
from jobticket_twin.models import (
    PERMISSIONS,
    ApiKey,
    Document,
    Employee,
    HrLink,
    Integration,
    Plan,
    Subscription,
    Ticket,
)

__all__ = [
    "EMPLOYEE_COUNT",
    "EMPLOYEE_WITHOUT_DOCUMENTS_ID",
    "EXAMPLE_DOCUMENT_ID",
    "EXAMPLE_EMPLOYEE_ID",
    "EXAMPLE_INTEGRATION_ID",
    "NOT_DOWNLOADABLE_DOCUMENT_ID",
    "PENDING_INTEGRATION_ID",
    "SECOND_ACTIVE_INTEGRATION_ID",
    "SEED_KEYS",
    "SeedData",
    "build_keys",
    "build_seed",
]

EMPLOYEE_COUNT = 250
EXAMPLE_EMPLOYEE_ID = 42
EXAMPLE_DOCUMENT_ID = 101
NOT_DOWNLOADABLE_DOCUMENT_ID = 102
EXAMPLE_INTEGRATION_ID = 7
PENDING_INTEGRATION_ID = 8
SECOND_ACTIVE_INTEGRATION_ID = 9
EMPLOYEE_WITHOUT_DOCUMENTS_ID = EMPLOYEE_COUNT

_KEY_NAMESPACE = uuid.UUID("6c1f3b0e-5a43-4a8e-9d1e-7f2a0b3c4d5e")


def _key(name: str, permissions: tuple[str, ...], *, enabled: bool = True) -> ApiKey:
    return ApiKey(
        name=name,
        key_id=str(uuid.uuid5(_KEY_NAMESPACE, name)),
        secret=f"twin-secret-{name}",
        permissions=frozenset(permissions),
        enabled=enabled,
    )


def _without(permission: str) -> ApiKey:
    return _key(f"without-{permission}", tuple(p for p in PERMISSIONS if p != permission))


SEED_KEYS: dict[str, ApiKey] = {
    key.name: key
    for key in (
        _key("admin", PERMISSIONS),
        _key("reader", ("view-employees",)),
        _key("integrations", ("view-hr-integrations",)),
        *(_without(permission) for permission in PERMISSIONS),
        _key("rate-limit-probe", ("view-employees",)),
        _key("disabled", PERMISSIONS, enabled=False),
    )
}
"""Stable key name -> key. Secrets are fake and printed on purpose: the twin is local only."""

EXTRA_KEY_NAME = "env"


def build_keys(extra_credentials: tuple[str, str] | None) -> dict[str, ApiKey]:
    """Return the seed keys by key ID, plus the JOBTICKET_USERNAME/PASSWORD pair with every permission."""
    keys = {key.key_id: key for key in SEED_KEYS.values()}
    if extra_credentials is not None:
        username, password = extra_credentials
        keys[username] = ApiKey(EXTRA_KEY_NAME, username, password, frozenset(PERMISSIONS))
    return keys


@dataclass(frozen=True)
class SeedData:
    """One consistent version of the twin's records; never changed in place, only replaced whole."""

    employees: dict[int, Employee]
    documents: dict[int, Document]
    integrations: dict[int, Integration]

    @functools.cached_property
    def indexes(self) -> DataIndexes:
        """This version's sort orders, lookups and rendered JSON, each built on first use."""
        return DataIndexes(self.employees, self.documents, self.integrations)


_FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Elif", "Finn", "Greta", "Hannes", "Ida", "Jonas", "Kira", "Lukas",
    "Mila", "Noah", "Olga", "Paul", "Quirin", "Rosa", "Sven", "Tara", "Uwe", "Vera", "Wanda", "Yusuf",
)  # fmt: skip
_LAST_NAMES = (
    "Adler", "Becker", "Cramer", "Dietrich", "Engel", "Fischer", "Günther", "Hoffmann", "Jäger", "König",
    "Lorenz", "Meier", "Neumann", "Otto", "Pohl", "Richter", "Schröder", "Thiel", "Vogel", "Wolf",
)  # fmt: skip
_STATUSES = (
    ("active",) * 10 + ("pending",) * 3 + ("scheduled-pause",) * 2 + ("paused",) * 2 + ("cancelled",) * 3
)
_CONTRIBUTIONS = (9.0, 19.0, 29.0, 39.5)
_MONTHS = ("January", "February", "March", "April", "May", "June")


def _ascii(text: str) -> str:
    for umlaut, replacement in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, replacement)
    return text.lower()


def _example_employee() -> Employee:
    return Employee(
        id=EXAMPLE_EMPLOYEE_ID,
        first_name="Anna",
        last_name="Müller",
        email="anna.mueller@example.com",
        date_of_birth="1990-04-15",
        profile_image=None,
        subscription=Subscription("active", start_at="2024-01-01", next_ticket_at="2024-06-01"),
        plan=Plan("fully-subsidized-plan", "accepted"),
        ticket=_ticket("tkt_9Xk2mPqL", "2024-05"),
        links=(HrLink(EXAMPLE_INTEGRATION_ID, "emp_HR_001", "sync_abc123", "2024-05-10T08:00:00Z"),),
    )


def _ticket(ticket_id: str, month: str) -> Ticket:
    last_day = 30 if month.endswith(("04", "06", "09", "11")) else 29 if month.endswith("02") else 31
    return Ticket(
        ticket_id=ticket_id,
        ticket_month=month,
        valid_from=f"{month}-01",
        valid_until=f"{month}-{last_day}",
        apple=f"https://wallet.example.com/apple/{ticket_id}",
        google=f"https://wallet.example.com/google/{ticket_id}",
    )


def _subscription(rnd: random.Random, status: str) -> Subscription:
    start = f"2024-0{rnd.randint(1, 4)}-01"
    if status == "pending":
        return Subscription("pending")
    if status == "scheduled-pause":
        return Subscription(status, start_at=start, next_ticket_at="2024-06-01", paused_at="2024-07-01")
    if status == "paused":
        return Subscription(status, start_at=start, paused_at="2024-05-01")
    if status == "cancelled":
        return Subscription(status, start_at=start, cancelled_at="2024-05-15")
    reactivated = "2024-04-01" if rnd.random() < 0.1 else None
    return Subscription("active", start_at=start, next_ticket_at="2024-06-01", reactivated_at=reactivated)


def _plan(rnd: random.Random, status: str) -> Plan:
    signing = "pending" if status == "pending" else rnd.choice(("accepted",) * 9 + ("declined",))
    if rnd.random() < 0.4:
        return Plan("split-pay-plan", signing, rnd.choice(_CONTRIBUTIONS))
    return Plan("fully-subsidized-plan", signing)


def _links(employee_id: int) -> tuple[HrLink, ...]:
    links = []
    if employee_id <= 150:
        links.append(
            HrLink(
                EXAMPLE_INTEGRATION_ID, f"emp_HR_{1000 + employee_id}", "sync_abc123", "2024-05-10T08:00:00Z"
            )
        )
    if 120 <= employee_id <= 200:
        links.append(
            HrLink(
                SECOND_ACTIVE_INTEGRATION_ID, f"hs-{employee_id:05d}", "hs-2024-05-12", "2024-05-12T06:30:00Z"
            )
        )
    return tuple(links)


def _employee(rnd: random.Random, employee_id: int) -> Employee:
    first, last = rnd.choice(_FIRST_NAMES), rnd.choice(_LAST_NAMES)
    status = rnd.choice(_STATUSES)
    has_ticket = status in ("active", "scheduled-pause")
    return Employee(
        id=employee_id,
        first_name=first,
        last_name=last,
        email=f"{_ascii(first)}.{_ascii(last)}.{employee_id}@example.com",
        date_of_birth=None
        if rnd.random() < 0.1
        else f"{rnd.randint(1960, 2003)}-{rnd.randint(1, 12):02d}-15",
        profile_image=f"https://images.example.com/profiles/{employee_id}.png"
        if rnd.random() < 0.2
        else None,
        subscription=_subscription(rnd, status),
        plan=_plan(rnd, status),
        ticket=_ticket(f"tkt_twin{employee_id:05d}", "2024-05") if has_ticket else None,
        links=_links(employee_id),
    )


def _example_documents() -> dict[int, Document]:
    created = "2024-05-01T09:00:00Z"
    return {
        EXAMPLE_DOCUMENT_ID: Document(
            EXAMPLE_DOCUMENT_ID,
            EXAMPLE_EMPLOYEE_ID,
            "May 2024 Transit Invoice",
            "pdf",
            True,
            created,
            created,
        ),
        NOT_DOWNLOADABLE_DOCUMENT_ID: Document(
            NOT_DOWNLOADABLE_DOCUMENT_ID,
            EXAMPLE_EMPLOYEE_ID,
            "June 2024 Transit Invoice",
            "pdf",
            False,
            "2024-06-01T09:00:00Z",
            "2024-06-01T09:00:00Z",
        ),
    }


def _add_documents(
    rnd: random.Random, employees: dict[int, Employee], documents: dict[int, Document]
) -> None:
    next_id = max(documents) + 1
    for employee_id in employees:
        if employee_id in (EXAMPLE_EMPLOYEE_ID, EMPLOYEE_WITHOUT_DOCUMENTS_ID):
            continue
        for _ in range(rnd.randint(0, 3)):
            month = rnd.randint(1, len(_MONTHS))
            day = rnd.randint(1, 28)
            stamp = f"2024-{month:02d}-{day:02d}T{rnd.randint(6, 18):02d}:00:00Z"
            name = f"{_MONTHS[month - 1]} 2024 Transit Invoice"
            downloadable = rnd.random() >= 1 / 6
            documents[next_id] = Document(next_id, employee_id, name, "pdf", downloadable, stamp, stamp)
            next_id += 1


def _integrations() -> dict[int, Integration]:
    return {
        EXAMPLE_INTEGRATION_ID: Integration(
            EXAMPLE_INTEGRATION_ID,
            "JobTicket+ API Integration",
            "active",
            "sync-2024-05-14-001",
            "2024-05-14T08:00:00Z",
            "2024-05-01T09:00:00Z",
            "2024-05-14T08:00:00Z",
        ),
        PENDING_INTEGRATION_ID: Integration(
            PENDING_INTEGRATION_ID,
            "JobTicket+ API Integration (new site)",
            "initial-sync-pending",
            None,
            None,
            "2024-09-02T10:15:00Z",
            "2024-09-02T10:15:00Z",
        ),
        SECOND_ACTIVE_INTEGRATION_ID: Integration(
            SECOND_ACTIVE_INTEGRATION_ID,
            "HR Suite Connector",
            "active",
            "hs-2024-05-12",
            "2024-05-12T06:30:00Z",
            "2024-03-11T12:00:00Z",
            "2024-05-12T06:30:00Z",
        ),
    }


def build_seed(seed: int = 0, employees: int = EMPLOYEE_COUNT) -> SeedData:
    """Build the twin's records for ``seed``; the same seed always gives the same data.

    ``employees`` above the seed's 250 adds synthetic employees (ids 251 and up, with documents, linked
    to no integration) for a large company; the first 250 are the same whatever the size.
    """
    if employees < EMPLOYEE_COUNT:
        raise ValueError(
            f"employees must be at least {EMPLOYEE_COUNT} (the seed's documented records), got {employees}"
        )
    rnd = random.Random(seed)  # noqa: S311 - synthetic data, not cryptography
    people = {
        employee_id: _example_employee()
        if employee_id == EXAMPLE_EMPLOYEE_ID
        else _employee(rnd, employee_id)
        for employee_id in range(1, EMPLOYEE_COUNT + 1)
    }
    documents = _example_documents()
    _add_documents(rnd, people, documents)
    if employees > EMPLOYEE_COUNT:  # drawn apart, so the first 250 and their documents stay the same
        more = random.Random(f"{seed}/company")  # noqa: S311 - synthetic data, not cryptography
        extra = {
            employee_id: _employee(more, employee_id)
            for employee_id in range(EMPLOYEE_COUNT + 1, employees + 1)
        }
        _add_documents(more, extra, documents)
        people.update(extra)
    return SeedData(people, documents, _integrations())
