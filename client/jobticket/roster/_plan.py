"""A plan HR approves, saved as JSON, and the check that it still holds before it is sent.

A :class:`RosterPlan` is the exact body to send (rows and syncId), the plan computed from it, what is
known of the integration, the guards' verdicts and the integration state the plan rests on. Sending it
re-reads the state and refuses, sending nothing, when the state or the plan's outcome no longer match,
naming what changed. Its saved form (:mod:`._plan_json`) is covered whole by one fingerprint.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._exceptions import PlanFileError, StalePlanError
from .._hr_sync import describe_state_change
from ._escape import terminal
from ._fields import PAUSE_EFFECTS, SENT_ONLY, is_sent, open_ended, pause_effect, scheduled_offboarding
from ._files import read_bounded, write_private
from ._guards import GuardVerdict, IntegrationCheck
from ._plan_json import (
    FORMAT,
    VERSION,
    document_fingerprint,
    document_lines,
    plan_document,
    read_document,
    roster_fingerprint,
)

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator, Mapping

    from .._hr_sync import EmployeeChange, SyncPlan

__all__ = ["MAX_PLAN_BYTES", "PlanSummary", "RosterPlan", "describe_changes", "is_plan_file"]

MAX_PLAN_BYTES = 1 << 30
"""A saved plan larger than this (1 GiB, some ten million employees) is refused unread."""
_UNCHECKED = IntegrationCheck(False, reason="planned without reading it")
KINDS = ("create", "update", "offboard", "scheduled", "unchanged")
"""How the plan lists employees: the sync's actions, with the otherwise unchanged rows that schedule an
offboarding (a future ``terminationDate``) as ``scheduled``."""


@dataclass(frozen=True)
class PlanSummary:
    """The plan's counts as HR reads them (derived from the rows and the plan; no personal data)."""

    kinds: Mapping[str, int]
    """Employees per kind of :data:`KINDS`."""
    scheduled: int
    """Rows that schedule an offboarding (a future ``terminationDate``), whatever else they do."""
    first_scheduled: str | None
    sent: Mapping[str, int]
    """Per sent-only field (see :mod:`._fields`): rows that send a value."""
    sent_empty: Mapping[str, int]
    """Per sent-only field: rows that send it empty (null, or no absences), which clears a value recorded
    earlier."""
    new_links: int
    newly_billed: int
    billed_before: int
    pauses: Mapping[str, int] = field(default_factory=dict)
    """Per effect of :data:`PAUSE_EFFECTS`: employees whose absences change their subscription so (O-22)."""
    open_ended: int = 0
    """Absences sent without an end date."""

    def to_json(self) -> dict[str, Any]:
        """As saved in the plan file and shown by the JSON format."""
        return {
            "counts": dict(self.kinds),
            "scheduledOffboardings": self.scheduled,
            "firstScheduledOffboarding": self.first_scheduled,
            "sent": dict(self.sent),
            "sentEmpty": dict(self.sent_empty),
            "newLinks": self.new_links,
            "newlyBilled": self.newly_billed,
            "billedBefore": self.billed_before,
            "pauses": dict(self.pauses),
            "openEndedAbsences": self.open_ended,
        }


