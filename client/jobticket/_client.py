"""The synchronous client: one paced, retrying httpx.Client behind typed methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from . import _operations as ops
from ._base import DEFAULTS, ClientCore, raise_for_status, translate_transport_errors
from ._download import Destination, DownloadResult, download_error, open_sink
from ._exceptions import NotDownloadableError
from ._pagination import Pager
from ._same_origin import SameOriginTransport
from ._transport import ResilientTransport

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
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
    from ._pacer import Pacer
    from ._pacer_store import PacerStore
    from ._retry import RetryPolicy
    from ._roster import RosterEntry

__all__ = ["JobTicket"]

T = TypeVar("T")


class JobTicket:
    """Client of the JobTicket+ B2B API.

    ``JobTicket()`` reads ``JOBTICKET_BASE_URL``, ``JOBTICKET_USERNAME`` and ``JOBTICKET_PASSWORD``;
    ``JobTicket("staging", username=..., password=...)`` names an environment. Every request is paced
    below the credential's rate limit, has a finite timeout and is retried only when that is safe.

    ``timeout`` is httpx's (per connect, read, write); ``deadline`` bounds a whole call, retries and body
    included (default three times the read timeout), so a server dripping bytes cannot hold it open.
    ``rate_limit`` per ``rate_window_seconds`` applies when this is the first client of the credential in
    the process (later ones share its pacer; pass ``pacer=`` to choose). ``pacer_store`` (else
    ``JOBTICKET_PACER_STORE``, default ``"file"``) is where the slots live: ``"memory"`` for this process,
    ``"file"`` for every process of the user on the host, ``"redis://…"`` for several hosts.
    ``retry_policy`` replaces ``max_retries`` and ``retry_after_cap``. ``clock`` is the one source of
    time and waiting for pacing, retries and back-off (``FakeClock()`` in tests: nothing waits in real
    time); ``transport`` is for tests.
    """

    def __init__(
        self,
        base_url: str | Environment | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        timeout: float | httpx.Timeout = DEFAULTS["timeout"],
        deadline: float | None = DEFAULTS["deadline"],
        max_retries: int = DEFAULTS["max_retries"],
        retry_after_cap: float = DEFAULTS["retry_after_cap"],
        rate_limit: int = DEFAULTS["rate_limit"],
        rate_window_seconds: float = DEFAULTS["rate_window_seconds"],
        pacer: Pacer | None = None,
        pacer_store: PacerStore | str | None = None,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._core = ClientCore(
            base_url,
            username=username,
            password=password,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            retry_after_cap=retry_after_cap,
            rate_limit=rate_limit,
            rate_window_seconds=rate_window_seconds,
            pacer=pacer,
            pacer_store=pacer_store,
            retry_policy=retry_policy,
            clock=clock,
            env=env,
        )
        resilient = ResilientTransport(
            transport or httpx.HTTPTransport(),
            pacer=self._core.pacer,
            policy=self._core.policy,
            clock=self._core.clock,
            deadline=self._core.deadline,
        )
        guarded = SameOriginTransport(resilient, self._core.settings.base_url)
        self._http = httpx.Client(transport=guarded, **self._core.client_options())

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

    def close(self) -> None:
        """Close the connection pool."""
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
        ids: Sequence[int] | None = None,
        sort_field: ListEmployeesSortField | None = None,
        sort_order: SortOrder | None = None,
        per_page: int = ops.MAX_PER_PAGE,
    ) -> Pager[Employee]:
        """Every employee matching the filters, fetched lazily 100 per request."""
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
        does a 409 of the download itself (a stale flag).
        """
        with open_sink(destination) as (sink, path):  # before any request: the file can be created
            metadata = self.get_document(document) if isinstance(document, int) else document
            if not metadata.downloadable:
                raise NotDownloadableError(metadata.id)
            with translate_transport_errors(), self._http.stream(**ops.download(metadata.id)) as response:
                if not response.is_success:
                    response.read()
                    raise_for_status(response, download_error(response, metadata.id))
                sink.check_framing(response)
                for chunk in response.iter_bytes():
                    sink.write(chunk)
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
        return run.sent_result()
