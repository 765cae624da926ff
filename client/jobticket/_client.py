"""The synchronous client: one paced, retrying httpx.Client behind typed methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from . import _operations as ops
from ._base import DEFAULTS, ClientCore, raise_for_status, translate_transport_errors
from ._borrowed import BorrowedTransport
from ._bounds import decoded
from ._download import Destination, DownloadResult, download_error, open_sink
from ._exceptions import JobTicketError, NotDownloadableError
from ._pagination import Pager
from ._raw import NO_RESPONSE_FOR_NOBODY, RawResponse, capture, record, unrecorded
from ._same_origin import SameOriginTransport
from ._transport import ResilientTransport

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from types import TracebackType

    from jobticket_api.models import (
        DocumentSortField,
        Employee,
        EmployeeDocument,
        HealthStatus,
        HrIntegration,
        ListEmployeesSortField,
        ListHrIntegrationsSortField,
        SortOrder,
    )

    from ._clock import Clock
    from ._environments import Environment
    from ._hr_sync import SyncHistory, SyncPlan, SyncResult
    from ._hr_sync_flow import SyncRun
    from ._operations import Page
    from ._pacer import Pacer
    from ._pacer_store import PacerStore
    from ._retry import RetryPolicy
    from ._roster import RosterEntry

__all__ = ["JobTicket", "JobTicketWithRawResponse"]

T = TypeVar("T")


class JobTicket:
    """Client of the JobTicket+ B2B API.

    ``JobTicket()`` reads ``JOBTICKET_BASE_URL``, ``JOBTICKET_USERNAME`` and ``JOBTICKET_PASSWORD``;
    ``JobTicket("staging", username=..., password=...)`` names an environment. Every request is paced
    below the credential's rate limit, has a finite timeout and is retried only when that is safe.

    ``timeout`` is httpx's (per connect, read, write); ``deadline`` bounds a whole call, retries and body
    included (default three times the read timeout), so a server dripping bytes cannot hold it open.
    ``max_retries`` (default 2) and ``retry_after_cap`` (default 60 s) build the retry policy, or
    ``retry_policy`` gives the whole of it. ``rate_limit`` per ``rate_window_seconds`` (default 90 per
    60 s) creates the credential's pacer when this is its first client in the process; later clients
    share it, and asking one of them for another limit raises. ``pacer`` chooses the pacer instead.
    ``pacer_store`` (else ``JOBTICKET_PACER_STORE``, default ``"file"``) is where the slots live:
    ``"memory"`` for this process, ``"file"`` for every process of the user on the host, ``"redis://…"``
    for several hosts. ``headers`` go with every request. Arguments that set the same thing
    (``retry_policy`` and ``max_retries``, ``pacer`` and ``rate_limit``...) raise
    :class:`ConfigurationError` naming both. ``max_body_bytes`` (default 4 MiB) caps every JSON or error
    body and ``max_download_bytes`` (default 100 MiB) a downloaded document, both counted decoded while
    they stream (:class:`ResponseTooLargeError`); JSON nested deeper than 64 levels is refused before
    it is parsed (:class:`ResponseTooDeepError`). ``clock`` is the one source of time and waiting for
    pacing, retries and back-off (``FakeClock()`` in tests: nothing waits in real time); ``transport``
    is for tests. :meth:`with_options` gives a client with other per-call options on the same
    connections and pacer.
    """

    def __init__(
        self,
        base_url: str | Environment | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        timeout: float | httpx.Timeout = DEFAULTS["timeout"],
        deadline: float | None = None,
        max_body_bytes: int | None = None,
        max_download_bytes: int | None = None,
        max_retries: int | None = None,
        retry_after_cap: float | None = None,
        rate_limit: int | None = None,
        rate_window_seconds: float | None = None,
        pacer: Pacer | None = None,
        pacer_store: PacerStore | str | None = None,
        retry_policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        core = ClientCore.build(
            base_url,
            username=username,
            password=password,
            timeout=timeout,
            deadline=deadline,
            max_body_bytes=max_body_bytes,
            max_download_bytes=max_download_bytes,
            max_retries=max_retries,
            retry_after_cap=retry_after_cap,
            rate_limit=rate_limit,
            rate_window_seconds=rate_window_seconds,
            pacer=pacer,
            pacer_store=pacer_store,
            retry_policy=retry_policy,
            headers=headers,
            clock=clock,
            env=env,
        )
        self._connect(core, transport or httpx.HTTPTransport(), owns_pool=True)

    def _connect(self, core: ClientCore, pool: httpx.BaseTransport, *, owns_pool: bool) -> None:
        self._core = core
        self._pool = pool
        resilient = ResilientTransport(
            pool if owns_pool else BorrowedTransport(pool),
            pacer=core.pacer,
            policy=core.policy,
            clock=core.clock,
            deadline=core.deadline,
            max_body_bytes=core.max_body_bytes,
        )
        guarded = SameOriginTransport(resilient, core.settings.base_url)
        self._http = httpx.Client(transport=guarded, **core.client_options())

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        max_body_bytes: int | None = None,
        max_download_bytes: int | None = None,
    ) -> Self:
        """A client with these options replaced (None keeps this one's), for one call or a few.

        It shares this client's connection pool, pacer, clock and credentials: nothing is opened, and
        the credential's rate limit is still kept. ``headers`` are added to this client's. A new
        ``timeout`` moves the default deadline with it. Closing it leaves the pool open; it stays
        usable while this client is::

            client.with_options(timeout=5, max_retries=0).get_employee(42)
        """
        derived = type(self).__new__(type(self))
        core = self._core.derive(
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            headers=headers,
            max_body_bytes=max_body_bytes,
            max_download_bytes=max_download_bytes,
        )
        derived._connect(core, self._pool, owns_pool=False)
        return derived

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: Any) -> Self:
        """Build the client from the three ``JOBTICKET_*`` variables (of ``env`` or the process)."""
        return cls(env=env, **options)

    def __repr__(self) -> str:
        return f"JobTicket({self._core!r})"

    # -- lifecycle and raw access ------------------------------------------------------------------

    @property
    def http(self) -> httpx.Client:
        """The underlying httpx client, paced and retrying like every typed call, for raw requests."""
        return self._http

    @property
    def base_url(self) -> str:
        """The checked base URL every request goes to, in its canonical spelling."""
        return self._core.settings.base_url

    @property
    def pacer(self) -> Pacer:
        """The pacer shared by every client of this credential."""
        return self._core.pacer

    @property
    def with_raw_response(self) -> JobTicketWithRawResponse:
        """The raw variant of every typed call: the same arguments, the response beside the value."""
        return JobTicketWithRawResponse(self)

    def close(self) -> None:
        """Close the connection pool (a client made by :meth:`with_options` leaves it to its origin)."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a raw request and return the response; error statuses raise the typed errors."""
        with translate_transport_errors():
            response = self._http.request(method, url, **kwargs)
        record(response)
        raise_for_status(response)
        return response

    def _run(self, operation: ops.Operation[T]) -> T:
        return operation.read(self.request(**operation.kwargs))

    # -- endpoints -----------------------------------------------------------------------------------

    def health(self) -> HealthStatus:
        """Health Check (no authentication needed, not rate limited per O-5)."""
        return self._run(ops.health())

    def get_employee(self, employee_id: int) -> Employee:
        """Get Employee."""
        return self._run(ops.employee(employee_id))

    def list_employees(
        self,
        *,
        status: str | None = None,
        plan_type: str | None = None,
        email: str | None = None,
        ids: Iterable[int] | None = None,
        sort_field: ListEmployeesSortField | None = None,
        sort_order: SortOrder | None = None,
        per_page: int = ops.MAX_PER_PAGE,
    ) -> Pager[Employee]:
        """Every employee matching the filters, fetched lazily 100 per request.

        ``ids=[]`` asks for nobody: no request is sent and the result is empty (the API would read an
        empty ``ids`` as no filter and answer with the whole company). Each id must be a positive int.
        """
        return Pager(
            self._run,
            ops.employees_query(
                per_page=per_page,
                sort_field=sort_field,
                sort_order=sort_order,
                status=status,
                plan_type=plan_type,
                email=email,
                ids=ids,
            ),
        )

    def list_employee_documents(
        self,
        employee_id: int,
        *,
        sort_field: DocumentSortField | None = None,
        sort_order: SortOrder | None = None,
        per_page: int = ops.MAX_PER_PAGE,
    ) -> Pager[EmployeeDocument]:
        """Every document of one employee, fetched lazily."""
        return Pager(
            self._run,
            ops.documents_query(
                employee_id=employee_id, per_page=per_page, sort_field=sort_field, sort_order=sort_order
            ),
        )

    def list_documents(
        self,
        *,
        sort_field: DocumentSortField | None = None,
        sort_order: SortOrder | None = None,
        per_page: int = ops.MAX_PER_PAGE,
    ) -> Pager[EmployeeDocument]:
        """Every document of the company, fetched lazily."""
        return Pager(
            self._run, ops.documents_query(per_page=per_page, sort_field=sort_field, sort_order=sort_order)
        )

    def get_document(self, document_id: int) -> EmployeeDocument:
        """Get Document (metadata only; see :meth:`download_document` for the file)."""
        return self._run(ops.document(document_id))

    def list_hr_integrations(
        self,
        *,
        sort_field: ListHrIntegrationsSortField | None = None,
        sort_order: SortOrder | None = None,
        per_page: int = ops.MAX_PER_PAGE,
    ) -> Pager[HrIntegration]:
        """Every HR integration of the company, fetched lazily."""
        return Pager(
            self._run,
            ops.hr_integrations_query(per_page=per_page, sort_field=sort_field, sort_order=sort_order),
        )

    def get_hr_integration(self, integration_id: int) -> HrIntegration:
        """Get HR Integration."""
        return self._run(ops.hr_integration(integration_id))

    def download_document(self, document: int | EmployeeDocument, destination: Destination) -> DownloadResult:
        """Stream a document's file to a path (atomically) or a writable binary stream.

        A path destination is checked first (a directory or an unwritable folder raises ``OSError`` before
        any request), then ``downloadable`` (one Get Document call unless a document object is passed), so
        a non-downloadable document raises :class:`NotDownloadableError` without a download attempt; so
        does a 409 of the download itself (a stale flag). A file larger than ``max_download_bytes``
        (counted decoded) raises :class:`ResponseTooLargeError` and leaves no file at a path.
        """
        limit = self._core.max_download_bytes
        with open_sink(destination, limit) as (sink, path):  # before any request: the file can be created
            metadata = self.get_document(document) if isinstance(document, int) else document
            if not metadata.downloadable:
                raise NotDownloadableError(metadata.id)
            with translate_transport_errors(), self._http.stream(**ops.download(metadata.id)) as response:
                record(response)
                if not response.is_success:
                    response.read()
                    raise_for_status(response, download_error(response, metadata.id))
                sink.check_framing(response)
                for chunk in decoded(response):
                    sink.write(chunk, response)
                sink.check_complete(response)
                content_type = response.headers.get("content-type")
        return DownloadResult(metadata.id, sink.bytes_written, content_type, path)

    def sync_roster(
        self,
        integration_id: int,
        roster: Iterable[RosterEntry],
        *,
        sync_id: str | None = None,
        dry_run: bool = False,
        max_offboard_ratio: float = DEFAULTS["max_offboard_ratio"],
        allow_large_offboarding: bool = False,
        history: SyncHistory | None = None,
        on_page: Callable[[int, int], None] | None = None,
        before_send: Callable[[SyncPlan], None] | None = None,
        read_back: bool = True,
    ) -> SyncResult:
        """Trigger HR Sync behind the guard: validate, plan against the current employees, refuse, send.

        The roster is the COMPLETE list: everyone linked to the integration and left out is offboarded.
        An invalid or empty roster raises :class:`RosterError`, a plan that offboards more than
        ``max_offboard_ratio`` of the active linked employees raises :class:`SyncRefusedError` (unless
        ``allow_large_offboarding``), and so does one that takes the offboarding of the ``history``'s
        rolling period over its limit; ``dry_run`` returns the plan and every guard's verdict without
        sending anything. ``on_page(page, total_pages)`` reports the one listing of the employees;
        ``before_send(plan)`` sees the fresh plan before anything is sent, and refuses the sync by
        raising :class:`SyncRefusedError` (the HR roster application checks an approved plan so). The
        sync itself (a POST) is never retried after it may have reached the server.

        The plan rests on a strict listing: pages that contradict themselves raise a
        :class:`PaginationError` and nothing is sent. After the API accepted the sync, ``read_back``
        lists the employees again and compares them with the plan; a difference (still there after
        about 30 s, O-28) or a read-back that fails raises :class:`SyncIncidentError`, whose ``result``
        says the sync was sent.
        """
        from ._hr_sync_flow import SyncRun, report_progress  # noqa: PLC0415 - import jobticket stays light

        run = SyncRun.start(
            self._core,
            integration_id,
            roster,
            sync_id=sync_id,
            max_offboard_ratio=max_offboard_ratio,
            allow_large_offboarding=allow_large_offboarding,
            history=history,
            before_send=before_send,
        )
        run.plan(report_progress(self.list_employees().pages(), on_page))
        if dry_run:
            return run.dry_result()
        self._run(run.operation())
        result = run.sent_result()
        if read_back:
            with unrecorded():  # a raw variant keeps the sync's own answer
                self._read_back(run, result)
        return result

    def _read_back(self, run: SyncRun, result: SyncResult) -> None:
        """Raise :class:`SyncIncidentError` unless a fresh listing shows the outcome the plan promised."""
        from ._hr_sync_flow import READ_BACK_WAITS  # noqa: PLC0415 - import jobticket stays light

        try:
            for wait in (0.0, *READ_BACK_WAITS):
                if wait:
                    self._core.clock.sleep(wait)
                read_back = run.read_back()
                for employee in self.list_employees():  # strict, streamed
                    read_back.add(employee)
                discrepancies = read_back.discrepancies()
                if not discrepancies:
                    return
        except JobTicketError as error:
            raise run.incident(result, []) from error
        raise run.incident(result, discrepancies)


class JobTicketWithRawResponse:
    """``client.with_raw_response``: each typed call, same arguments, returning a :class:`RawResponse`.

    A listing's raw variant fetches its first page only: the page (``.parse().total``...) and its response.
    """

    def __init__(self, client: JobTicket) -> None:
        self._client = client

    def health(self) -> RawResponse[HealthStatus]:
        """Health Check, with its response."""
        return capture(self._client.health)

    def get_employee(self, employee_id: int) -> RawResponse[Employee]:
        """Get Employee, with its response."""
        return capture(lambda: self._client.get_employee(employee_id))

    def list_employees(
        self,
        *,
        status: str | None = None,
        plan_type: str | None = None,
        email: str | None = None,
        ids: Iterable[int] | None = None,
        sort_field: ListEmployeesSortField | None = None,
        sort_order: SortOrder | None = None,
        per_page: int = ops.MAX_PER_PAGE,
    ) -> RawResponse[Page[Employee]]:
        """The first page of List Employees, with its response."""
        pager = self._client.list_employees(
            status=status,
            plan_type=plan_type,
            email=email,
            ids=ids,
            sort_field=sort_field,
            sort_order=sort_order,
            per_page=per_page,
        )
        if not pager.sends_requests:
            raise ValueError(NO_RESPONSE_FOR_NOBODY)
        return capture(pager.first_page)

    def list_employee_documents(
        self,
        employee_id: int,
        *,
        sort_field: DocumentSortField | None = None,
        sort_order: SortOrder | None = None,
        per_page: int = ops.MAX_PER_PAGE,
    ) -> RawResponse[Page[EmployeeDocument]]:
        """The first page of List Employee Documents, with its response."""
        pager = self._client.list_employee_documents(
            employee_id, sort_field=sort_field, sort_order=sort_order, per_page=per_page
        )
        return capture(pager.first_page)

    def list_documents(
        self,
        *,
        sort_field: DocumentSortField | None = None,
        sort_order: SortOrder | None = None,
        per_page: int = ops.MAX_PER_PAGE,
    ) -> RawResponse[Page[EmployeeDocument]]:
        """The first page of List All Documents, with its response."""
        pager = self._client.list_documents(sort_field=sort_field, sort_order=sort_order, per_page=per_page)
        return capture(pager.first_page)

    def get_document(self, document_id: int) -> RawResponse[EmployeeDocument]:
        """Get Document, with its response."""
        return capture(lambda: self._client.get_document(document_id))

    def list_hr_integrations(
        self,
        *,
        sort_field: ListHrIntegrationsSortField | None = None,
        sort_order: SortOrder | None = None,
        per_page: int = ops.MAX_PER_PAGE,
    ) -> RawResponse[Page[HrIntegration]]:
        """The first page of List HR Integrations, with its response."""
        pager = self._client.list_hr_integrations(
            sort_field=sort_field, sort_order=sort_order, per_page=per_page
        )
        return capture(pager.first_page)

    def get_hr_integration(self, integration_id: int) -> RawResponse[HrIntegration]:
        """Get HR Integration, with its response."""
        return capture(lambda: self._client.get_hr_integration(integration_id))

    def download_document(
        self, document: int | EmployeeDocument, destination: Destination
    ) -> RawResponse[DownloadResult]:
        """Download Document, with the file's response (its headers; the body went to ``destination``)."""
        return capture(lambda: self._client.download_document(document, destination))

    def sync_roster(
        self,
        integration_id: int,
        roster: Iterable[RosterEntry],
        *,
        sync_id: str | None = None,
        dry_run: bool = False,
        max_offboard_ratio: float = DEFAULTS["max_offboard_ratio"],
        allow_large_offboarding: bool = False,
        history: SyncHistory | None = None,
        on_page: Callable[[int, int], None] | None = None,
        before_send: Callable[[SyncPlan], None] | None = None,
        read_back: bool = True,
    ) -> RawResponse[SyncResult]:
        """Trigger HR Sync behind the guard, with the sync's response (a dry run: its listing's last page)."""
        return capture(
            lambda: self._client.sync_roster(
                integration_id,
                roster,
                sync_id=sync_id,
                dry_run=dry_run,
                max_offboard_ratio=max_offboard_ratio,
                allow_large_offboarding=allow_large_offboarding,
                history=history,
                on_page=on_page,
                before_send=before_send,
                read_back=read_back,
            )
        )
