"""The environment variables of the kit's tooling: the client's three plus the kit's own, each defined once.

Tests clear :data:`ALL_VARIABLES` instead of keeping a list of their own, so a new variable can never leak
from a developer's shell into a test run.
"""

from __future__ import annotations

from jobticket.variables import BASE_URL, CLIENT_VARIABLES, PASSWORD, USERNAME

__all__ = [
    "ALLOW_DESTRUCTIVE",
    "ALL_VARIABLES",
    "BASE_URL",
    "CONTRACT_MAX_EXAMPLES",
    "CONTRACT_PER_MINUTE",
    "CONTRACT_REPORTS",
    "CONTRACT_TOLERANT",
    "LIMITED_KEYS",
    "PASSWORD",
    "SANDBOX_INTEGRATION_ID",
    "USERNAME",
]

ALLOW_DESTRUCTIVE = "JOBTICKET_ALLOW_DESTRUCTIVE"
SANDBOX_INTEGRATION_ID = "JOBTICKET_SANDBOX_INTEGRATION_ID"
LIMITED_KEYS = "JOBTICKET_LIMITED_KEYS"
CONTRACT_PER_MINUTE = "JOBTICKET_CONTRACT_PER_MINUTE"
CONTRACT_MAX_EXAMPLES = "JOBTICKET_CONTRACT_MAX_EXAMPLES"
CONTRACT_TOLERANT = "JOBTICKET_CONTRACT_TOLERANT"
CONTRACT_REPORTS = "JOBTICKET_CONTRACT_REPORTS"

#: Every JOBTICKET_* variable any part of the kit reads.
ALL_VARIABLES: tuple[str, ...] = (
    *CLIENT_VARIABLES,
    ALLOW_DESTRUCTIVE,
    SANDBOX_INTEGRATION_ID,
    LIMITED_KEYS,
    CONTRACT_PER_MINUTE,
    CONTRACT_MAX_EXAMPLES,
    CONTRACT_TOLERANT,
    CONTRACT_REPORTS,
)
