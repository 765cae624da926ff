"""The roster application's guards, as HR reads them: offboarding, the bill, and what was not checked.

The client guards offboarding (per sync, and over a period with a history); this module adds two checks
that matter when a person runs a sync from an export:

- **the cost guard**: every newly linked employee costs 1 EUR per billing period (facts 10; the period
  is open point O-37, working assumption: a month). A wrong integration ID or a wrong export can link
  thousands in one command, so a sync adding more newly billed employees than
  ``max(max_new_billed, max_new_billed_ratio x employees billed now)`` is refused unless explicitly
  allowed. The defaults (50, 10 %) let a month of ordinary hiring through at any company size (50 EUR at
  most by mistake for a small one, 10 % as the offboarding guard uses), and stop a first sync, a wrong
  integration or a wrong export, where the bill jumps and someone should decide it knowingly;
- **the integration check**: a key without ``view-hr-integrations`` cannot confirm that the integration
  exists or is the one meant; the plan says so first and is refused unless that is accepted explicitly.

Each verdict names its override as the library keyword; the command line shows the matching flag.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._hr_sync import GuardCheck, SyncPlan

__all__ = [
    "DEFAULT_MAX_NEW_BILLED",
    "DEFAULT_MAX_NEW_BILLED_RATIO",
    "OVERRIDES",
    "BillingLimits",
    "GuardVerdict",
    "IntegrationCheck",
    "billing_verdict",
    "integration_verdict",
    "offboarding_verdict",
]

DEFAULT_MAX_NEW_BILLED = 50
DEFAULT_MAX_NEW_BILLED_RATIO = 0.10
BILLING_PERIOD = "per month (the billing period is open point O-37; a month is the working assumption)"
OVERRIDES = ("allow_large_offboarding", "allow_large_billing", "allow_unchecked_integration")
"""The explicit overrides, as library keywords (the command line spells them ``--allow-...``)."""


@dataclass(frozen=True)
class GuardVerdict:
    """One guard's verdict on a plan, as HR reads it."""

    name: str
    """``offboarding per sync``, ``offboarding over 7 days``, ``new billable links``, ``integration``."""
    measured: str
    """What the guard measured, in words: ``2 of 64 active linked employees (3.1 %)``."""
    limit: str
    """Its limit in words: ``10.0 %``."""
    refusal: str | None
    """Why it refuses the sync (None: it passes, or its override was given)."""
    override: str
    """The keyword that overrides it (one of :data:`OVERRIDES`)."""
    exceeded: bool = False
    """The limit is exceeded (``refusal`` is None when the override was given)."""

    def to_json(self) -> dict[str, Any]:
        """The verdict as saved in a plan file."""
        return {
            "guard": self.name,
            "measured": self.measured,
            "limit": self.limit,
            "refusal": self.refusal,
            "override": self.override,
            "exceeded": self.exceeded,
        }

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> GuardVerdict:
        """Read :meth:`to_json`."""
        return cls(
            str(body["guard"]),
            str(body["measured"]),
            str(body["limit"]),
            None if body["refusal"] is None else str(body["refusal"]),
            str(body["override"]),
            bool(body["exceeded"]),
        )


@dataclass(frozen=True)
class BillingLimits:
    """The cost guard's limits: newly billed employees per sync, absolute and relative."""

    max_new_billed: int = DEFAULT_MAX_NEW_BILLED
    max_new_billed_ratio: float = DEFAULT_MAX_NEW_BILLED_RATIO

    def __post_init__(self) -> None:
        if self.max_new_billed < 0:
            raise ValueError(f"max_new_billed must be 0 or more, got {self.max_new_billed}")
        if not 0 <= self.max_new_billed_ratio <= 1:
            raise ValueError(f"max_new_billed_ratio must be between 0 and 1, got {self.max_new_billed_ratio}")

    def limit(self, billed_before: int) -> int:
        """How many newly billed employees a sync may add to a company billing ``billed_before`` now."""
        return max(self.max_new_billed, math.floor(self.max_new_billed_ratio * billed_before))


@dataclass(frozen=True)
class IntegrationCheck:
    """What the plan knows of the integration: read (its name and status) or not, and why not."""

    checked: bool
    name: str | None = None
    status: str | None = None
    reason: str | None = None
    """Why it could not be read (``checked`` is False)."""

    def to_json(self) -> dict[str, Any]:
        """As saved in a plan file."""
        return {"checked": self.checked, "name": self.name, "status": self.status, "reason": self.reason}

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> IntegrationCheck:
        """Read :meth:`to_json`."""
        text = {key: None if body[key] is None else str(body[key]) for key in ("name", "status", "reason")}
        return cls(bool(body["checked"]), text["name"], text["status"], text["reason"])


def offboarding_verdict(check: GuardCheck, plan: SyncPlan) -> GuardVerdict:
    """The client's offboarding guard (per sync or over a period) in the plan's words."""
    if check.name == "per sync":
        measured = (
            f"{plan.offboarded_active} of {plan.active_linked} active linked employees ({check.share:.1%})"
        )
    else:
        measured = f"{check.share:.1%} of the active linked employees, by this sync and earlier ones"
    return GuardVerdict(
        f"offboarding {check.name}",
        measured,
        f"{check.limit:.1%}",
        check.refusal,
        "allow_large_offboarding",
        exceeded=check.share > check.limit,
    )


def billing_verdict(plan: SyncPlan, limits: BillingLimits, *, allow: bool) -> GuardVerdict:
    """The cost guard's verdict: newly billed employees against ``limits``."""
    new, billed = plan.newly_billed, plan.billed_before
    limit = limits.limit(billed)
    exceeded = new > limit
    refusal = None
    if exceeded and not allow:
        refusal = (
            f"the sync would newly bill {new} employees (+{new} EUR {BILLING_PERIOD}), above the limit of "
            f"{limit} for a company billing {billed} employees now (the larger of {limits.max_new_billed} "
            f"and {limits.max_new_billed_ratio:.0%} of them); check the integration ID and the roster, or "
            "pass allow_large_billing=True if this is intended"
        )
    return GuardVerdict(
        "new billable links",
        f"{new} newly billed, +{new} EUR per month (O-37); {billed} employees billed now",
        f"{limit}: the larger of {limits.max_new_billed} and {limits.max_new_billed_ratio:.0%} of them",
        refusal,
        "allow_large_billing",
        exceeded=exceeded,
    )


def integration_verdict(integration_id: int, check: IntegrationCheck, *, allow: bool) -> GuardVerdict:
    """The integration check's verdict: refused when the integration could not be read."""
    if check.checked:
        return GuardVerdict("integration", "read", "", None, "allow_unchecked_integration")
    refusal = None
    if not allow:
        refusal = (
            f"integration {integration_id} could not be checked ({check.reason}): the plan may be made "
            "against a wrong or missing integration; use a key with view-hr-integrations, or pass "
            "allow_unchecked_integration=True to accept this"
        )
    return GuardVerdict(
        "integration",
        f"NOT CHECKED ({check.reason})",
        "",
        refusal,
        "allow_unchecked_integration",
        exceeded=True,
    )
