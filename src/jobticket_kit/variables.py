"""The environment variables of the kit's tooling: the client's names plus the kit's own, each defined once.

What each one means, its default and its rule live in :mod:`jobticket_kit.settings`, which reads them.
Tests clear :data:`ALL_VARIABLES` instead of keeping a list of their own, so a new variable can never leak
from a developer's shell into a test run.
"""

from __future__ import annotations

from jobticket.variables import BASE_URL, CLIENT_VARIABLES, PACER_STORE, PASSWORD, USERNAME

__all__ = [
    "ALLOW_DESTRUCTIVE",
    "ALL_VARIABLES",
    "BASE_URL",
    "CONTRACT_BUDGET",
    "CONTRACT_MAX_EXAMPLES",
    "CONTRACT_OUTPUT_DIR",
    "CONTRACT_PER_MINUTE",
    "CONTRACT_RATE_LIMIT",
    "CONTRACT_REPORTS",
    "CONTRACT_TOLERANT",
    "CONTRACT_WINDOW",
    "DEPRECATED_NAMES",
    "LIMITED_KEYS",
    "PACER_STORE",
    "PASSWORD",
    "SANDBOX_INTEGRATION_ID",
    "USERNAME",
]

ALLOW_DESTRUCTIVE = "JOBTICKET_ALLOW_DESTRUCTIVE"
SANDBOX_INTEGRATION_ID = "JOBTICKET_SANDBOX_INTEGRATION_ID"
LIMITED_KEYS = "JOBTICKET_LIMITED_KEYS"
CONTRACT_RATE_LIMIT = "JOBTICKET_CONTRACT_RATE_LIMIT"
CONTRACT_WINDOW = "JOBTICKET_CONTRACT_WINDOW"
CONTRACT_BUDGET = "JOBTICKET_CONTRACT_BUDGET"
CONTRACT_MAX_EXAMPLES = "JOBTICKET_CONTRACT_MAX_EXAMPLES"
CONTRACT_TOLERANT = "JOBTICKET_CONTRACT_TOLERANT"
CONTRACT_OUTPUT_DIR = "JOBTICKET_CONTRACT_OUTPUT_DIR"

# Deprecated names, still read (with a warning) for one release.
CONTRACT_PER_MINUTE = "JOBTICKET_CONTRACT_PER_MINUTE"
CONTRACT_REPORTS = "JOBTICKET_CONTRACT_REPORTS"

#: Current name -> the deprecated names it replaces.
DEPRECATED_NAMES: dict[str, tuple[str, ...]] = {
    CONTRACT_RATE_LIMIT: (CONTRACT_PER_MINUTE,),
    CONTRACT_OUTPUT_DIR: (CONTRACT_REPORTS,),
}

#: Every JOBTICKET_* variable any part of the kit reads, deprecated names included.
ALL_VARIABLES: tuple[str, ...] = (
    *CLIENT_VARIABLES,
    ALLOW_DESTRUCTIVE,
    SANDBOX_INTEGRATION_ID,
    LIMITED_KEYS,
    CONTRACT_RATE_LIMIT,
    CONTRACT_WINDOW,
    CONTRACT_BUDGET,
    CONTRACT_MAX_EXAMPLES,
    CONTRACT_TOLERANT,
    CONTRACT_OUTPUT_DIR,
    CONTRACT_PER_MINUTE,
    CONTRACT_REPORTS,
)
