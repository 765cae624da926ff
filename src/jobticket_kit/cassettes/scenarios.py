"""The recorded scenarios: every operation and every status the target can be made to return.

Each scenario makes its requests with the generated client, exactly as the client layer would make
them (same paths and query), so one cassette replays through both. A scenario's name is its cassette's
file name; the names are stable, because downstream tests refer to them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jobticket import PaginationError
from jobticket._pagination import ListingProof, wire_page
from jobticket_api.api.documents import download_document, get_document, list_all_documents
from jobticket_api.api.documents import list_employee_documents as list_documents_of
from jobticket_api.api.employees import get_employee, list_employees
from jobticket_api.api.health import health_check
from jobticket_api.api.hr_integrations import get_hr_integration, list_hr_integrations, trigger_hr_sync
from jobticket_api.models import HrSyncRequest
from jobticket_api.types import UNSET
from jobticket_kit.cassettes.recording_context import (
    DISABLED,
    MISSING_ID,
    NO_VIEW_EMPLOYEES,
    NO_VIEW_INTEGRATIONS,
    PROBE,
    UNKNOWN_KEY,
    RecordingContext,
    RecordingError,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobticket_api.types import Response

__all__ = ["SCENARIOS", "SYNC_ID", "SYNTHETIC_EMPLOYEE", "Scenario"]

SYNC_ID = "kit-cassette-recording"
# The one employee the 204 sync adds: synthetic, and matched by hrId on every later recording.
SYNTHETIC_EMPLOYEE = {
    "firstName": "Kit",
    "lastName": "Recorder",
    "email": "kit.recorder@example.com",
    "hrId": "kit-cassette-recorder",
}
_PRIME_LIMIT = 150  # more than the documented 100 per minute: enough to reach any 429


@dataclass(frozen=True)
class Scenario:
    """One cassette: what it shows, which operation and status, and what the target must offer."""

    name: str
    operation: str
    status: int
    description: str
    run: Callable[[RecordingContext], None]
    keys: tuple[str, ...] = ()
    destructive: bool = False
    needs_blocked_document: bool = False
    prepare: Callable[[RecordingContext], None] | None = None

    def unavailable(self, context: RecordingContext) -> str | None:
        """Why this scenario cannot be recorded on ``context`` (None when it can)."""
        missing = [key for key in self.keys if key not in context.keys]
        if missing:
            return f"needs the key(s) {', '.join(missing)} in JOBTICKET_LIMITED_KEYS"
        if self.destructive and context.ids.sync_integration is None:
            return "is destructive: needs JOBTICKET_ALLOW_DESTRUCTIVE=1 and JOBTICKET_SANDBOX_INTEGRATION_ID"
        if self.needs_blocked_document and context.ids.blocked_document is None:
            return "needs a document with downloadable: false on the target"
        return None


SCENARIOS: list[Scenario] = []


def _scenario(
    name: str, operation: str, status: int, description: str, **options: Any
) -> Callable[[Callable[[RecordingContext], None]], Callable[[RecordingContext], None]]:
    def register(run: Callable[[RecordingContext], None]) -> Callable[[RecordingContext], None]:
        SCENARIOS.append(Scenario(name, operation, status, description, run, **options))
        return run

    return register


def _expect(response: Response[Any], status: int) -> Response[Any]:
    if response.status_code != status:
        raise RecordingError(f"expected {status}, the target answered {int(response.status_code)}")
    return response


@_scenario("health-check-200", "healthCheck", 200, "Health Check without credentials.")
def _health(context: RecordingContext) -> None:
    _expect(health_check.sync_detailed(client=context.client(None)), 200)


@_scenario("list-employees-200", "listEmployees", 200, "First page of 10 employees.")
def _list_employees(context: RecordingContext) -> None:
    client = context.client()
    _expect(list_employees.sync_detailed(client=client, page=1, per_page=10, sort_field=UNSET), 200)


@_scenario(
    "list-employees-email-filter-200",
    "listEmployees",
    200,
    "Get Employee, then List Employees filtered by that employee's email (the scrubbed email agrees).",
)
def _email_filter(context: RecordingContext) -> None:
    client = context.client()
    employee = _expect(get_employee.sync_detailed(context.ids.employee, client=client), 200)
    email = json.loads(employee.content)["data"]["email"]
    _expect(
        list_employees.sync_detailed(client=client, page=1, per_page=100, sort_field=UNSET, email=email), 200
    )


@_scenario("list-employees-422", "listEmployees", 422, "List Employees with perPage=101 (above the maximum).")
def _invalid_per_page(context: RecordingContext) -> None:
    client = context.client()
    _expect(list_employees.sync_detailed(client=client, page=1, per_page=101, sort_field=UNSET), 422)


@_scenario("get-employee-200", "getEmployee", 200, "One employee with subscription, plan, ticket and links.")
def _get_employee(context: RecordingContext) -> None:
    _expect(get_employee.sync_detailed(context.ids.employee, client=context.client()), 200)


@_scenario("get-employee-404", "getEmployee", 404, "Get Employee with an id no employee has.")
def _missing_employee(context: RecordingContext) -> None:
    _expect(get_employee.sync_detailed(MISSING_ID, client=context.client()), 404)


@_scenario(
    "list-employee-documents-200", "listEmployeeDocuments", 200, "Every document of the employee (one page)."
)
def _documents_of(context: RecordingContext) -> None:
    client = context.client()
    _expect(list_documents_of.sync_detailed(context.ids.employee, client=client, page=1, per_page=100), 200)


@_scenario("list-all-documents-200", "listAllDocuments", 200, "First page of 10 documents of the company.")
def _all_documents(context: RecordingContext) -> None:
    _expect(list_all_documents.sync_detailed(client=context.client(), page=1, per_page=10), 200)


@_scenario("get-document-200", "getDocument", 200, "Metadata of a downloadable document.")
def _get_document(context: RecordingContext) -> None:
    _expect(get_document.sync_detailed(context.ids.document, client=context.client()), 200)


@_scenario(
    "download-document-200",
    "downloadDocument",
    200,
    "Get Document (downloadable: true), then Download Document: the PDF, byte for byte.",
)
def _download(context: RecordingContext) -> None:
    client = context.client()
    _expect(get_document.sync_detailed(context.ids.document, client=client), 200)
    _expect(download_document.sync_detailed(context.ids.document, client=client), 200)


@_scenario(
    "download-document-409",
    "downloadDocument",
    409,
    "Get Document (downloadable: false), then Download Document anyway: 409.",
    needs_blocked_document=True,
)
def _download_blocked(context: RecordingContext) -> None:
    client = context.client()
    blocked = context.ids.blocked_document
    assert blocked is not None  # unavailable() keeps this scenario off targets without one
    _expect(get_document.sync_detailed(blocked, client=client), 200)
    _expect(download_document.sync_detailed(blocked, client=client), 409)


@_scenario("list-hr-integrations-200", "listHrIntegrations", 200, "Every HR integration (one page).")
def _integrations(context: RecordingContext) -> None:
    client = context.client()
    _expect(list_hr_integrations.sync_detailed(client=client, page=1, per_page=100, sort_field=UNSET), 200)


@_scenario("get-hr-integration-200", "getHrIntegration", 200, "One HR integration.")
def _integration(context: RecordingContext) -> None:
    _expect(get_hr_integration.sync_detailed(context.ids.integration, client=context.client()), 200)


@_scenario("get-hr-integration-404", "getHrIntegration", 404, "Get HR Integration with an unused id.")
def _missing_integration(context: RecordingContext) -> None:
    _expect(get_hr_integration.sync_detailed(MISSING_ID, client=context.client()), 404)


@_scenario("auth-401-missing-credentials", "getEmployee", 401, "Get Employee without credentials.")
def _no_credentials(context: RecordingContext) -> None:
    _expect(get_employee.sync_detailed(context.ids.employee, client=context.client(None)), 401)


@_scenario("auth-401-invalid-credentials", "getEmployee", 401, "Get Employee with an unknown key.")
def _invalid_credentials(context: RecordingContext) -> None:
    _expect(get_employee.sync_detailed(context.ids.employee, client=context.client(UNKNOWN_KEY)), 401)


@_scenario("auth-401-disabled-key", "getEmployee", 401, "Get Employee with a disabled key.", keys=(DISABLED,))
def _disabled_key(context: RecordingContext) -> None:
    _expect(get_employee.sync_detailed(context.ids.employee, client=context.client(DISABLED)), 401)


@_scenario(
    "permission-403-view-employees",
    "getEmployee",
    403,
    "Get Employee with a key that lacks view-employees.",
    keys=(NO_VIEW_EMPLOYEES,),
)
def _no_view_employees(context: RecordingContext) -> None:
    client = context.client(NO_VIEW_EMPLOYEES)
    _expect(get_employee.sync_detailed(context.ids.employee, client=client), 403)


@_scenario(
    "permission-403-view-hr-integrations",
    "getHrIntegration",
    403,
    "Get HR Integration with a key that lacks view-hr-integrations.",
    keys=(NO_VIEW_INTEGRATIONS,),
)
def _no_view_integrations(context: RecordingContext) -> None:
    client = context.client(NO_VIEW_INTEGRATIONS)
    _expect(get_hr_integration.sync_detailed(context.ids.integration, client=client), 403)


def _exhaust_rate_limit(context: RecordingContext) -> None:
    """Use up the probe key's limit outside the cassette, so the cassette holds just the 429."""
    with context.client(PROBE, rate_limited=True) as client:
        for _ in range(_PRIME_LIMIT):
            if get_employee.sync_detailed(context.ids.employee, client=client).status_code == 429:
                return
    raise RecordingError(f"no 429 after {_PRIME_LIMIT} requests: is the rate limit on?")


