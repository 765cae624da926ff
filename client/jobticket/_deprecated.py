"""Names of the previous release that keep working for one more, each warning where its successor lives.

Every exception is now named ``*Error`` (``RateLimited`` is :class:`RateLimitError`), the HR sync's types
live in :mod:`jobticket.hr_sync`, the HR roster application in :mod:`jobticket.roster`, and
``jobticket.__all__`` holds what a user needs. The old names resolve here, through the package's PEP 562
``__getattr__``, to the very same objects (``except RateLimited`` still catches a ``RateLimitError``),
with a :class:`DeprecationWarning` naming the import to use instead. Only the two classes that moved
into the roster application cannot be reached this way, because the client never imports the
application: asking for them raises ``AttributeError`` naming their new home.
"""

from __future__ import annotations

import importlib
import warnings

__all__ = ["DEPRECATED", "MOVED", "resolve"]

_SYNC_TYPES = ("EmployeeChange", "FieldChange", "GuardCheck", "PlannedChange", "SyncPlan", "SyncResult")
_URL_CHECKS = {
    "jobticket._hosts": ("Origin", "hosts_reached", "origin_of"),
    "jobticket._environments": ("is_production_url",),
    "jobticket._settings": ("resolve_base_url",),
}

#: Old name in ``jobticket`` -> (module that holds it, its name there, what to do instead).
DEPRECATED: dict[str, tuple[str, str, str]] = {
    "RateLimited": ("jobticket._exceptions", "RateLimitError", "use jobticket.RateLimitError"),
    "UnsafeURL": ("jobticket._exceptions", "UnsafeURLError", "use jobticket.UnsafeURLError"),
    "SyncRefused": ("jobticket._exceptions", "SyncRefusedError", "use jobticket.SyncRefusedError"),
    "StalePlan": ("jobticket._exceptions", "StalePlanError", "use jobticket.roster.StalePlanError"),
    "PlanFileError": ("jobticket._exceptions", "PlanFileError", "use jobticket.roster.PlanFileError"),
    "HistoryError": ("jobticket._exceptions", "HistoryError", "use jobticket.roster.HistoryError"),
    **{name: ("jobticket._hr_sync", name, f"use jobticket.hr_sync.{name}") for name in _SYNC_TYPES},
    "shared_pacer": (
        "jobticket._pacer",
        "shared_pacer",
        "every client of a credential shares its pacer already (client.pacer); pass pacer= to choose one",
    ),
    **{
        name: (module, name, "the client checks its own URLs; a tool's check is jobticket_kit.hosts")
        for module, names in _URL_CHECKS.items()
        for name in names
    },
}

#: Old names of what moved into the HR roster application, which the client never imports.
MOVED = ("OffboardingHistory", "RosterPlan")


def resolve(module: str, name: str) -> object:
    """The object an old name stands for, warning at the caller's line; else ``AttributeError``."""
    if name in MOVED:
        raise AttributeError(
            f"{module}.{name} moved to the HR roster application: from jobticket.roster import {name}"
        )
    entry = DEPRECATED.get(name)
    if entry is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    source, current, advice = entry
    warnings.warn(
        f"{module}.{name} is deprecated and will be removed in the next release; {advice}",
        DeprecationWarning,
        stacklevel=3,  # resolve <- the package's __getattr__ <- the caller
    )
    return getattr(importlib.import_module(source), current)
