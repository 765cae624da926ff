"""The HR roster application: from an HR system's CSV export to an approved plan, then exactly that sync.

Built on the client (:mod:`jobticket`) and never imported by it: ``import jobticket`` stays a light API
client, and a program that only reads subscriptions never loads the CSV reader, the plan files or the
command line. The guarded sync itself, and the types it plans with, are the client's
(``JobTicket.sync_roster``, :mod:`jobticket.hr_sync`); this package adds what HR teams work with::

    from pathlib import Path

    from jobticket import JobTicket
    from jobticket.roster import RosterPlan, apply_plan, checked_rows, plan_roster, read_roster_csv

    roster = read_roster_csv(Path("roster.csv"), {"hrId": "Personalnummer"}, encoding="cp1252")
    # or, with absences in a second file: read_export(Path("roster.csv"), ..., absences=Path("absences.csv"))
    with JobTicket() as client:
        plan = plan_roster(client, 7, checked_rows(roster), source=roster.source, lines=roster.lines)
    plan.save("roster.plan.json")  # HR reviews it (render_plan(plan, "text", plan.guards)), then:
    with JobTicket() as client:
        apply_plan(client, RosterPlan.load("roster.plan.json"), history=OffboardingHistory("history.json"))

The same steps run as ``jobticket roster plan|apply`` (the console script, or ``python -m jobticket``).
"""

from __future__ import annotations

from .._exceptions import (
    CsvProblem,
    HistoryError,
    PlanAlreadyAppliedError,
    PlanFileError,
    RosterFileError,
    StalePlanError,
    SyncOutcomeUnknownError,
)
from ._csv import ENCODINGS, CsvRoster, read_export, read_roster_csv
from ._fields import SENT_ONLY, SentOnlyField
from ._guards import BillingLimits, GuardVerdict, IntegrationCheck
from ._history import OffboardingHistory
from ._plan import PlanSummary, RosterPlan
from ._report import PLAN_FORMATS, render_plan, write_plan
from ._validation import checked_rows
from ._workflow import AppliedPlan, apply_plan, apply_plan_async, plan_roster, plan_roster_async

__all__ = [
    "ENCODINGS",
    "PLAN_FORMATS",
    "SENT_ONLY",
    "AppliedPlan",
    "BillingLimits",
    "CsvProblem",
    "CsvRoster",
    "GuardVerdict",
    "HistoryError",
    "IntegrationCheck",
    "OffboardingHistory",
    "PlanAlreadyAppliedError",
    "PlanFileError",
    "PlanSummary",
    "RosterFileError",
    "RosterPlan",
    "SentOnlyField",
    "StalePlanError",
    "SyncOutcomeUnknownError",
    "apply_plan",
    "apply_plan_async",
    "checked_rows",
    "plan_roster",
    "plan_roster_async",
    "read_export",
    "read_roster_csv",
    "render_plan",
    "write_plan",
]