@_scenario(
    "rate-limit-429",
    "getEmployee",
    429,
    "Get Employee with a key that is blocked by the rate limit (Retry-After in seconds).",
    keys=(PROBE,),
    prepare=_exhaust_rate_limit,
)
def _rate_limited(context: RecordingContext) -> None:
    client = context.client(PROBE, rate_limited=True)
    _expect(get_employee.sync_detailed(context.ids.employee, client=client), 429)


def _roster(context: RecordingContext, integration: int) -> list[dict[str, Any]]:
    """The integration's current roster plus the synthetic employee: nobody is offboarded.

    The pages are read exactly as the client layer's guarded sync reads them, so the cassette
    replays through ``JobTicket.sync_roster`` too, and proven complete as it proves them: a roster
    built from a listing that undercounts would offboard whoever it left out.
    """
    client = context.client()
    roster: dict[str, dict[str, Any]] = {}
    proof = ListingProof[Any]("GET /employees")
    while True:
        response = _expect(
            list_employees.sync_detailed(client=client, page=proof.number, per_page=100, sort_field=UNSET),
            200,
        )
        body = json.loads(response.content)["data"]
        page = wire_page(body)
        try:
            proof.check(page)
        except PaginationError as error:
            raise RecordingError(f"the listing of employees is not complete: {error}") from None
        for employee in body["data"]:
            if employee["subscription"]["status"] == "cancelled":
                continue  # offboarded already; sending them would not reactivate them anyway (O-26)
            for link in employee["hrIntergartionLinks"]:
                if link["hrIntegrationId"] == integration:
                    fields = ("firstName", "lastName", "email", "dateOfBirth", "profileImage")
                    roster[link["hrId"]] = {name: employee[name] for name in fields} | {"hrId": link["hrId"]}
        if proof.is_last(page):
            break
    roster.setdefault(SYNTHETIC_EMPLOYEE["hrId"], dict(SYNTHETIC_EMPLOYEE))
    return list(roster.values())


