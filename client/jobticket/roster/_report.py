"""The plan as HR reads it: plain text, Markdown or JSON, with every employee's action and the cost.

What the sync will do is all here, in every format: each employee on one line with the fields that change
(``old -> new``), the values sent that the API does not show back (absences among them, with the pause
working assumption O-22 expects of them), scheduled offboardings with their date, the billing effect,
each guard's verdict, and first of all what could not be checked. Every value
that came from the CSV file or the API is escaped for its format (:mod:`._escape`), so a name cannot
forge a line, drive the terminal or put a link into the approval page. Rendering streams, line by line,
whatever the company's size. These renderings contain personal data on purpose; nothing here logs.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from .._hr_sync import EUR_PER_LINKED_EMPLOYEE
from . import _escape
from ._fields import (
    ABSENCE_RULE,
    COMPARED,
    SENT_ONLY,
    pause_effect,
    pause_text,
    scheduled_offboarding,
    sent_values,
)
from ._guards import BILLING_PERIOD

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from typing import TextIO

    from .._hr_sync import EmployeeChange
    from ..matching import Pause
    from ._guards import GuardVerdict
    from ._plan import RosterPlan

__all__ = ["LINKS_ENDED_NOTE", "PLAN_FORMATS", "flag", "render_plan", "write_plan"]

PLAN_FORMATS = ("text", "markdown", "json")
LINKS_ENDED_NOTE = (
    "Offboarding keeps the employee's link (working assumption O-26), so no link ends; whether an "
    "offboarded employee is still billed is not documented."
)
NOT_SHOWN_BACK = (
    f"Not shown back by the API: {', '.join(f.name for f in SENT_ONLY)}. The plan lists every value it "
    "sends, not the one it replaces; an empty value clears one recorded earlier (if any)."
)
SCHEDULED_NOTE = (
    "recorded by this sync; the first sync on or after that date offboards (working assumption O-26)"
)

Escape = "Callable[[Any], str]"


def flag(keyword: str) -> str:
    """The command-line flag of a library keyword: ``allow_large_billing`` -> ``--allow-large-billing``."""
    return "--" + keyword.replace("_", "-")


def _value(value: Any, escape: Callable[[Any], str]) -> str:
    if value is None:
        return "(empty)"
    return escape(str(value).lower() if isinstance(value, bool) else value)


def details(plan: RosterPlan, change: EmployeeChange, escape: Callable[[Any], str]) -> list[str]:
    """What the sync does to one employee, each value escaped with ``escape``."""
    row = plan.row_of(change)
    out = [f"{c.name}: {_value(c.old, escape)} → {_value(c.new, escape)}" for c in change.changes]
    if change.action == "create":
        out.insert(0, "new employee, new link" + (" (+1 EUR)" if change.newly_billed else ""))
        assert row is not None
        out += [f"{name}: {_value(row[name], escape)}" for name in COMPARED[3:] if row.get(name) is not None]
        if change.terminated:
            out.append("terminationDate has passed: created already offboarded")
    elif change.link == "new":
        out.append(f"matched by email, new link{' (+1 EUR)' if change.newly_billed else ''}")
    if row is None:
        out.append("not in the roster")
    else:
        out += [f"{sent.name}: {escape(sent.text)}{sent.note}" for sent in sent_values(row, plan.plan.today)]
    if change.subscription is not None:
        out.append(pause_text(change.subscription, escape))
    if change.stays_cancelled:
        out.append("stays offboarded: a sync does not reactivate (O-26)")
    return out


def _who(plan: RosterPlan, change: EmployeeChange, escape: Callable[[Any], str]) -> str:
    number = f"#{change.employee_id} " if change.employee_id is not None else ""
    name, email = plan.name_of(change)
    return f"{number}{escape(name)} <{escape(email)}>"


def _where(plan: RosterPlan, change: EmployeeChange) -> str:
    line = plan.line_of(change)
    if line is not None:
        return f"line {line}"
    return "-" if change.row is None else f"row {change.row}"


def _not_checked(plan: RosterPlan) -> list[str]:
    if plan.integration.checked:
        return []
    return [
        f"NOT CHECKED: integration {plan.integration_id} could not be read ({plan.integration.reason}); "
        "it may not exist or not be the one you mean, and every employee below is planned against it"
    ]


def _header(plan: RosterPlan, escape: Callable[[Any], str]) -> list[str]:
    source = f" from {escape(plan.source)}" if plan.source else ""
    encoding = f"{plan.encoding}, " if plan.encoding else ""
    absences = f", absences from {escape(plan.absences_source)}" if plan.absences_source else ""
    out = _not_checked(plan)
    if plan.integration.checked:
        out.append(
            f"integration {plan.integration_id}: {_value(plan.integration.name, escape)} "
            f"(status {_value(plan.integration.status, escape)})"
        )
    out += [
        f"syncId {escape(plan.sync_id)}, planned {plan.created_at:%Y-%m-%d %H:%M} UTC{source} "
        f"({encoding}{len(plan.rows)} rows){absences}",
        f"fingerprints: plan {plan.fingerprint[:23]}…, roster {plan.roster_fingerprint[:23]}…, "
        f"integration state {plan.state_fingerprint[:23]}…",
        NOT_SHOWN_BACK,
    ]
    if _sends_absences(plan):
        out.append(ABSENCE_RULE)
    return out


def _sends_absences(plan: RosterPlan) -> bool:
    """Whether the sync sends absences (then their effect, working assumption O-22, is said once)."""
    return any("absences" in row for row in plan.rows)


def _counts(plan: RosterPlan) -> list[tuple[str, int, str]]:
    sync, summary = plan.plan, plan.summary
    ratio = f"{sync.offboarded_active} of {sync.active_linked} active linked employees"
    ratio += f" ({sync.offboard_ratio:.1%})"
    return [
        ("create", summary.kinds["create"], ""),
        ("update", summary.kinds["update"], ""),
        ("offboard", summary.kinds["offboard"], f"now: {ratio}"),
        ("scheduled", summary.kinds["scheduled"], "otherwise unchanged: an offboarding is scheduled"),
        ("unchanged", summary.kinds["unchanged"], ""),
    ]


def _notes(plan: RosterPlan) -> list[str]:
    summary = plan.summary
    out = []
    if summary.scheduled:
        out.append(
            f"offboardings scheduled: {summary.scheduled} rows send a future terminationDate (the first "
            f"{summary.first_scheduled}), shown on each line: {SCHEDULED_NOTE}"
        )
    for field in SENT_ONLY:
        sent, empty = summary.sent[field.name], summary.sent_empty[field.name]
        if sent or empty:
            out.append(f"{field.counted_as}: {sent}" + (f"; sent empty: {empty}" if empty else ""))
    if _sends_absences(plan):
        effects = ", ".join(f"{effect}: {count}" for effect, count in summary.pauses.items() if count)
        out.append(
            f"subscriptions changed by absences (working assumption O-22): {effects or 'none'}; "
            f"open-ended absences sent: {summary.open_ended}"
        )
    return out


def _billing(plan: RosterPlan) -> list[str]:
    sync = plan.plan
    lines = [
        f"newly linked employees: {sync.newly_billed} x {EUR_PER_LINKED_EMPLOYEE} EUR = +{sync.newly_billed} "
        f"EUR per billing period, i.e. {BILLING_PERIOD}"
    ]
    if sync.new_links > sync.newly_billed:
        extra = sync.new_links - sync.newly_billed
        lines.append(
            f"{extra} more newly linked employee(s) already linked to another integration: no extra cost"
        )
    lines.append(f"employees billed now (linked to any integration): {sync.billed_before}")
    lines.append(f"links ended: 0. {LINKS_ENDED_NOTE}")
    return lines


def guard_line(guard: GuardVerdict) -> str:
    """``offboarding per sync: 2 of 64 ... (limit 10.0 %): passes``, naming the override's flag."""
    if guard.refusal is not None:
        verdict = f"REFUSES (override: {flag(guard.override)})"
    elif guard.exceeded:
        verdict = f"exceeded, accepted by {flag(guard.override)}"
    else:
        verdict = "passes"
    limit = f" (limit {guard.limit})" if guard.limit else ""
    return f"{guard.name}: {guard.measured}{limit}: {verdict}"


