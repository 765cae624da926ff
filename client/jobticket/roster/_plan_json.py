"""The saved plan: compact JSON holding exactly what approval and apply need, under one fingerprint.

A plan of 200,000 employees must stay a file people can mail and keep, so the body is saved as arrays
(``columns`` once, then one array per row) and the plan as what cannot be derived: the employee each row
claims (``matches``) and, only for rows that are not plainly unchanged, their full change (``changes``),
then the omitted employees. The integration state the plan was computed on is kept as short per-employee
codes grouped by status (enough to say who changed and how) and a full-strength digest (to prove
nothing did). Everything in the file is covered by ``fingerprint``: apply reads nothing that is not.

One JSON value per line for the long parts, so the file diffs and greps; every string is written with
control and format characters escaped, so printing it cannot drive a terminal.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from itertools import groupby
from typing import TYPE_CHECKING, Any

from .._hr_sync import EmployeeChange, FieldChange, SubscriptionChange, SyncPlan
from ..matching import Pause
from ._escape import json_dumps
from ._guards import GuardVerdict, IntegrationCheck

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

__all__ = [
    "FORMAT",
    "VERSION",
    "change_json",
    "document_fingerprint",
    "document_lines",
    "plan_document",
    "read_document",
    "roster_fingerprint",
]

FORMAT = "jobticket-roster-plan"
VERSION = 3
"""3: absences and the subscription change they make (O-22); the state digest covers the pause dates."""
_CODE = 10  # the fixed part of a state code: three short digests and the other-links flag
_LONG = ("matches", "changes", "rows")


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def roster_fingerprint(sync_id: str, rows: Iterable[Mapping[str, Any]]) -> str:
    """``sha256:`` of the body to send, syncId and rows, hashed row by row (no second copy of the body)."""
    digest = hashlib.sha256(_canonical(sync_id))
    for row in rows:
        digest.update(b"\n" + _canonical(row))
    return "sha256:" + digest.hexdigest()


def document_fingerprint(document: Mapping[str, Any]) -> str:
    """``sha256:`` of everything in a saved plan but the fingerprint itself (key order and spacing aside)."""
    digest = hashlib.sha256()
    head = {key: value for key, value in document.items() if key not in ("fingerprint", "rows")}
    digest.update(_canonical(head))
    for row in document.get("rows", ()):
        digest.update(b"\n" + _canonical(row))
    return "sha256:" + digest.hexdigest()


def _ranges(numbers: Sequence[int]) -> list[list[int]]:
    """``[2, 3, 4, 7]`` -> ``[[2, 4], [7, 7]]``: file lines are mostly consecutive."""
    out: list[list[int]] = []
    for number in numbers:
        if out and number == out[-1][1] + 1:
            out[-1][1] = number
        else:
            out.append([number, number])
    return out


def _unranges(ranges: Any) -> tuple[int, ...]:
    return tuple(n for start, end in ranges for n in range(int(start), int(end) + 1))


def _deltas(numbers: Sequence[int]) -> list[int]:
    return [number - before for before, number in zip((0, *numbers), numbers, strict=False)]


def _undeltas(deltas: Any) -> list[int]:
    out, total = [], 0
    for delta in deltas:
        total += int(delta)
        out.append(total)
    return out


def _state_json(state: Mapping[int, str]) -> dict[str, Any]:
    """Per-employee codes grouped by status: ``{"active": {"ids": deltas, "codes": "..."}}``."""
    ordered = sorted(state.items(), key=lambda item: (item[1][_CODE:], item[0]))
    groups: dict[str, Any] = {}
    for status, items in groupby(ordered, key=lambda item: item[1][_CODE:]):
        members = list(items)
        groups[status] = {
            "ids": _deltas([employee_id for employee_id, _ in members]),
            "codes": "".join(code[:_CODE] for _, code in members),
        }
    return groups


class SavedState(Mapping[int, str]):
    """A saved plan's state as the file holds it (ids and codes per status), read into a dict on first use.

    Applying a plan compares only the state's digest; the per-employee codes are needed to say who
    changed, when it differs. Until then they stay as compact as in the file.
    """

    def __init__(self, groups: Mapping[str, Any]) -> None:
        self._groups: dict[str, tuple[list[int], str]] = {}
        for status, group in groups.items():
            deltas, codes = list(group["ids"]), group["codes"]
            if not isinstance(codes, str) or len(codes) != _CODE * len(deltas):
                raise ValueError("state codes and ids differ in number")
            if not all(type(delta) is int for delta in deltas):
                raise TypeError("state ids must be integers")
            self._groups[str(status)] = (deltas, codes)
        self._read: dict[int, str] | None = None

    def _state(self) -> dict[int, str]:
        if self._read is None:
            state: dict[int, str] = {}
            for status, (deltas, codes) in self._groups.items():
                for index, employee_id in enumerate(_undeltas(deltas)):
                    state[employee_id] = codes[index * _CODE : (index + 1) * _CODE] + status
            self._read = state
        return self._read

    def __getitem__(self, employee_id: int) -> str:
        return self._state()[employee_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._state())

    def __len__(self) -> int:
        return sum(len(deltas) for deltas, _ in self._groups.values())


def _is_plain(change: EmployeeChange) -> bool:
    """An unchanged row of an active employee matched by its link: all but its id can be derived."""
    return (
        change.action == "unchanged"
        and change.matched_by == "link"
        and change.link == "kept"
        and not change.changes
        and change.was_active_linked
        and not (change.newly_billed or change.terminated or change.stays_cancelled)
        and change.subscription is None
    )


def _pause_json(pause: Pause) -> list[str | None]:
    return [pause.status, pause.paused_at, pause.reactivated_at]


def _pause(item: Any) -> Pause:
    status, paused_at, reactivated_at = item
    return Pause(
        str(status),
        None if paused_at is None else str(paused_at),
        None if reactivated_at is None else str(reactivated_at),
    )


def change_json(change: EmployeeChange, *, personal: bool) -> dict[str, Any]:
    """One employee's change (``personal``: with the name and email, for omitted employees)."""
    body: dict[str, Any] = {
        "row": change.row,
        "action": change.action,
        "hrId": change.hr_id,
        "employeeId": change.employee_id,
        "matchedBy": change.matched_by,
        "changes": [{"field": c.name, "old": c.old, "new": c.new} for c in change.changes],
        "link": change.link,
        "newlyBilled": change.newly_billed,
        "wasActiveLinked": change.was_active_linked,
        "terminated": change.terminated,
        "staysCancelled": change.stays_cancelled,
        "subscription": None
        if change.subscription is None
        else [_pause_json(change.subscription.before), _pause_json(change.subscription.after)],
    }
    if personal:
        body["name"], body["email"] = change.name, change.email
    return body


