"""What most likely went wrong in one failure: the vendor's contract, its availability, our keys, or us.

One function decides, for the run's verdict and for the nightly report alike. Evidence wins over
words: a check whose evidence (its own, or that of the shared setup it failed in) is a 5xx, a failed
connection or an unreadable body is an outage, whichever check it is and whatever exception followed.
"""

from __future__ import annotations

import re

__all__ = [
    "AUTH",
    "CONTRACT_DRIFT",
    "INCIDENT",
    "OUR_BUG",
    "OUTAGE",
    "OUTCOMES",
    "RATE_LIMITED",
    "classify",
]

CONTRACT_DRIFT = "contract drift"
INCIDENT = "incident"  # a run's, never a failure's: a sync it sent was applied otherwise than planned
OUTAGE = "outage"
AUTH = "auth"
RATE_LIMITED = "rate-limited"
OUR_BUG = "our own bug"
# In the order that explains a run: an outage or a revoked key explains the failures that follow it. An
# incident comes first: people's subscriptions changed, whatever else the night found.
OUTCOMES = (INCIDENT, OUTAGE, AUTH, RATE_LIMITED, OUR_BUG, CONTRACT_DRIFT)

_CONNECTION_ERRORS = re.compile(r"(ConnectionError|ConnectTimeout|ReadTimeout|ChunkedEncodingError)")
_PYTHON_ERRORS = re.compile(
    r"^(TypeError|AttributeError|KeyError|NameError|ImportError|ModuleNotFoundError|IndexError|ValueError|"
    r"RuntimeError|ZeroDivisionError)\b"
)
_CREDENTIAL_STATUS = re.compile(r"\b(401|403)\b")
_RATE_STATUS = re.compile(r"\b429\b")


def classify(
    *,
    check: str,
    title: str,
    message: str,
    test: str,
    status: int | None = None,
    outage_evidence: str | None = None,
) -> str:
    """The outcome class of one failure.

    ``status`` is the code of the check's last answer, if any; ``outage_evidence`` names an answer of
    the check (or of its shared setup) that says the target was unavailable, if there was one.
    """
    if outage_evidence or (status is not None and status >= 500):
        return OUTAGE
    if check == "not_a_server_error" or _CONNECTION_ERRORS.search(message.split("\n", maxsplit=1)[0]):
        return OUTAGE
    if check.endswith(("(setup)", "(teardown)")) or _PYTHON_ERRORS.match(message):
        return OUR_BUG
    if status == 429 or _RATE_STATUS.search(title):
        return RATE_LIMITED
    # A failing check about authentication is the contract's; elsewhere a 401/403 means our key.
    if "test_auth" not in test and (status in (401, 403) or _CREDENTIAL_STATUS.search(title)):
        return AUTH
    return CONTRACT_DRIFT