def _text(plan: RosterPlan, guards: Sequence[GuardVerdict]) -> Iterator[str]:
    escape = _escape.text
    head = _header(plan, escape)
    yield f"HR roster plan: integration {plan.integration_id} at {escape(plan.base_url)}"
    yield from head
    yield from ("", "Summary")
    yield from (f"  {name:<10}{count:>7}   {note}".rstrip() for name, count, note in _counts(plan))
    yield from (f"  {note}" for note in _notes(plan))
    yield from ("", "Billing effect", *(f"  {line}" for line in _billing(plan)))
    if guards:
        yield from ("", "Guards", *(f"  {guard_line(guard)}" for guard in guards))
    yield from ("", "Employees")
    for change in plan.ordered():
        yield (
            f"  {plan.kind(change).upper():<10}{_where(plan, change):<10}{escape(change.hr_id):<14}"
            f"{_who(plan, change, escape)}  {'; '.join(details(plan, change, escape))}"
        ).rstrip()


def _markdown(plan: RosterPlan, guards: Sequence[GuardVerdict]) -> Iterator[str]:
    escape = _escape.markdown
    head = _header(plan, escape)
    yield f"# HR roster plan: integration {plan.integration_id} at {escape(plan.base_url)}"
    yield ""
    yield from (f"- {line}" for line in head)
    yield from ("", "## Summary", "", "| action | employees | |", "| --- | ---: | --- |")
    yield from (f"| {name} | {count} | {note} |" for name, count, note in _counts(plan))
    notes = _notes(plan)
    if notes:
        yield from ("", *(f"- {note}" for note in notes))
    yield from ("", "## Billing effect", "", *(f"- {line}" for line in _billing(plan)))
    if guards:
        yield from ("", "## Guards", "", *(f"- {guard_line(guard)}" for guard in guards))
    yield from (
        "",
        "## Employees",
        "",
        "| action | line | hrId | employee | changes |",
        "| --- | --- | --- | --- | --- |",
    )
    for change in plan.ordered():
        where = _where(plan, change).removeprefix("line ")
        yield (
            f"| {plan.kind(change)} | {where} | {escape(change.hr_id)} | {_who(plan, change, escape)} | "
            f"{'; '.join(details(plan, change, escape)).replace('|', '&#124;')} |"
        )


