"""The twin's control interface under ``/_twin/``, for tests and demos on loopback.

It is outside the API surface: unauthenticated, never rate limited, never hit by injected faults.

- ``POST /_twin/reset`` ``{"seed"?: int}``: fresh seed data, rate-limit blocks forgotten (receivers kept).
- ``GET /_twin/keys``: the API keys (name, username, password, permissions, enabled).
- ``GET /_twin/webhooks``: receivers (URLs only) and the delivery log;
  ``POST /_twin/webhooks`` ``{"url", "secret"}`` registers a receiver; ``DELETE /_twin/webhooks`` drops all.
- ``POST /_twin/employees/{id}/subscription`` ``{"status", "startAt"?, "nextTicketAt"?, "pausedAt"?,
  "cancelledAt"?, "reactivatedAt"?}``: change a subscription, emits ``employee-subscription-changed``.
- ``POST /_twin/employees/{id}/documents`` ``{"documentName"?, "downloadable"?}``: create a document,
  emits ``new-employee-document-generated``.
- ``GET /_twin/clock``, ``POST /_twin/clock/advance`` ``{"seconds"}``: only on a fake clock (else 409).
- ``GET /_twin/faults``, ``PUT /_twin/faults`` ``{"spec": "error=0.2,..." | null}``: fault injection.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from jobticket_twin.api import base_url, twin_state
from jobticket_twin.clock import iso_datetime
from jobticket_twin.config import WebhookReceiver
from jobticket_twin.errors import ApiError, FieldErrors
from jobticket_twin.faults import FaultSpecError, parse_fault_spec
from jobticket_twin.listing import parse_int
from jobticket_twin.models import Document, Subscription
from jobticket_twin.representation import document_json, subscription_json
from jobticket_twin.webhooks import document_generated_event, subscription_changed_event

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.requests import Request

__all__ = ["CONTROL_PREFIX", "control_routes"]

CONTROL_PREFIX = "/_twin"
_SUBSCRIPTION_DATES = {
    "startAt": "start_at",
    "nextTicketAt": "next_ticket_at",
    "pausedAt": "paused_at",
    "cancelledAt": "cancelled_at",
    "reactivatedAt": "reactivated_at",
}


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise ApiError(400, "The control body must be JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The control body must be a JSON object.")
    return body


async def reset(request: Request) -> Response:
    """Back to fresh seed data."""
    body = await _body(request)
    seed = body.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ApiError(422, "Invalid control request.", errors={"seed": ["The seed must be an integer."]})
    state = twin_state(request)
    state.reset(seed)
    return JSONResponse({"seed": state.seed, "employees": len(state.data.employees)})


async def keys(request: Request) -> Response:
    """The API keys with their secrets: the twin is local and its secrets are fake on purpose."""
    rows = [
        {
            "name": key.name,
            "username": key.key_id,
            "password": key.secret,
            "permissions": sorted(key.permissions),
            "enabled": key.enabled,
        }
        for key in twin_state(request).keys.values()
        if key.name != "env"
    ]
    return JSONResponse({"keys": rows})


async def webhooks(request: Request) -> Response:
    """List, register or drop webhook receivers."""
    dispatcher = twin_state(request).webhooks
    if request.method == "POST":
        body = await _body(request)
        errors = FieldErrors()
        for name in ("url", "secret"):
            if not isinstance(body.get(name), str) or not body[name]:
                errors.add(name, f"The {name} must be a non-empty string.")
        if isinstance(body.get("url"), str) and not body["url"].startswith(("http://", "https://")):
            errors.add("url", "The url must be an http:// or https:// URL.")
        errors.raise_if_any()
        try:
            receiver = WebhookReceiver(body["url"], body["secret"])
        except ValueError as error:
            errors.add("url", f"The url is refused: {error}.")
            errors.raise_if_any()
            raise
        dispatcher.add_receiver(receiver)
        return JSONResponse({"receivers": len(dispatcher.receivers)}, status_code=201)
    if request.method == "DELETE":
        dispatcher.clear_receivers()
        return Response(status_code=204)
    return JSONResponse(
        {
            "receivers": [receiver.url for receiver in dispatcher.receivers],
            "pending": dispatcher.pending,
            "deliveries": [asdict(delivery) for delivery in dispatcher.deliveries()],
        }
    )


def _employee_id(request: Request) -> int:
    value = parse_int(request.path_params["id"])
    if value is None or value not in twin_state(request).data.employees:
        raise ApiError(404, "No employee with this ID.")
    return value


async def change_subscription(request: Request) -> Response:
    """Set an employee's subscription and emit employee-subscription-changed."""
    state = twin_state(request)
    employee_id = _employee_id(request)
    body = await _body(request)
    errors = FieldErrors()
    if not isinstance(body.get("status"), str) or not body["status"]:
        errors.add("status", "The status must be a non-empty string.")
    for name in _SUBSCRIPTION_DATES:
        if body.get(name) is not None and not isinstance(body[name], str):
            errors.add(name, f"The {name} must be a YYYY-MM-DD string or null.")
    errors.raise_if_any()
    with state.lock:
        employee = state.data.employees[employee_id]
        changes = {attr: body[name] for name, attr in _SUBSCRIPTION_DATES.items() if name in body}
        subscription: Subscription = replace(employee.subscription, status=body["status"], **changes)
        employee = replace(employee, subscription=subscription)
        state.replace(employees={**state.data.employees, employee_id: employee})
    state.webhooks.publish([subscription_changed_event(employee, state.clock())])
    return JSONResponse({"data": subscription_json(subscription)})


