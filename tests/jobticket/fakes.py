"""Test doubles for the client: canned API bodies, a mock API and clients on a `FakeClock`."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from jobticket import AsyncJobTicket, FakeClock, JobTicket, Pacer, RetryPolicy

BASE_URL = "https://api.test.invalid"
USERNAME = "f1b24afa-39c6-4cc2-b545-cfab6b687f6e"
PASSWORD = "s3cret-value-never-logged"


def no_jitter() -> float:
    return 0.0


def make_client(
    handler: Callable[[httpx.Request], httpx.Response],
    clock: FakeClock | None = None,
    *,
    rate_limit: int = 90,
    **options: Any,
) -> JobTicket:
    """A sync client on a MockTransport, with its own pacer on the fake clock and no jitter."""
    clock = clock or FakeClock()
    options.setdefault("retry_policy", RetryPolicy(jitter=no_jitter))
    return JobTicket(
        BASE_URL,
        username=USERNAME,
        password=PASSWORD,
        transport=httpx.MockTransport(handler),
        pacer=Pacer(rate_limit, 60.0, clock=clock),
        **options,
    )


def make_async_client(
    handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock | None = None, **options: Any
) -> AsyncJobTicket:
    """The async counterpart of :func:`make_client`."""
    clock = clock or FakeClock()
    options.setdefault("retry_policy", RetryPolicy(jitter=no_jitter))
    return AsyncJobTicket(
        BASE_URL,
        username=USERNAME,
        password=PASSWORD,
        transport=httpx.MockTransport(handler),
        pacer=Pacer(90, 60.0, clock=clock),
        **options,
    )


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def error_body(message: str = "Something went wrong.", **extra: Any) -> dict[str, Any]:
    return {"message": message, **extra}


def employee_json(
    employee_id: int,
    *,
    email: str | None = None,
    first_name: str = "Anna",
    links: Iterable[tuple[int, str]] = (),
    status: str = "active",
) -> dict[str, Any]:
    """An Employee body as the API sends it; ``links`` are (hrIntegrationId, hrId) pairs."""
    return {
        "id": employee_id,
        "firstName": first_name,
        "lastName": "Müller",
        "email": email or f"person{employee_id}@example.com",
        "dateOfBirth": "1990-04-15",
        "profileImage": None,
        "resource": "employee",
        "subscription": {
            "status": status,
            "startAt": "2024-01-01",
            "nextTicketAt": "2024-06-01",
            "pausedAt": None,
            "cancelledAt": None,
            "reactivatedAt": None,
        },
        "plan": {
            "type": "fully-subsidized-plan",
            "contractSigningStatus": "accepted",
            "employeeContributionAmount": None,
        },
        "ticket": None,
        "hrIntergartionLinks": [
            {
                "type": "hr-integration",
                "hrId": hr_id,
                "hrIntegrationId": integration_id,
                "lastSyncId": "sync_abc123",
                "lastSynced": "2024-05-10T08:00:00Z",
            }
            for integration_id, hr_id in links
        ],
        "_links": {
            "self": {"href": f"{BASE_URL}/employees/{employee_id}", "type": "application/json"},
            "employeeDocuments": {
                "href": f"{BASE_URL}/employees/{employee_id}/documents",
                "type": "application/json",
            },
        },
    }


def document_json(document_id: int, *, employee_id: int = 42, downloadable: bool = True) -> dict[str, Any]:
    return {
        "id": document_id,
        "employeeId": employee_id,
        "documentName": "May 2024 Transit Invoice",
        "documentFileType": "pdf",
        "downloadable": downloadable,
        "createdAt": "2024-05-01T09:00:00Z",
        "updatedAt": "2024-05-01T09:00:00Z",
        "resource": "employee-document",
        "_links": {
            "self": {"href": f"{BASE_URL}/employee-documents/{document_id}", "type": "application/json"},
            "employee": {"href": f"{BASE_URL}/employees/{employee_id}", "type": "application/json"},
        },
    }


def page_json(items: list[dict[str, Any]], page: int, per_page: int, total: int) -> dict[str, Any]:
    return {
        "data": {
            "data": items,
            "page": page,
            "perPage": per_page,
            "totalPages": math.ceil(total / per_page),
            "total": total,
        }
    }


@dataclass
class FakeEmployeesApi:
    """Serves ``GET /employees`` pages of the given employees and records every request."""

    employees: list[dict[str, Any]]
    requests: list[httpx.Request] = field(default_factory=list)
    sync_bodies: list[dict[str, Any]] = field(default_factory=list)
    sync_status: int = 204

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/employees":
            page = int(request.url.params.get("page", "1"))
            per_page = int(request.url.params.get("perPage", "10"))
            start = (page - 1) * per_page
            chunk = self.employees[start : start + per_page]
            return json_response(200, page_json(chunk, page, per_page, len(self.employees)))
        if request.method == "POST" and request.url.path.endswith("/sync"):
            self.sync_bodies.append(json.loads(request.content))
            if self.sync_status == 204:
                return httpx.Response(204)
            return json_response(self.sync_status, error_body())
        return json_response(404, error_body("Not found."))

    def count(self, method: str, path_suffix: str = "") -> int:
        return sum(1 for r in self.requests if r.method == method and r.url.path.endswith(path_suffix))