def _employee_json(plan: RosterPlan, change: EmployeeChange) -> dict[str, Any]:
    row = plan.row_of(change)
    today = plan.plan.today
    return {
        "kind": plan.kind(change),
        "action": change.action,
        "line": plan.line_of(change),
        "row": change.row,
        "hrId": change.hr_id,
        "employeeId": change.employee_id,
        "name": plan.name_of(change)[0],
        "email": plan.name_of(change)[1],
        "matchedBy": change.matched_by,
        "link": change.link,
        "newlyBilled": change.newly_billed,
        "changes": [{"field": c.name, "old": c.old, "new": c.new} for c in change.changes],
        "sends": []
        if row is None
        else [{"field": s.name, "value": s.value} for s in sent_values(row, today)],
        "scheduledOffboarding": None if row is None else scheduled_offboarding(row, today),
        "subscription": None if change.subscription is None else _subscription_json(change),
        "terminated": change.terminated,
        "staysCancelled": change.stays_cancelled,
        "wasActiveLinked": change.was_active_linked,
        "details": details(plan, change, str),
    }


def _subscription_json(change: EmployeeChange) -> dict[str, Any]:
    assert change.subscription is not None
    return {
        "effect": pause_effect(change.subscription),
        "before": _pause_json(change.subscription.before),
        "after": _pause_json(change.subscription.after),
        "assumption": "O-22",
    }


def _pause_json(pause: Pause) -> dict[str, str | None]:
    return {"status": pause.status, "pausedAt": pause.paused_at, "reactivatedAt": pause.reactivated_at}


def _json(plan: RosterPlan, guards: Sequence[GuardVerdict]) -> Iterator[str]:
    sync = plan.plan
    head = {
        "format": "jobticket-roster-plan-report",
        "version": 1,
        "baseUrl": plan.base_url,
        "integrationId": plan.integration_id,
        "integration": plan.integration.to_json(),
        "notChecked": _not_checked(plan),
        "notShownBack": [field.name for field in SENT_ONLY],
        "absenceEffect": ABSENCE_RULE if _sends_absences(plan) else None,
        "syncId": plan.sync_id,
        "createdAt": plan.created_at.isoformat(),
        "source": {
            "file": plan.source,
            "encoding": plan.encoding,
            "rows": len(plan.rows),
            "absences": plan.absences_source,
        },
        "fingerprints": {
            "plan": plan.fingerprint,
            "roster": plan.roster_fingerprint,
            "state": plan.state_fingerprint,
        },
        "plan": {
            **plan.summary.to_json(),
            "today": sync.today.isoformat(),
            "activeLinked": sync.active_linked,
            "offboardedActive": sync.offboarded_active,
            "offboardRatio": round(sync.offboard_ratio, 6),
            "billing": {
                "newLinks": sync.new_links,
                "newlyBilled": sync.newly_billed,
                "billedBefore": sync.billed_before,
                "eurPerLinkedEmployee": EUR_PER_LINKED_EMPLOYEE,
                "addedEur": sync.newly_billed * EUR_PER_LINKED_EMPLOYEE,
                "linksEnded": 0,
                "period": "not documented (O-37); working assumption: per month",
                "notes": [LINKS_ENDED_NOTE],
            },
        },
        "guards": [guard.to_json() for guard in guards],
    }
    opening = _escape.json_dumps(head, indent=2)
    yield opening[: opening.rindex("}")].rstrip() + ',\n  "employees": ['
    changes = list(plan.ordered())
    for index, change in enumerate(changes):
        tail = "," if index < len(changes) - 1 else ""
        yield "    " + _escape.json_dumps(_employee_json(plan, change)) + tail
    yield "  ]\n}"


def write_plan(
    plan: RosterPlan, output_format: str, stream: TextIO, guards: Sequence[GuardVerdict] = ()
) -> None:
    """Write the plan to ``stream`` in one of :data:`PLAN_FORMATS`, line by line."""
    renderers = {"text": _text, "markdown": _markdown, "json": _json}
    for line in renderers[output_format](plan, guards):
        stream.write(line + "\n")


def render_plan(plan: RosterPlan, output_format: str, guards: Sequence[GuardVerdict] = ()) -> str:
    """Render in one of :data:`PLAN_FORMATS` (``guards``: the verdicts to show, e.g. ``plan.guards``)."""
    buffer = io.StringIO()
    write_plan(plan, output_format, buffer, guards)
    return buffer.getvalue()