@dataclass(frozen=True)
class RosterPlan:
    """What HR reads and approves: exactly the body :func:`.apply_plan` sends, and its plan."""

    base_url: str
    integration_id: int
    sync_id: str
    created_at: datetime.datetime
    rows: list[dict[str, Any]] = field(repr=False)
    plan: SyncPlan
    source: str | None = None
    """The roster file's name, when the plan was made from one."""
    lines: tuple[int, ...] = ()
    """The file line of each row."""
    guards: tuple[GuardVerdict, ...] = field(default=(), compare=False)
    """The guards' verdicts when the plan was made (shown to HR; checked again when sending)."""
    integration: IntegrationCheck = _UNCHECKED
    """What could be read of the integration when the plan was made."""
    encoding: str | None = None
    """The roster file's encoding."""
    absences_source: str | None = None
    """The file the absences came from, when not the roster file itself (``--absences``)."""

    def __post_init__(self) -> None:
        _ = self.roster_fingerprint  # taken when the plan is made: rows changed later are refused

    @cached_property
    def roster_fingerprint(self) -> str:
        """Digest of the body to send (syncId and rows), taken when the plan was made."""
        return roster_fingerprint(self.sync_id, self.rows)

    def check_rows(self) -> None:
        """Raise :class:`PlanFileError` when the rows were changed since the plan was made (in memory)."""
        if roster_fingerprint(self.sync_id, self.rows) != self.roster_fingerprint:
            raise PlanFileError(
                "the plan's rows were changed after the plan was made; make a new plan from the roster"
            )

    @property
    def state_fingerprint(self) -> str:
        """Digest of the integration state the plan was computed on."""
        return self.plan.state_fingerprint

    @cached_property
    def fingerprint(self) -> str:
        """Digest of the saved plan: everything apply reads, and everything HR was shown."""
        return str(self.to_json()["fingerprint"])

    def name_of(self, change: EmployeeChange) -> tuple[str, str]:
        """The name and email a change is shown with: its row's, or the API's for an omitted employee."""
        row = self.row_of(change)
        if row is None:
            return change.name, change.email
        return f"{row['firstName']} {row['lastName']}".strip(), str(row["email"])

    def line_of(self, change: EmployeeChange) -> int | None:
        """The file line of a row's change (None for omitted employees or a roster given in code)."""
        if change.row is None or not self.lines:
            return None
        return self.lines[change.row]

    def row_of(self, change: EmployeeChange) -> Mapping[str, Any] | None:
        """The roster row of a change (None for an omitted employee)."""
        return None if change.row is None else self.rows[change.row]

    def kind(self, change: EmployeeChange) -> str:
        """The change's kind in :data:`KINDS`."""
        row = None if change.row is None else self.rows[change.row]
        plain = change.action == "unchanged" and row is not None and not change.stays_cancelled
        if plain and scheduled_offboarding(row, self.plan.today) is not None:  # type: ignore[arg-type]
            return "scheduled"
        return change.action

    def ordered(self) -> Iterator[EmployeeChange]:
        """Every employee's change, in the order the plan lists them (by kind, then as planned)."""
        kinds = [self.kind(change) for change in self.plan.employees]
        for wanted in KINDS:
            yield from (c for c, kind in zip(self.plan.employees, kinds, strict=True) if kind == wanted)

    @cached_property
    def summary(self) -> PlanSummary:
        """The plan's counts."""
        today = self.plan.today
        kinds = Counter(self.kind(change) for change in self.plan.employees)
        scheduled = [
            date
            for change in self.plan.employees
            if change.row is not None
            and not change.stays_cancelled
            and (date := scheduled_offboarding(self.rows[change.row], today)) is not None
        ]
        sent = {f.name: sum(1 for row in self.rows if is_sent(row.get(f.name))) for f in SENT_ONLY}
        empty = {
            f.name: sum(1 for row in self.rows if f.name in row and not is_sent(row[f.name]))
            for f in SENT_ONLY
        }
        pauses = Counter(
            pause_effect(change.subscription) for change in self.plan.employees if change.subscription
        )
        return PlanSummary(
            kinds={kind: kinds.get(kind, 0) for kind in KINDS},
            scheduled=len(scheduled),
            first_scheduled=min(scheduled, default=None),
            sent=sent,
            sent_empty=empty,
            new_links=self.plan.new_links,
            newly_billed=self.plan.newly_billed,
            billed_before=self.plan.billed_before,
            pauses={effect: pauses.get(effect, 0) for effect in PAUSE_EFFECTS},
            open_ended=sum(open_ended(row.get("absences")) for row in self.rows),
        )

    def to_json(self) -> dict[str, Any]:
        """The saved form (personal data included: the plan file is for HR's eyes)."""
        return plan_document(
            head={
                "baseUrl": self.base_url,
                "integrationId": self.integration_id,
                "syncId": self.sync_id,
                "createdAt": self.created_at.isoformat(),
                "rosterFingerprint": self.roster_fingerprint,
                "stateFingerprint": self.state_fingerprint,
            },
            rows=self.rows,
            plan=self.plan,
            lines=self.lines,
            source={"file": self.source, "encoding": self.encoding, "absences": self.absences_source},
            guards=self.guards,
            integration=self.integration,
            summary=self.summary.to_json(),
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the plan as JSON (UTF-8), readable by its owner only, atomically."""
        document = self.to_json()
        self.__dict__.setdefault("fingerprint", document["fingerprint"])  # the cached property's slot
        try:
            write_private(Path(path), document_lines(document))
        except OSError as error:
            raise PlanFileError(f"{path}: cannot be written: {error.strerror}") from None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RosterPlan:
        """Read a saved plan; a file that is not one, or was edited, raises :class:`PlanFileError`."""
        try:
            data = read_bounded(Path(path), MAX_PLAN_BYTES)
        except OSError as error:
            raise PlanFileError(f"{path}: cannot be read: {error.strerror}") from None
        if data is None:
            raise PlanFileError(f"{path}: is larger than a roster plan can be ({MAX_PLAN_BYTES} bytes)")
        try:
            body = json.loads(data.decode("utf-8"))
        except RecursionError:
            raise PlanFileError(f"{path}: is nested too deeply to be a roster plan") from None
        except ValueError:
            raise PlanFileError(f"{path}: is not JSON; give the file `roster plan --output` wrote") from None
        return cls._read(body, str(path), in_place=True)

    @classmethod
    def from_json(cls, body: Any, name: str = "plan") -> RosterPlan:
        """Rebuild a plan from :meth:`to_json`; checks the format and the fingerprint."""
        return cls._read(body, name, in_place=False)

    @classmethod
    def _read(cls, body: Any, name: str, *, in_place: bool) -> RosterPlan:
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise PlanFileError(f"{name}: is not a roster plan (format {FORMAT}, version {VERSION})")
        if body.get("version") != VERSION:
            raise PlanFileError(
                f"{name}: is a roster plan of another version of this client (plan format version "
                f"{terminal(str(body.get('version')))[:20]}, this client reads {VERSION}); make a new plan"
            )
        try:
            changed = document_fingerprint(body) != body.get("fingerprint")
        except (TypeError, ValueError, RecursionError):
            changed = True
        if changed:
            raise PlanFileError(
                f"{name}: the plan was changed after planning (its fingerprint no longer matches); make a "
                "new plan from the roster instead of editing the plan"
            )
        try:
            loaded = cls(**read_document(body, in_place=in_place))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            raise PlanFileError(f"{name}: is not a complete roster plan ({type(error).__name__})") from None
        if loaded.roster_fingerprint != body.get("rosterFingerprint"):
            raise PlanFileError(f"{name}: its roster does not match its roster fingerprint; make a new plan")
        loaded.__dict__.setdefault("fingerprint", body["fingerprint"])
        return loaded

    def check_current(self, current: SyncPlan) -> None:
        """Raise :class:`StalePlanError` unless ``current`` (planned again just now) is this plan."""
        if current.state_fingerprint != self.state_fingerprint:
            changes = describe_changes(self.plan.state, current.state) or [
                "an employee's details changed (the plan's short codes do not say which)"
            ]
            shown = "; ".join(changes[:10]) + (f"; and {len(changes) - 10} more" if len(changes) > 10 else "")
            raise StalePlanError(
                f"the integration changed since the plan was made ({self.created_at:%Y-%m-%d %H:%M} UTC): "
                f"{shown}. Make a new plan and approve it again",
                current,
                changes,
            )
        if current.employees != self.plan.employees or current.active_linked != self.plan.active_linked:
            differ = [(c, d) for c, d in zip(current.employees, self.plan.employees, strict=False) if c != d]
            rows = [
                f"line {self.lines[c.row]}" if self.lines and c.row is not None else f"row {c.row}"
                for c, _ in differ
            ]
            moved = (
                ("a terminationDate", any(c.terminated != d.terminated for c, d in differ)),
                ("an absence's first or last day", any(c.subscription != d.subscription for c, d in differ)),
            )
            passed = [what for what, changed in moved if changed]
            reason = (
                f"the plan was made on {self.plan.today}; today ({current.today}) the same roster does "
                f"something else ({', '.join(rows[:10]) or 'the rows'}: "
                f"{' and '.join(passed) or 'a date'} {'have' if len(passed) > 1 else 'has'} passed since). "
                "Make a new plan and approve it again"
            )
            raise StalePlanError(reason, current, [reason])

    def with_plan(self, plan: SyncPlan) -> RosterPlan:
        """The same body with a freshly computed plan."""
        return replace(self, plan=plan)


def is_plan_file(path: Path) -> bool:
    """Whether ``path`` starts as a saved roster plan does (so that writing over it loses no input)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(256)
    except OSError:
        return False
    return head.startswith(b"{\n" + json.dumps("format").encode() + b": " + json.dumps(FORMAT).encode())


def describe_changes(old: Mapping[int, str], new: Mapping[int, str]) -> list[str]:
    """Log-safe lines (ids, statuses) of what differs between two plan states."""
    ids = sorted(set(old) | set(new))
    out = []
    for employee_id in ids:
        before, after = old.get(employee_id), new.get(employee_id)
        if before == after:
            continue
        if before is None:
            out.append(f"employee {employee_id} is new to the plan (linked, or sharing an email with a row)")
        elif after is None:
            out.append(
                f"employee {employee_id} no longer shares an email with a roster row or is no longer linked"
            )
        else:
            out.append(f"employee {employee_id}: {', '.join(describe_state_change(before, after))}")
    return out
