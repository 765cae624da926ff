"""The ten documented operations, each checking in the order 401 → 429 → 403 → 404 → 400 → 422 → 409."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from jobticket_twin.auth import authenticate, require_permissions
from jobticket_twin.errors import ApiError, FieldErrors
from jobticket_twin.listing import INT64_MAX, PageRequest, parse_int, parse_page_request
from jobticket_twin.models import SYNC_PERMISSIONS, Employee
from jobticket_twin.pdf import render_pdf
from jobticket_twin.representation import JSON_TYPE, page_bytes, single_bytes
from jobticket_twin.sync import reconcile, validate_roster
from jobticket_twin.webhooks import subscription_changed_event

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from starlette.requests import Request

    from jobticket_twin.indexes import Record, RecordIndex
    from jobticket_twin.state import TwinState

__all__ = ["api_routes", "base_url", "twin_state"]

EMPLOYEE_SORT_FIELDS = ("id", "firstName", "lastName", "email")
DOCUMENT_SORT_FIELDS = ("id", "documentName", "createdAt", "updatedAt")
INTEGRATION_SORT_FIELDS = ("id", "name", "createdAt")
R = TypeVar("R", bound="Record")


def twin_state(request: Request) -> TwinState:
    """The state of the twin serving ``request``."""
    state: TwinState = request.app.state.twin
    return state


def base_url(request: Request) -> str:
    """The twin's own base URL, used in every HAL link (O-36)."""
    return str(request.base_url).rstrip("/")


