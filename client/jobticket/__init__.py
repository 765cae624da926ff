"""Production client of the JobTicket+ B2B API, built on the generated ``jobticket_api`` package.

Finite timeouts, safe retries, pacing below the rate limit, typed errors, lazy pagination, atomic
downloads, a guarded HR sync and webhook verification, for sync and async code alike::

    from jobticket import JobTicket

    with JobTicket() as client:  # JOBTICKET_BASE_URL, JOBTICKET_USERNAME, JOBTICKET_PASSWORD
        for employee in client.list_employees(status="active"):
            ...
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from . import _deprecated
from ._async_client import AsyncJobTicket
from ._base import __version__
from ._client import JobTicket
from ._clock import Clock, FakeClock, SystemClock
from ._download import DownloadResult
from ._environments import Environment, is_production_url
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    HistoryError,
    InternalServerError,
    JobTicketError,
    NotDownloadableError,
    NotFoundError,
    PacerStoreError,
    PaginationError,
    PermissionDeniedError,
    PlanFileError,
    RateLimitError,
    RosterError,
    StalePlanError,
    SyncRefusedError,
    UnexpectedResponseError,
    UnprocessableEntityError,
    UnsafeURLError,
)
from ._hosts import Origin, hosts_reached, origin_of
from ._operations import Page
from ._pacer import Pacer, shared_pacer
from ._pacer_store import PacerStore
from ._pagination import AsyncPager, Pager
from ._retry import RetryPolicy
from ._settings import DEFAULT_TIMEOUT, resolve_base_url

# The HR-sync names load on first use (PEP 562), like the sync machinery itself: most programs never
# sync a roster, and the planner's modules are the largest part of the client's import time.
_LAZY: dict[str, str] = {
    **dict.fromkeys(
        (
            "EmployeeChange",
            "FieldChange",
            "GuardCheck",
            "PlannedChange",
            "SyncPlan",
            "SyncResult",
        ),
        "._hr_sync",
    ),
    "OffboardingHistory": "._offboarding_history",
    "RosterProblem": "._exceptions",
    "validate_roster": "._roster",
    "RosterPlan": "._roster_plan",
}

if _TYPE_CHECKING:
    from ._exceptions import RosterProblem
    from ._hr_sync import (
        EmployeeChange,
        FieldChange,
        GuardCheck,
        PlannedChange,
        SyncPlan,
        SyncResult,
    )
    from ._offboarding_history import OffboardingHistory
    from ._roster import validate_roster
    from ._roster_plan import RosterPlan


def __getattr__(name: str) -> _Any:
    module = _LAZY.get(name)
    if module is None:
        return _deprecated.resolve(__name__, name)  # an old name (a DeprecationWarning), else AttributeError
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
    "EmployeeChange",
    "Environment",
    "FakeClock",
    "FieldChange",
    "GuardCheck",
    "HistoryError",
    "InternalServerError",
    "JobTicket",
    "JobTicketError",
    "NotDownloadableError",
    "NotFoundError",
    "OffboardingHistory",
    "Origin",
    "Pacer",
    "PacerStore",
    "PacerStoreError",
    "Page",
    "Pager",
    "PaginationError",
    "PermissionDeniedError",
    "PlanFileError",
    "PlannedChange",
    "RateLimitError",
    "RetryPolicy",
    "RosterError",
    "RosterPlan",
    "RosterProblem",
    "StalePlanError",
    "SyncPlan",
    "SyncRefusedError",
    "SyncResult",
    "SystemClock",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "UnsafeURLError",
    "__version__",
    "hosts_reached",
    "is_production_url",
    "origin_of",
    "resolve_base_url",
    "shared_pacer",
    "validate_roster",
]
