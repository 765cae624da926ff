"""Production client of the JobTicket+ B2B API, built on the generated ``jobticket_api`` package.

Finite timeouts, safe retries, pacing below the rate limit, typed errors, lazy pagination, atomic
downloads, a guarded HR sync and webhook verification, for sync and async code alike::

    from jobticket import JobTicket

    with JobTicket() as client:  # JOBTICKET_BASE_URL, JOBTICKET_USERNAME, JOBTICKET_PASSWORD
        for employee in client.list_employees(status="active"):
            ...

The top level holds what a program using the API needs: the clients, their settings, the results they
return and every error they raise. The rest is imported from where it lives, on first use: the HR
sync's types from :mod:`jobticket.hr_sync`, webhook verification from :mod:`jobticket.webhooks`, the
variable names from :mod:`jobticket.variables`, and the HR roster application (CSV files, approved
plans, ``jobticket roster plan|apply``) from :mod:`jobticket.roster`, which the client never imports.
Names of the previous release still resolve here, with a ``DeprecationWarning`` saying where they went.
"""

from __future__ import annotations

from typing import Any as _Any

from . import _deprecated
from ._async_client import AsyncJobTicket
from ._client import JobTicket
from ._clock import Clock, FakeClock, SystemClock
from ._download import DownloadResult
from ._environments import Environment
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    DuplicateItemError,
    InternalServerError,
    ItemCountError,
    JobTicketError,
    LinkedTwiceError,
    ListingChangedError,
    NotDownloadableError,
    NotFoundError,
    PacerStoreError,
    PageCountError,
    PageNumberError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooDeepError,
    ResponseTooLargeError,
    RosterError,
    RosterProblem,
    ShortPageError,
    SyncIncidentError,
    SyncRefusedError,
    UnexpectedResponseError,
    UnprocessableEntityError,
    UnsafeURLError,
)
from ._operations import Page
from ._pacer import Pacer
from ._pacer_store import PacerStore
from ._pagination import AsyncPager, Pager
from ._raw import RawResponse
from ._retry import RetryPolicy
from ._roster import validate_roster
from ._settings import DEFAULT_TIMEOUT
from ._version import __version__


def __getattr__(name: str) -> _Any:
    return _deprecated.resolve(
        __name__, name
    )  # a name of the previous release (it warns), else AttributeError


__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncJobTicket",
    "AsyncPager",
    "AuthenticationError",
    "BadRequestError",
    "Clock",
    "ConfigurationError",
    "ConflictError",
    "DownloadResult",
    "DuplicateItemError",
    "Environment",
    "FakeClock",
    "InternalServerError",
    "ItemCountError",
    "JobTicket",
    "JobTicketError",
    "LinkedTwiceError",
    "ListingChangedError",
    "NotDownloadableError",
    "NotFoundError",
    "Pacer",
    "PacerStore",
    "PacerStoreError",
    "Page",
    "PageCountError",
    "PageNumberError",
    "Pager",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "ResponseTooDeepError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "RosterError",
    "RosterProblem",
    "ShortPageError",
    "SyncIncidentError",
    "SyncRefusedError",
    "SystemClock",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "UnsafeURLError",
    "__version__",
    "validate_roster",
]