def _authorize(request: Request, permissions: Iterable[str]) -> TwinState:
    """Authenticate (401), count against the rate limit (429), then check permissions (403)."""
    state = twin_state(request)
    key = authenticate(request.headers.get("authorization"), state.keys)
    retry_after = state.rate_limiter.hit(key.key_id)
    if retry_after is not None:
        raise ApiError(
            429,
            f"Too many requests: this API key is blocked; retry after {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )
    require_permissions(key, permissions)
    return state


def _lookup(request: Request, records: Mapping[int, R], what: str) -> R:
    """The record named by the path ``id``; 404 for unknown IDs and anything not a positive int64 (O-34)."""
    value = parse_int(request.path_params["id"])
    record = records.get(value) if value is not None and 1 <= value <= INT64_MAX else None
    if record is None:
        raise ApiError(404, f"No {what} with this ID.")
    return record


def _single(request: Request, index: RecordIndex[R], record: R) -> Response:
    """The single-resource envelope ``{"data": ...}``."""
    return Response(single_bytes(index.json(record, base_url(request))), media_type=JSON_TYPE)


def _page_request(request: Request, sort_fields: tuple[str, ...]) -> PageRequest:
    """The page and sort parameters, or one 422 naming every bad one."""
    errors = FieldErrors()
    page = parse_page_request(request.query_params, sort_fields, errors)
    errors.raise_if_any()
    return page


def _page(request: Request, index: RecordIndex[R], ordered: Sequence[R], page: PageRequest) -> Response:
    """One page of ``ordered`` (already in the requested order) in the nested list envelope."""
    start = (page.page - 1) * page.per_page
    url = base_url(request)
    rows = [index.json(record, url) for record in ordered[start : start + page.per_page]]
    return Response(page_bytes(rows, page.page, page.per_page, len(ordered)), media_type=JSON_TYPE)


def _parse_ids(request: Request, errors: FieldErrors) -> set[int] | None:
    """The ``ids`` filter: comma-separated, repeated parameters also accepted (O-9).

    ``ids=`` with no id is a validation error (the spec's ``minItems: 1``), never "no filter": a caller
    whose computed id set is empty must not get the whole company.
    """
    raw_values = request.query_params.getlist("ids")
    entries = [entry.strip() for raw in raw_values for entry in raw.split(",")]
    if not entries:
        return None
    if not any(entries):
        errors.add("ids", "The ids must list at least one employee id.")
        return None
    ids: set[int] = set()
    for entry in entries:
        value = parse_int(entry)
        if value is None or not 1 <= value <= INT64_MAX:
            errors.add("ids", "The ids must be positive integers separated by commas.")
            return None
        ids.add(value)
    return ids


async def list_employees(request: Request) -> Response:
    """List Employees with the filters of O-9 (AND; unknown values match nothing)."""
    state = _authorize(request, ["view-employees"])
    errors = FieldErrors()
    page = parse_page_request(request.query_params, EMPLOYEE_SORT_FIELDS, errors)
    ids = _parse_ids(request, errors)
    errors.raise_if_any()
    query = request.query_params
    status, plan_type, email = query.get("status"), query.get("planType"), query.get("email")
    indexes = state.data.indexes
    index = indexes.employees

    def wanted(employee: Employee) -> bool:
        return (status is None or employee.subscription.status == status) and (
            plan_type is None or employee.plan.type == plan_type
        )

    ordered: Sequence[Employee]
    if email is not None or ids is not None:  # a few candidates: filter and sort them here
        if email is not None:
            candidates = indexes.employees_by_email.get(email.casefold(), [])
        else:
            candidates = [e for i in sorted(ids or ()) if (e := state.data.employees.get(i)) is not None]
        chosen = [e for e in candidates if (ids is None or e.id in ids) and wanted(e)]
        ordered = index.sort(chosen, page.sort_field, page.descending)
    else:  # the index's order, of everyone or of one status and plan type
        subset = None if status is None and plan_type is None else ((status, plan_type), wanted)
        ordered = index.ordered(page.sort_field, page.descending, subset)
    return _page(request, index, ordered, page)


async def get_employee(request: Request) -> Response:
    """Get Employee."""
    state = _authorize(request, ["view-employees"])
    index = state.data.indexes.employees
    return _single(request, index, _lookup(request, state.data.employees, "employee"))


async def list_employee_documents(request: Request) -> Response:
    """List Employee Documents; an unknown employee is 404 (O-10)."""
    state = _authorize(request, ["view-employees"])
    data = state.data
    employee = _lookup(request, data.employees, "employee")
    page = _page_request(request, DOCUMENT_SORT_FIELDS)
    index = data.indexes.documents
    documents = data.indexes.documents_by_employee.get(employee.id, [])
    return _page(request, index, index.sort(documents, page.sort_field, page.descending), page)


async def list_all_documents(request: Request) -> Response:
    """List All Documents (path O-2), no filters (O-10)."""
    state = _authorize(request, ["view-employees"])
    page = _page_request(request, DOCUMENT_SORT_FIELDS)
    index = state.data.indexes.documents
    return _page(request, index, index.ordered(page.sort_field, page.descending), page)


async def get_document(request: Request) -> Response:
    """Get Document: metadata only."""
    state = _authorize(request, ["view-employees"])
    index = state.data.indexes.documents
    return _single(request, index, _lookup(request, state.data.documents, "document"))


async def download_document(request: Request) -> Response:
    """Download Document (O-3): raw PDF, or 409 when the document is not downloadable (O-4)."""
    state = _authorize(request, ["view-employees"])
    document = _lookup(request, state.data.documents, "document")
    if not document.downloadable:
        raise ApiError(409, "This document is not downloadable yet; check `downloadable` first.")
    filename = document.name.replace('"', "'") + ".pdf"
    return Response(
        render_pdf(document.name),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def health_check(request: Request) -> Response:
    """Health Check (O-5): no authentication, not rate limited; 503 in the "unhealthy" fault mode."""
    faults = twin_state(request).faults
    if faults is not None and faults.spec.unhealthy:
        return JSONResponse({"message": "The service is unhealthy (injected fault)."}, status_code=503)
    return JSONResponse({"status": "ok"})


async def list_hr_integrations(request: Request) -> Response:
    """List HR Integrations (path O-6)."""
    state = _authorize(request, ["view-hr-integrations"])
    page = _page_request(request, INTEGRATION_SORT_FIELDS)
    index = state.data.indexes.integrations
    return _page(request, index, index.ordered(page.sort_field, page.descending), page)


async def get_hr_integration(request: Request) -> Response:
    """Get HR Integration (path O-7)."""
    state = _authorize(request, ["view-hr-integrations"])
    index = state.data.indexes.integrations
    return _single(request, index, _lookup(request, state.data.integrations, "HR integration"))


async def _json_body(request: Request) -> object:
    """The parsed JSON body, or 400 for a wrong Content-Type or unparseable JSON (O-14)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise ApiError(400, "The request body must be sent as application/json.")
    raw = await request.body()
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "The request body is not valid JSON.") from None


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


async def trigger_hr_sync(request: Request) -> Response:
    """Trigger HR Sync: validate the whole roster, reconcile a copy, swap it in, then send webhooks."""
    state = _authorize(request, SYNC_PERMISSIONS)
    integration = _lookup(request, state.data.integrations, "HR integration")
    sync = validate_roster(await _json_body(request))
    with state.lock:
        outcome = reconcile(state.data, integration.id, sync, state.clock())
        state.publish(outcome.data)
    now = state.clock()
    state.webhooks.publish(
        subscription_changed_event(employee, now) for employee in outcome.subscription_changed
    )
    return Response(status_code=204)


def _get(path: str, endpoint: Callable[[Request], Any]) -> Route:
    route = Route(path, endpoint, methods=["GET"])
    route.methods = {"GET"}  # no implicit HEAD: the spec documents GET only
    return route


def api_routes() -> list[Route]:
    """The documented paths; any other method on them is 405."""
    return [
        _get("/employees", list_employees),
        _get("/employees/{id}", get_employee),
        _get("/employees/{id}/documents", list_employee_documents),
        _get("/employee-documents", list_all_documents),
        _get("/employee-documents/{id}", get_document),
        _get("/employee-documents/{id}/download", download_document),
        _get("/health", health_check),
        _get("/hr-integrations", list_hr_integrations),
        _get("/hr-integrations/{id}", get_hr_integration),
        Route("/hr-integrations/{id}/sync", trigger_hr_sync, methods=["POST"]),
    ]
