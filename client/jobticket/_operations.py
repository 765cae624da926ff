"""Each API operation as data: the request the generated code builds plus how to read the answer.

The sync and async clients only do the I/O; what to send and how to parse it lives here once, built on
the generated endpoint modules' request builders and models. Those are imported when an operation is
first built, not with this module, so ``import jobticket`` loads none of the ~70 model modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._bounds import STREAMED, loads_bounded
from ._exceptions import UnexpectedResponseError

if TYPE_CHECKING:
    import httpx

    from jobticket_api import models
    from jobticket_api.types import Unset

__all__ = ["MAX_PER_PAGE", "Nobody", "Operation", "Page", "PageQuery", "checked_ids"]

T = TypeVar("T")
MAX_PER_PAGE = 100
DOWNLOAD_ACCEPT = "application/pdf, application/json"


@dataclass(frozen=True)
class Operation(Generic[T]):
    """One request (httpx keyword arguments) and the parser of its successful JSON body."""

    kwargs: dict[str, Any]
    parse: Callable[[Any], T]
    reads_body: bool = True
    """False for an answer whose body means nothing (the sync's 204): it is never parsed."""

    def read(self, response: httpx.Response) -> T:
        """Parse a 2xx response; a body this client cannot read becomes a typed error, not a crash.

        The body was read within the size cap; its nesting is checked before it is parsed.
        """
        if not self.reads_body:
            return self.parse(None)
        try:
            return self.parse(loads_bounded(response.content, response) if response.content else None)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise UnexpectedResponseError(  # the reason's type only: its text may quote the body
                f"cannot read the {response.status_code} response of {self.kwargs['method'].upper()} "
                f"{self.kwargs['url']}: {type(error).__name__}",
                response=response,
            ) from error


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list endpoint, as the API numbers it."""

    items: list[T]
    page: int
    per_page: int
    total_pages: int
    total: int


PageQuery = Callable[[int], Operation[Page[T]]]


@dataclass(frozen=True)
class Nobody:
    """A list query that asks for nobody (an empty ``ids`` filter): answered here, no request is sent.

    The API reads ``ids=`` as no filter at all, so sending it would fetch the whole company; an empty
    set of ids asks for no one, and gets one empty page.
    """

    per_page: int

    def page(self) -> Page[Any]:
        """The one page of the answer: no items, no pages, a total of 0."""
        return Page([], 1, self.per_page, 0, 0)


def _unset(value: T | None) -> T | Unset:
    from jobticket_api.types import UNSET

    return UNSET if value is None else value


def health() -> Operation[models.HealthStatus]:
    """Operation of Health Check, sent without credentials: it needs none and counts against no key (O-5)."""
    from jobticket_api.api.health import health_check
    from jobticket_api.models import HealthStatus

    return Operation({**health_check._get_kwargs(), "auth": None}, HealthStatus.from_dict)


def employee(employee_id: int) -> Operation[models.Employee]:
    """Operation of Get Employee."""
    from jobticket_api.api.employees import get_employee
    from jobticket_api.models import EmployeeResponse

    return Operation(
        get_employee._get_kwargs(employee_id), lambda body: EmployeeResponse.from_dict(body).data
    )


def document(document_id: int) -> Operation[models.EmployeeDocument]:
    """Operation of Get Document."""
    from jobticket_api.api.documents import get_document
    from jobticket_api.models import EmployeeDocumentResponse

    return Operation(
        get_document._get_kwargs(document_id), lambda body: EmployeeDocumentResponse.from_dict(body).data
    )


def hr_integration(integration_id: int) -> Operation[models.HrIntegration]:
    """Operation of Get HR Integration."""
    from jobticket_api.api.hr_integrations import get_hr_integration
    from jobticket_api.models import HrIntegrationResponse

    return Operation(
        get_hr_integration._get_kwargs(integration_id),
        lambda body: HrIntegrationResponse.from_dict(body).data,
    )


def download(document_id: int) -> dict[str, Any]:
    """Request of Download Document; JSON is accepted too so that errors arrive parsed (facts 6.6)."""
    from jobticket_api.api.documents import download_document

    kwargs = download_document._get_kwargs(document_id)
    kwargs["headers"] = {**kwargs.get("headers", {}), "Accept": DOWNLOAD_ACCEPT}
    kwargs["extensions"] = {STREAMED: True}  # the file streams; the caller holds it to max_download_bytes
    return kwargs


def trigger_sync(integration_id: int, body: dict[str, Any]) -> Operation[None]:
    """Operation of Trigger HR Sync with an already validated JSON body (answered by 204)."""
    from jobticket_api.api.hr_integrations import trigger_hr_sync
    from jobticket_api.models import HrSyncRequest

    kwargs = trigger_hr_sync._get_kwargs(integration_id, body=HrSyncRequest(sync_id="", employees=[]))
    kwargs["json"] = body  # the validated wire form, sent exactly as checked
    return Operation(kwargs, lambda _body: None, reads_body=False)


def _page_reader(list_response: Any) -> Callable[[Any], Page[Any]]:
    def read(body: Any) -> Page[Any]:
        page = list_response.from_dict(body).data
        return Page(list(page.data), page.page, page.per_page, page.total_pages, page.total)

    return read


def employees_query(
    *,
    per_page: int = MAX_PER_PAGE,
    sort_field: models.ListEmployeesSortField | None = None,
    sort_order: models.SortOrder | None = None,
    status: str | None = None,
    plan_type: str | None = None,
    email: str | None = None,
    ids: Iterable[int] | None = None,
) -> PageQuery[models.Employee] | Nobody:
    """Page-by-page operations of List Employees with fixed filters (:class:`Nobody` for ``ids=[]``)."""
    from jobticket_api.api.employees import list_employees
    from jobticket_api.models import EmployeeListResponse

    wanted = None if ids is None else checked_ids(ids)
    if wanted == []:
        return Nobody(per_page)

    def query(page: int) -> Operation[Page[models.Employee]]:
        kwargs = list_employees._get_kwargs(
            page=page,
            per_page=per_page,
            sort_field=_unset(sort_field),
            sort_order=_unset(sort_order),
            status=_unset(status),
            plan_type=_unset(plan_type),
            email=_unset(email),
        )
        if wanted is not None:
            # The spec says style form, explode false: one comma-separated value (facts 6.1).
            kwargs["params"]["ids"] = ",".join(map(str, wanted))
        return Operation(kwargs, _page_reader(EmployeeListResponse))

    return query


def checked_ids(ids: Iterable[int]) -> list[int]:
    """The ids of an ``ids`` filter, each a positive integer; anything else would ask for someone else.

    A string is refused (``"42"`` would ask for employees 4 and 2), and so are booleans, floats and ids
    below 1, which ``int()`` would quietly turn into another employee's id.
    """
    if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
        raise TypeError(f"ids must be a collection of employee ids (integers), got {type(ids).__name__}")
    wanted = list(ids)
    for value in wanted:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"ids must hold positive integers (employee ids), got {value!r:.40}")
    return wanted


def documents_query(
    *,
    employee_id: int | None = None,
    per_page: int = MAX_PER_PAGE,
    sort_field: models.DocumentSortField | None = None,
    sort_order: models.SortOrder | None = None,
) -> PageQuery[models.EmployeeDocument]:
    """Page-by-page operations of List All Documents, or of one employee's documents."""
    from jobticket_api.api.documents import list_all_documents, list_employee_documents
    from jobticket_api.models import EmployeeDocumentListResponse

    def query(page: int) -> Operation[Page[models.EmployeeDocument]]:
        options: dict[str, Any] = {
            "page": page,
            "per_page": per_page,
            "sort_field": _unset(sort_field),
            "sort_order": _unset(sort_order),
        }
        kwargs = (
            list_all_documents._get_kwargs(**options)
            if employee_id is None
            else list_employee_documents._get_kwargs(employee_id, **options)
        )
        return Operation(kwargs, _page_reader(EmployeeDocumentListResponse))

    return query


def hr_integrations_query(
    *,
    per_page: int = MAX_PER_PAGE,
    sort_field: models.ListHrIntegrationsSortField | None = None,
    sort_order: models.SortOrder | None = None,
) -> PageQuery[models.HrIntegration]:
    """Page-by-page operations of List HR Integrations."""
    from jobticket_api.api.hr_integrations import list_hr_integrations
    from jobticket_api.models import HrIntegrationListResponse

    def query(page: int) -> Operation[Page[models.HrIntegration]]:
        kwargs = list_hr_integrations._get_kwargs(
            page=page, per_page=per_page, sort_field=_unset(sort_field), sort_order=_unset(sort_order)
        )
        return Operation(kwargs, _page_reader(HrIntegrationListResponse))

    return query