def _change(item: Mapping[str, Any], row: Mapping[str, Any] | None) -> EmployeeChange:
    action = str(item["action"])
    if action not in ("create", "update", "unchanged", "offboard"):
        raise ValueError(f"unknown action {action!r}")
    return EmployeeChange(
        action=action,  # type: ignore[arg-type]
        hr_id=str(item["hrId"]),
        employee_id=None if item["employeeId"] is None else int(item["employeeId"]),
        row=None if item["row"] is None else int(item["row"]),
        matched_by=item["matchedBy"],
        changes=tuple(FieldChange(str(c["field"]), c["old"], c["new"]) for c in item["changes"]),
        link=item["link"],
        newly_billed=bool(item["newlyBilled"]),
        was_active_linked=bool(item["wasActiveLinked"]),
        terminated=bool(item["terminated"]),
        stays_cancelled=bool(item["staysCancelled"]),
        subscription=None
        if item["subscription"] is None
        else SubscriptionChange(_pause(item["subscription"][0]), _pause(item["subscription"][1])),
        name="" if row is not None else str(item["name"]),
        email="" if row is not None else str(item["email"]),
    )


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows[:1]:
        columns.update(dict.fromkeys(row))
    return list(columns)


def plan_document(
    *,
    head: dict[str, Any],
    rows: Sequence[Mapping[str, Any]],
    plan: SyncPlan,
    lines: Sequence[int],
    source: Mapping[str, Any],
    guards: Sequence[GuardVerdict],
    integration: IntegrationCheck,
    summary: Mapping[str, Any],
) -> dict[str, Any]:
    """The saved form of a plan (see the module docstring), its fingerprint included."""
    columns = _columns(rows)
    keys = set(columns)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        **head,
        "integration": integration.to_json(),
        "source": {**source, "lines": _ranges(lines)},
        "guards": [guard.to_json() for guard in guards],
        "plan": {
            **summary,
            "integrationId": plan.integration_id,
            "today": plan.today.isoformat(),
            "activeLinked": plan.active_linked,
            "billedBefore": plan.billed_before,
            "stateDigest": plan.state_fingerprint,
        },
        "state": _state_json(plan.state),
        "matches": [change.employee_id for change in plan.employees if change.row is not None],
        "changes": [
            change_json(change, personal=change.row is None)
            for change in plan.employees
            if change.row is None or not _is_plain(change)
        ],
        "columns": columns,
        "rows": [[row[key] for key in columns] if row.keys() == keys else dict(row) for row in rows],
    }
    document["fingerprint"] = document_fingerprint(document)
    return document


