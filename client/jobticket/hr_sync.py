"""The guarded HR sync's types: what ``JobTicket.sync_roster`` plans, checks and returns.

Loaded on first use, not by ``import jobticket`` (the planner is the largest part of the client, and most
programs never sync a roster): ``from jobticket.hr_sync import SyncPlan`` when annotating, as
openai-python keeps its types apart from its top level. :class:`SyncHistory` is what
``sync_roster(history=...)`` asks of a record of earlier syncs (the HR roster application's
``OffboardingHistory`` is one).
"""

from __future__ import annotations

from ._hr_sync import (
    EmployeeChange,
    FieldChange,
    GuardCheck,
    PlannedChange,
    SubscriptionChange,
    SyncHistory,
    SyncPlan,
    SyncResult,
)
from ._roster import RosterEntry

__all__ = [
    "EmployeeChange",
    "FieldChange",
    "GuardCheck",
    "PlannedChange",
    "RosterEntry",
    "SubscriptionChange",
    "SyncHistory",
    "SyncPlan",
    "SyncResult",
]