def _sync_integration(context: RecordingContext) -> int:
    integration = context.ids.sync_integration
    assert integration is not None  # unavailable() keeps destructive scenarios off targets without one
    return integration


@_scenario(
    "trigger-hr-sync-204",
    "triggerHrSync",
    204,
    "List every employee (as the guarded client sync does), then sync the integration's roster "
    "plus one synthetic employee: 204, nobody offboarded.",
    destructive=True,
)
def _sync(context: RecordingContext) -> None:
    integration = _sync_integration(context)
    body = HrSyncRequest.from_dict({"syncId": SYNC_ID, "employees": _roster(context, integration)})
    _expect(trigger_hr_sync.sync_detailed(integration, client=context.client(), body=body), 204)


@_scenario(
    "trigger-hr-sync-422",
    "triggerHrSync",
    422,
    "Trigger HR Sync with an empty hrId and an invalid startDate: 422, nothing applied.",
    destructive=True,
)
def _invalid_sync(context: RecordingContext) -> None:
    item = {key: value for key, value in SYNTHETIC_EMPLOYEE.items() if key != "hrId"}
    body = HrSyncRequest.from_dict(
        {"syncId": SYNC_ID, "employees": [item | {"hrId": "", "startDate": "not-a-date"}]}
    )
    client = context.client()
    _expect(trigger_hr_sync.sync_detailed(_sync_integration(context), client=client, body=body), 422)


@_scenario(
    "trigger-hr-sync-400",
    "triggerHrSync",
    400,
    "Trigger HR Sync with a text/plain body: 400, nothing applied.",
    destructive=True,
)
def _unparseable_sync(context: RecordingContext) -> None:
    http = context.client().get_httpx_client()
    response = http.post(
        f"/hr-integrations/{_sync_integration(context)}/sync",
        content=b"not json",
        headers={"Content-Type": "text/plain"},
    )
    if response.status_code != 400:
        raise RecordingError(f"expected 400, the target answered {response.status_code}")
