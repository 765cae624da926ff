"""The sandbox guard: destructive work off the twin only on an integration holding synthetic employees only.

A full-roster sync offboards everyone linked to the integration and left out of the roster, so before
the contract suite's destructive checks or a destructive recording run against anything but the twin,
this reads every employee linked to ``JOBTICKET_SANDBOX_INTEGRATION_ID`` and refuses unless each one
is synthetic (:func:`jobticket_kit.contract.synthetic.is_synthetic`). An integration with nobody linked
yet passes: the first run links the kit's own employees. The refusal names employee ids only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobticket import JobTicketError, NotFoundError
from jobticket_kit.contract.synthetic import is_synthetic
from jobticket_kit.target import SANDBOX_INTEGRATION_VAR, TargetError

if TYPE_CHECKING:
    from jobticket import JobTicket

__all__ = ["SandboxRefused", "check_sandbox"]

_SHOWN_IDS = 10


class SandboxRefused(TargetError):
    """The sandbox integration holds someone who is not synthetic, or cannot be read; nothing was sent."""


def check_sandbox(client: JobTicket, integration_id: int) -> int:
    """Refuse unless every employee linked to ``integration_id`` is synthetic; return how many are linked."""
    where = f"{SANDBOX_INTEGRATION_VAR}={integration_id}"
    linked: set[int] = set()
    foreign: set[int] = set()
    try:
        client.get_hr_integration(integration_id)
        for employee in client.list_employees():
            for link in employee.hr_intergartion_links:
                if link.hr_integration_id == integration_id:
                    linked.add(employee.id)
                    if not is_synthetic(employee.email, link.hr_id):
                        foreign.add(employee.id)
    except NotFoundError:
        raise SandboxRefused(f"{where}: the target has no such HR integration; nothing was sent") from None
    except JobTicketError as error:
        raise SandboxRefused(
            f"{where}: cannot read the integration's employees ({type(error).__name__}); nothing was sent"
        ) from None
    if foreign:
        ids = sorted(foreign)
        shown = ", ".join(map(str, ids[:_SHOWN_IDS])) + (" ..." if len(ids) > _SHOWN_IDS else "")
        raise SandboxRefused(
            f"{where}: {len(ids)} of the {len(linked)} employee(s) linked to it are not the kit's synthetic "
            f"employees (ids {shown}); destructive checks could offboard them, so nothing was sent. "
            "Use a dedicated integration that holds only synthetic employees (docs/safety.md)"
        )
    return len(linked)