def document_lines(document: Mapping[str, Any]) -> Iterator[bytes]:
    """The saved plan as UTF-8 lines: one key per line, the long arrays one value per line."""
    yield b"{\n"
    keys = list(document)
    for position, key in enumerate(keys):
        end = ",\n" if position < len(keys) - 1 else "\n"
        value = document[key]
        if key in _LONG and value:
            yield f"{json_dumps(key)}: [\n".encode()
            last = len(value) - 1
            for index, item in enumerate(value):
                tail = ",\n" if index < last else "\n"
                yield (json_dumps(item, separators=(",", ":")) + tail).encode("utf-8")
            yield f"]{end}".encode()
        else:
            yield f"{json_dumps(key)}: {json_dumps(value, separators=(',', ':'))}{end}".encode()
    yield b"}\n"


def read_document(document: Mapping[str, Any], *, in_place: bool = False) -> dict[str, Any]:
    """The parts of a saved plan (checked for shape) as :class:`RosterPlan` keyword arguments.

    ``in_place``: the document was just parsed and is not used again, so its rows are turned into
    dicts where they stand (a large plan is never held twice). Raise ``KeyError``, ``TypeError`` or
    ``ValueError`` for a document that is not a complete plan.
    """
    columns = [str(column) for column in document["columns"]]
    rows: list[Any] = document["rows"] if in_place else list(document["rows"])
    if not isinstance(rows, list):
        raise TypeError("rows must be a list")
    for index, row in enumerate(rows):
        rows[index] = dict(zip(columns, row, strict=True)) if isinstance(row, list) else dict(row)
    body = document["plan"]
    matches = document["matches"]
    if len(matches) != len(rows):
        raise ValueError("one match per row is needed")
    explicit: dict[int, Mapping[str, Any]] = {}
    omitted: list[EmployeeChange] = []
    for item in document["changes"]:
        if item["row"] is None:
            omitted.append(_change(item, None))
        else:
            explicit[int(item["row"])] = item
    employees: list[EmployeeChange] = []
    for index, (row, match) in enumerate(zip(rows, matches, strict=True)):
        if index in explicit:
            change = _change(explicit[index], row)
        elif match is None:
            raise ValueError(f"row {index} has no employee and no change")
        else:
            change = EmployeeChange(
                "unchanged", str(row["hrId"]), int(match), index, matched_by="link", was_active_linked=True
            )  # fmt: skip
        if change.row != index or change.employee_id != (None if match is None else int(match)):
            raise ValueError(f"row {index}: its change names another row or employee")
        employees.append(change)
    plan = SyncPlan(
        integration_id=int(body["integrationId"]),
        employees=(*employees, *omitted),
        active_linked=int(body["activeLinked"]),
        today=datetime.date.fromisoformat(body["today"]),
        state=SavedState(document["state"]),
        state_digest=str(body["stateDigest"]),
        billed_before=int(body["billedBefore"]),
    )
    source = document["source"]
    return {
        "base_url": str(document["baseUrl"]),
        "integration_id": int(document["integrationId"]),
        "sync_id": str(document["syncId"]),
        "created_at": datetime.datetime.fromisoformat(document["createdAt"]),
        "rows": rows,
        "plan": plan,
        "source": None if source["file"] is None else str(source["file"]),
        "encoding": None if source.get("encoding") is None else str(source["encoding"]),
        "absences_source": None if source.get("absences") is None else str(source["absences"]),
        "lines": _unranges(source["lines"]),
        "guards": tuple(GuardVerdict.from_json(guard) for guard in document["guards"]),
        "integration": IntegrationCheck.from_json(document["integration"]),
    }
