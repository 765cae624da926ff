"""``jobticket.__all__`` lists exactly what a user needs (as httpx tests its own), and so does the roster's.

Test seams (``Origin``, ``shared_pacer``, the pacer stores, ...) are imported from their own modules, and
names of the previous release resolve only through the deprecation table (``test_deprecated_names``).
"""

from __future__ import annotations

from collections.abc import Collection

import jobticket
import jobticket.roster
import jobticket.webhooks
from jobticket import _exceptions

# Public submodules are imported by name (``from jobticket.webhooks import ...``), not re-exported.
SUBMODULES = {"hr_sync", "matching", "roster", "variables", "webhooks"}
INCLUDED_PRIVATE_MEMBERS = {"__version__"}


def public_members(module: object, submodules: Collection[str] = ()) -> set[str]:
    members = {
        name
        for name in dir(module)
        if (not name.startswith("_") or name in INCLUDED_PRIVATE_MEMBERS) and name not in submodules
    }
    members.discard("annotations")  # ``from __future__ import annotations`` leaves this name behind
    return members


def test_all_imports_are_exported() -> None:
    assert sorted(jobticket.__all__) == sorted(public_members(jobticket, SUBMODULES))
    assert len(set(jobticket.__all__)) == len(jobticket.__all__), "a name is listed twice"


# Names of jobticket._exceptions that are not at the top level, and where they are exported instead.
ELSEWHERE = {
    "jobticket.roster": {
        "CsvProblem",
        "HistoryError",
        "PlanAlreadyAppliedError",
        "PlanFileError",
        "RosterFileError",
        "StalePlanError",
        "SyncOutcomeUnknownError",
    },
    "jobticket.webhooks": {
        "InvalidSignatureError",
        "StaleWebhookError",
        "WebhookPayloadError",
        "WebhookTooLargeError",
    },
    "nowhere (the client handles them itself, or builds errors with them)": {
        "BlockedError",
        "DeadlineExceededError",
        "UnknownIntegrationError",
        "error_from_response",
        "request_id_of",
    },
}


def test_the_top_level_holds_every_error_of_the_clients_and_no_test_seam() -> None:
    # 54 names before issue 17, 39 after phase 2's first issues; issue 18 adds the listing proof's and the
    # bounds' errors (9).
    assert len(jobticket.__all__) <= 48
    for seam in ("Origin", "origin_of", "hosts_reached", "shared_pacer", "is_production_url", "SyncPlan"):
        assert seam not in jobticket.__all__
    elsewhere = set().union(*ELSEWHERE.values())
    assert set(_exceptions.__all__) - elsewhere == set(_exceptions.__all__) & set(jobticket.__all__)
    assert ELSEWHERE["jobticket.roster"] <= set(jobticket.roster.__all__)
    assert ELSEWHERE["jobticket.webhooks"] <= set(jobticket.webhooks.__all__)


def test_every_exported_name_resolves() -> None:
    for name in jobticket.__all__:
        assert getattr(jobticket, name) is not None, name
    assert jobticket.RosterError.__module__ == "jobticket._exceptions"


def test_the_roster_package_exports_exactly_its_public_members() -> None:
    assert sorted(jobticket.roster.__all__) == sorted(public_members(jobticket.roster))
    for name in jobticket.roster.__all__:
        assert getattr(jobticket.roster, name) is not None, name
    assert jobticket.roster.StalePlanError.__module__ == "jobticket._exceptions"
