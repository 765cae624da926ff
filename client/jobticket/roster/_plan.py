"""A plan HR approves, saved as JSON, and the check that it still holds before it is sent.

A :class:`RosterPlan` is the exact body to send (rows and syncId) plus the plan computed from it and two
fingerprints: of the roster, and of the integration state it was computed on (the employees linked to
the integration and those sharing an email with a row, as digests). Sending it re-reads the state and
refuses, sending nothing, when the state or the plan no longer match, naming what changed.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._exceptions import PlanFileError, StalePlanError
from .._hr_sync import fingerprint
from ._plan_json import plan_from_json, plan_json

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping

    from .._hr_sync import EmployeeChange, GuardCheck, SyncPlan

__all__ = ["RosterPlan", "describe_changes"]

_FORMAT = "jobticket-roster-plan"
_VERSION = 1


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
    guards: tuple[GuardCheck, ...] = field(default=(), compare=False)
    """The guards' verdicts when the plan was made (shown to HR; checked again when sending)."""

    @property
    def roster_fingerprint(self) -> str:
        """Digest of the body to send (syncId and rows)."""
        return fingerprint({"syncId": self.sync_id, "employees": self.rows})

    @property
    def state_fingerprint(self) -> str:
        """Digest of the integration state the plan was computed on."""
        return self.plan.state_fingerprint

    def line_of(self, change: EmployeeChange) -> int | None:
        """The file line of a row's change (None for omitted employees or a roster given in code)."""
        if change.row is None or not self.lines:
            return None
        return self.lines[change.row]

    def to_json(self) -> dict[str, Any]:
        """The saved form (personal data included: the plan file is for HR's eyes)."""
        return {
            "format": _FORMAT,
            "version": _VERSION,
            "baseUrl": self.base_url,
            "integrationId": self.integration_id,
            "syncId": self.sync_id,
            "createdAt": self.created_at.isoformat(),
            "rosterFingerprint": self.roster_fingerprint,
            "stateFingerprint": self.state_fingerprint,
            "source": {"file": self.source, "lines": list(self.lines)},
            "planFingerprint": fingerprint(plan_json(self.plan)),
            "plan": plan_json(self.plan),
            "state": dict(self.plan.state),
            "employees": self.rows,
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the plan as JSON (UTF-8)."""
        try:
            Path(path).write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", "utf-8")
        except OSError as error:
            raise PlanFileError(f"{path}: cannot be written: {error.strerror}") from None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RosterPlan:
        """Read a saved plan; a file that is not one, or was edited, raises :class:`PlanFileError`."""
        try:
            body = json.loads(Path(path).read_text("utf-8"))
        except OSError as error:
            raise PlanFileError(f"{path}: cannot be read: {error.strerror}") from None
        except ValueError:
            raise PlanFileError(f"{path}: is not JSON; give the file `roster plan --output` wrote") from None
        return cls.from_json(body, str(path))

    @classmethod
    def from_json(cls, body: Any, name: str = "plan") -> RosterPlan:
        """Rebuild a plan from :meth:`to_json`; checks the format and the roster fingerprint."""
        if not isinstance(body, dict) or body.get("format") != _FORMAT or body.get("version") != _VERSION:
            raise PlanFileError(f"{name}: is not a roster plan (format {_FORMAT}, version {_VERSION})")
        try:
            loaded = cls(
                base_url=str(body["baseUrl"]),
                integration_id=int(body["integrationId"]),
                sync_id=str(body["syncId"]),
                created_at=datetime.datetime.fromisoformat(body["createdAt"]),
                rows=[dict(row) for row in body["employees"]],
                plan=plan_from_json(body["plan"], body["state"]),
                source=body["source"]["file"],
                lines=tuple(int(line) for line in body["source"]["lines"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise PlanFileError(
                f"{name}: is not a complete roster plan ({type(error).__name__}: {error})"
            ) from None
        if loaded.roster_fingerprint != body.get("rosterFingerprint"):
            raise PlanFileError(
                f"{name}: the roster in the plan was changed after planning (its fingerprint no longer "
                "matches); make a new plan from the roster instead of editing the plan"
            )
        if loaded.state_fingerprint != body.get("stateFingerprint") or fingerprint(body["plan"]) != body.get(
            "planFingerprint"
        ):
            raise PlanFileError(f"{name}: the plan was changed after planning; make a new plan instead")
        return loaded

    def check_current(self, current: SyncPlan) -> None:
        """Raise :class:`StalePlanError` unless ``current`` (planned again just now) is this plan."""
        changes = describe_changes(self.plan.state, current.state)
        if changes:
            shown = "; ".join(changes[:10]) + (f"; and {len(changes) - 10} more" if len(changes) > 10 else "")
            raise StalePlanError(
                f"the integration changed since the plan was made ({self.created_at:%Y-%m-%d %H:%M} UTC): "
                f"{shown}. Make a new plan and approve it again",
                current,
                changes,
            )
        if plan_json(current)["employees"] != plan_json(self.plan)["employees"]:
            rows = [
                f"row {c.row}" for c, d in zip(current.employees, self.plan.employees, strict=False) if c != d
            ]
            reason = (
                f"the plan was made on {self.plan.today}; today ({current.today}) the same roster does "
                f"something else ({', '.join(rows[:10]) or 'the rows'}: a terminationDate has passed "
                "since). Make a new plan and approve it again"
            )
            raise StalePlanError(reason, current, [reason])

    def with_plan(self, plan: SyncPlan) -> RosterPlan:
        """The same body with a freshly computed plan."""
        return replace(self, plan=plan)


def _describe(employee_id: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> str:
    if old is None:
        assert new is not None
        linked = f" linked as {new['hrId']}" if new["hrId"] else " sharing an email with a roster row"
        return f"employee {employee_id} is new to the plan ({linked.strip()})"
    if new is None:
        return f"employee {employee_id} no longer shares an email with a roster row or is no longer linked"
    what = []
    if old["hrId"] != new["hrId"]:
        what.append(f"link {old['hrId'] or 'none'} -> {new['hrId'] or 'none'}")
    if old["status"] != new["status"]:
        what.append(f"subscription {old['status']} -> {new['status']}")
    if old["emailKey"] != new["emailKey"]:
        what.append("email changed")
    elif old["fields"] != new["fields"]:
        what.append("name, email or date of birth changed")
    if old["otherLinks"] != new["otherLinks"]:
        what.append("links to other integrations changed")
    return f"employee {employee_id}: {', '.join(what)}"


def describe_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Log-safe lines (ids, hrIds, statuses) of what differs between two plan states."""
    ids = sorted(set(old) | set(new), key=int)
    return [_describe(i, old.get(i), new.get(i)) for i in ids if old.get(i) != new.get(i)]
