"""How records look on the wire: the documented field names, HAL links from the twin's own base URL."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jobticket_twin.models import Document, Employee, HrLink, Integration, Plan, Subscription, Ticket

__all__ = [
    "JSON_TYPE",
    "document_json",
    "employee_json",
    "integration_json",
    "page_bytes",
    "page_json",
    "single_bytes",
    "subscription_json",
]

JSON_TYPE = "application/json"
Json = dict[str, Any]


def _link(base_url: str, path: str) -> Json:
    return {"href": f"{base_url}{path}", "type": JSON_TYPE}


def subscription_json(subscription: Subscription) -> Json:
    """The subscription object, also the payload of employee-subscription-changed."""
    return {
        "status": subscription.status,
        "startAt": subscription.start_at,
        "nextTicketAt": subscription.next_ticket_at,
        "pausedAt": subscription.paused_at,
        "cancelledAt": subscription.cancelled_at,
        "reactivatedAt": subscription.reactivated_at,
    }


def _plan_json(plan: Plan) -> Json:
    amount = None
    if plan.contribution is not None:
        amount = {"label": f"€{plan.contribution:.2f}", "value": round(plan.contribution, 2)}
    return {
        "type": plan.type,
        "contractSigningStatus": plan.contract_signing_status,
        "employeeContributionAmount": amount,
    }


def _ticket_json(ticket: Ticket | None) -> Json | None:
    if ticket is None:
        return None
    return {
        "ticketId": ticket.ticket_id,
        "ticketMonth": ticket.ticket_month,
        "validFrom": ticket.valid_from,
        "validUntil": ticket.valid_until,
        "links": {"apple": ticket.apple, "google": ticket.google},
    }


def _hr_link_json(link: HrLink) -> Json:
    return {
        "type": "hr-integration",
        "hrId": link.hr_id,
        "hrIntegrationId": link.integration_id,
        "lastSyncId": link.last_sync_id,
        "lastSynced": link.last_synced,
    }


def employee_json(employee: Employee, base_url: str) -> Json:
    """An Employee object (facts 7.1) with the misspelt ``hrIntergartionLinks`` kept."""
    return {
        "id": employee.id,
        "firstName": employee.first_name,
        "lastName": employee.last_name,
        "email": employee.email,
        "dateOfBirth": employee.date_of_birth,
        "profileImage": employee.profile_image,
        "resource": "employee",
        "subscription": subscription_json(employee.subscription),
        "plan": _plan_json(employee.plan),
        "ticket": _ticket_json(employee.ticket),
        "hrIntergartionLinks": [_hr_link_json(link) for link in employee.links],
        "_links": {
            "self": _link(base_url, f"/employees/{employee.id}"),
            "employeeDocuments": _link(base_url, f"/employees/{employee.id}/documents"),
        },
    }


def document_json(document: Document, base_url: str) -> Json:
    """An EmployeeDocument object (facts 7.7): metadata only, no download relation."""
    return {
        "id": document.id,
        "employeeId": document.employee_id,
        "documentName": document.name,
        "documentFileType": document.file_type,
        "downloadable": document.downloadable,
        "createdAt": document.created_at,
        "updatedAt": document.updated_at,
        "resource": "employee-document",
        "_links": {
            "self": _link(base_url, f"/employee-documents/{document.id}"),
            "employee": _link(base_url, f"/employees/{document.employee_id}"),
        },
    }


def integration_json(integration: Integration, base_url: str) -> Json:
    """An HR integration object (working assumption O-8)."""
    return {
        "id": integration.id,
        "resource": "hr-integration",
        "name": integration.name,
        "status": integration.status,
        "lastSyncId": integration.last_sync_id,
        "lastSynced": integration.last_synced,
        "createdAt": integration.created_at,
        "updatedAt": integration.updated_at,
        "_links": {"self": _link(base_url, f"/hr-integrations/{integration.id}")},
    }


def page_bytes(items: Sequence[bytes], page: int, per_page: int, total: int) -> bytes:
    """:func:`page_json` written from records already encoded: the same bytes, with no encoding per page."""
    numbers = f'"page":{page},"perPage":{per_page},"totalPages":{math.ceil(total / per_page)},"total":{total}'
    return b'{"data":{"data":[' + b",".join(items) + b"]," + numbers.encode() + b"}}"


def single_bytes(item: bytes) -> bytes:
    """The single-resource envelope ``{"data": ...}`` around a record already encoded."""
    return b'{"data":' + item + b"}"


def page_json(items: Sequence[Json], page: int, per_page: int, total: int) -> Json:
    """The nested list envelope: items in ``data.data``, totalPages = ceil(total / perPage)."""
    return {
        "data": {
            "data": list(items),
            "page": page,
            "perPage": per_page,
            "totalPages": math.ceil(total / per_page),
            "total": total,
        }
    }
