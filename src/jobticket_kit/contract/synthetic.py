"""The kit's synthetic employees: the only people a contract check or a recording ever sends to an HR sync.

One rule marks them, here and nowhere else (:func:`is_synthetic`): the email is on the reserved
domain ``example.com`` (RFC 2606: no real mailbox can exist there) and the ``hrId`` of the link
starts with ``kit-``. A real roster has neither, so a sandbox integration holding anyone else is
refused before any destructive request (:mod:`jobticket_kit.contract.sandbox`).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ROSTER_SIZE",
    "SANDBOX_TAG",
    "SYNTHETIC_EMAIL_DOMAIN",
    "SYNTHETIC_HR_ID_PREFIX",
    "is_synthetic",
    "synthetic_employee",
    "synthetic_roster",
]

SYNTHETIC_EMAIL_DOMAIN = "example.com"
SYNTHETIC_HR_ID_PREFIX = "kit-"
SANDBOX_TAG = "sandbox"  # the tag of the roster the sandbox integration rests in (the twin's is "twin")
# Ten, so that a check dropping one of them stays within the client's 10 % offboarding guard, which
# nothing aimed at a real target overrides (jobticket_kit.contract.sandbox.guarded_sync).
ROSTER_SIZE = 10


def is_synthetic(email: str | None, hr_id: str | None) -> bool:
    """Whether an employee with this email, linked under this ``hrId``, is one of the kit's.

    Both must hold: an address ``<local>@example.com`` (exactly that domain, any case, no subdomain)
    and an ``hrId`` of ``kit-`` followed by at least one character.
    """
    if not (isinstance(email, str) and isinstance(hr_id, str)):
        return False
    local, at, domain = email.rpartition("@")
    return (
        bool(at and local)
        and "@" not in local
        and domain.lower() == SYNTHETIC_EMAIL_DOMAIN
        and hr_id.startswith(SYNTHETIC_HR_ID_PREFIX)
        and len(hr_id) > len(SYNTHETIC_HR_ID_PREFIX)
    )


def synthetic_employee(tag: str, number: int, **overrides: Any) -> dict[str, Any]:
    """A roster item that can only be synthetic: example.com address, ``kit-contract-`` hrId."""
    item: dict[str, Any] = {
        "firstName": f"Probe{number}",
        "lastName": f"Contract{tag}",
        "email": f"contract.{tag}.{number}@{SYNTHETIC_EMAIL_DOMAIN}",
        "hrId": f"{SYNTHETIC_HR_ID_PREFIX}contract-{tag}-{number}",
        "profileImage": None,
        "dateOfBirth": None,
        "startDate": "2024-01-01",
        "terminationDate": None,
        "autoSyncEmployee": None,
        "absences": [],
    }
    item.update(overrides)
    return item


def synthetic_roster(tag: str = SANDBOX_TAG) -> list[dict[str, Any]]:
    """The synthetic employees the destructive checks sync: the sandbox integration's resting roster."""
    return [synthetic_employee(tag, number) for number in range(1, ROSTER_SIZE + 1)]