async def generate_document(request: Request) -> Response:
    """Create a document for an employee and emit new-employee-document-generated."""
    state = twin_state(request)
    employee_id = _employee_id(request)
    body = await _body(request)
    name = body.get("documentName", "Transit Invoice")
    downloadable = body.get("downloadable", True)
    errors = FieldErrors()
    if not isinstance(name, str) or not name:
        errors.add("documentName", "The documentName must be a non-empty string.")
    if not isinstance(downloadable, bool):
        errors.add("downloadable", "The downloadable must be true or false.")
    errors.raise_if_any()
    stamp = iso_datetime(state.clock())
    with state.lock:
        document_id = max(state.data.documents, default=0) + 1
        document = Document(document_id, employee_id, name, "pdf", downloadable, stamp, stamp)
        state.replace(documents={**state.data.documents, document_id: document})
    state.webhooks.publish([document_generated_event(document, state.clock())])
    return JSONResponse({"data": document_json(document, base_url(request))}, status_code=201)


async def clock(request: Request) -> Response:
    """Read or advance the twin's clock; advancing needs a fake clock."""
    state = twin_state(request)
    if request.method == "POST":
        advance: Callable[[float], float] | None = getattr(state.clock, "advance", None)
        if advance is None:
            raise ApiError(
                409, "The twin runs on the real clock; start it with a fake clock to advance time."
            )
        seconds = (await _body(request)).get("seconds")
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
            raise ApiError(
                422, "Invalid control request.", errors={"seconds": ["The seconds must be a number >= 0."]}
            )
        advance(float(seconds))
    now = state.clock()
    return JSONResponse({"now": now, "iso": iso_datetime(now), "fake": hasattr(state.clock, "advance")})


async def faults(request: Request) -> Response:
    """Read, switch on (with a spec string) or switch off (null) fault injection."""
    state = twin_state(request)
    if request.method == "PUT":
        spec = (await _body(request)).get("spec")
        if spec is not None and not isinstance(spec, str):
            raise ApiError(
                422, "Invalid control request.", errors={"spec": ["The spec must be a string or null."]}
            )
        try:
            state.set_faults(parse_fault_spec(spec) if spec else None)
        except FaultSpecError as exc:
            raise ApiError(422, "Invalid control request.", errors={"spec": [str(exc)]}) from None
    injector = state.faults
    return JSONResponse({"spec": str(injector.spec) if injector else None})


def control_routes() -> list[Route]:
    """The ``/_twin/`` routes."""
    return [
        Route(f"{CONTROL_PREFIX}/reset", reset, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/keys", keys, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/webhooks", webhooks, methods=["GET", "POST", "DELETE"]),
        Route(f"{CONTROL_PREFIX}/employees/{{id}}/subscription", change_subscription, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/employees/{{id}}/documents", generate_document, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/clock", clock, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/clock/advance", clock, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/faults", faults, methods=["GET", "PUT"]),
    ]
