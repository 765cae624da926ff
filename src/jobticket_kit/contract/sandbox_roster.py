"""Leave the sandbox integration as it was found: the kit's synthetic roster, and nothing else.

Every tool that changes the sandbox integration (the recorder's sync scenarios, the contract suite's
destructive checks) links, renames or offboards synthetic employees. Left behind, those changes break
the next run: the recorder's employee, still linked, makes the next nightly's roster sync offboard
"1 of 4", above the client's 10 % guard, night after night. So each such tool runs inside
:func:`restoring`, which brings the integration back to the sandbox's resting state, the kit's
synthetic roster (:func:`~jobticket_kit.contract.synthetic.synthetic_roster`), when it ends, also
after a failure, and first cleans up what an earlier run left (a run that was killed cannot restore).

The API has no "unlink": a full-roster sync is the only way back, and it cannot be empty (O-21). The
resting state is therefore that roster, which is also what the destructive checks sync themselves, so
nobody new is linked (and billed) night after night. A restoring sync never creates anyone: it sends
the roster's employees that exist (changed back where a tool renamed them), leaving out everyone else,
who is offboarded; on an integration that held none of them (a recording on a fresh sandbox) it sends
the leftovers as terminated rows, so they are offboarded and nothing else changes. It is sent
only when a dry run shows something to undo (someone to offboard, someone to update); it may offboard
any share of the integration (``allow_large_offboarding``), because before anything is sent its plan
must show that every employee it offboards or changes is synthetic, and the caller's ``guard`` (the
time-of-use sandbox guard) sees the same plan and may still refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jobticket import JobTicketError, SyncRefusedError
from jobticket_kit.contract.synthetic import is_synthetic

if TYPE_CHECKING:
    from jobticket import JobTicket
    from jobticket.hr_sync import SyncPlan

__all__ = ["Guard", "Restored", "SandboxNotRestored", "restore", "restoring"]

Guard = Callable[["SyncPlan"], None]
"""Sees a restoring sync's plan before anything is sent; raises ``SyncRefusedError`` to refuse it."""


_LONG_AGO = "2000-01-01"


class SandboxNotRestored(RuntimeError):
    """The sandbox integration could not be brought back to its synthetic roster; says why, no values."""


@dataclass(frozen=True)
class Restored:
    """What a restoring sync undid: how many employees it offboarded and how many it changed back."""

    offboarded: int
    updated: int

    def describe(self) -> str:
        """One line for a log or a report (counts only)."""
        return f"offboarded {self.offboarded}, changed back {self.updated}"


def restore(
    client: JobTicket, integration_id: int, roster: Sequence[dict[str, Any]], *, guard: Guard | None = None
) -> Restored | None:
    """Bring ``integration_id`` back to ``roster`` if it holds anything else; None when it already does.

    Raises :class:`SandboxNotRestored` when the restoring sync cannot be planned or sent, or is refused.
    """
    items = [dict(item) for item in roster]
    try:
        plan = client.sync_roster(integration_id, items, dry_run=True).plan
        if not (plan.offboarded_active or plan.updated):
            return None
        # Restore the roster's employees that exist; create none (a tool that found the integration
        # without them must not leave them behind, linked and billed). With none of them there, the
        # leftovers are sent as terminated rows: offboarded, and nobody else is linked.
        kept = [
            item for item, change in zip(items, plan.employees, strict=False) if change.action != "create"
        ]
        rows = kept or _terminated(client, plan)
        sent = client.sync_roster(
            integration_id,
            rows,
            allow_large_offboarding=True,
            before_send=lambda fresh: _checked(fresh, guard),
        ).plan
    except SyncRefusedError as refused:
        raise SandboxNotRestored(
            f"the restoring sync of HR integration {integration_id} was refused: {refused}"
        ) from None
    except JobTicketError as error:
        raise SandboxNotRestored(
            f"the restoring sync of HR integration {integration_id} failed ({type(error).__name__})"
        ) from error
    return Restored(offboarded=sent.offboarded_active, updated=len(sent.updated))


def _terminated(client: JobTicket, plan: SyncPlan) -> list[dict[str, Any]]:
    """The employees ``plan`` offboards, as terminated roster rows (a sync offboards them, creates none).

    Their dates lie long ago, so the server's clock, whatever its day, sees them terminated (O-26).
    """
    rows = []
    for change in plan.employees:
        if change.action != "offboard" or change.employee_id is None:
            continue
        employee = client.get_employee(change.employee_id)
        rows.append(
            {
                "firstName": employee.first_name,
                "lastName": employee.last_name,
                "email": employee.email,
                "hrId": change.hr_id,
                "startDate": _LONG_AGO,
                "terminationDate": _LONG_AGO,
            }
        )
    return rows


@contextmanager
def restoring(
    client: JobTicket, integration_id: int, roster: Sequence[dict[str, Any]], *, guard: Guard | None = None
) -> Iterator[Restored | None]:
    """Clean up leftovers, run the block, then restore ``roster`` however the block ended.

    Yields what the clean-up undid (None: the integration held the roster already).
    """
    cleaned = restore(client, integration_id, roster, guard=guard)
    try:
        yield cleaned
    finally:
        restore(client, integration_id, roster, guard=guard)


def _checked(plan: SyncPlan, guard: Guard | None) -> None:
    """Refuse a restoring sync that would offboard or change anyone who is not synthetic."""
    foreign = [
        change.employee_id
        for change in plan.employees
        if change.action in ("offboard", "update") and not is_synthetic(change.email, change.hr_id)
    ]
    if foreign:
        ids = ", ".join(str(employee_id) for employee_id in foreign[:10])
        raise SyncRefusedError(
            f"it would offboard or change {len(foreign)} employee(s) who are not the kit's synthetic "
            f"employees (ids {ids}); nothing was sent",
            plan,
        )
    if guard is not None:
        guard(plan)
