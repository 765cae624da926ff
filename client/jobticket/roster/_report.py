"""The plan as HR reads it: plain text, Markdown or JSON, with every employee's action and the cost.

These renderings contain names, emails and field values on purpose: they are the output the user asked
for. Nothing here logs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._plan_json import BILLING_PERIOD_NOTE, LINKS_ENDED_NOTE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .._hr_sync import EmployeeChange, GuardCheck
    from ._plan import RosterPlan

__all__ = ["PLAN_FORMATS", "render_plan"]

PLAN_FORMATS = ("text", "markdown", "json")
_ORDER = {"create": 0, "update": 1, "offboard": 2, "unchanged": 3}


def _value(value: Any) -> str:
    return "(empty)" if value is None else str(value)


def _details(change: EmployeeChange) -> list[str]:
    details = [f"{c.name}: {_value(c.old)} → {_value(c.new)}" for c in change.changes]
    if change.action == "create":
        details.append("new employee, new link" + (" (+1 EUR)" if change.newly_billed else ""))
        if change.terminated:
            details.append("terminationDate has passed: created already offboarded")
    elif change.link == "new":
        details.append(f"matched by email, new link{' (+1 EUR)' if change.newly_billed else ''}")
    if change.action == "offboard":
        details.append("terminationDate has passed" if change.row is not None else "not in the roster")
    if change.stays_cancelled:
        details.append("stays offboarded: a sync does not reactivate (O-26)")
    return details


def _who(change: EmployeeChange) -> str:
    number = f"#{change.employee_id} " if change.employee_id is not None else ""
    return f"{number}{change.name} <{change.email}>"


def _ordered(plan: RosterPlan) -> list[EmployeeChange]:
    return sorted(plan.plan.employees, key=lambda c: _ORDER[c.action])


def _header(plan: RosterPlan) -> list[str]:
    source = f" from {plan.source}" if plan.source else ""
    return [
        f"integration {plan.integration_id} at {plan.base_url}",
        f"syncId {plan.sync_id}, planned {plan.created_at:%Y-%m-%d %H:%M} UTC{source} "
        f"({len(plan.rows)} rows)",
        f"fingerprints: roster {plan.roster_fingerprint[:23]}…, "
        f"integration state {plan.state_fingerprint[:23]}…",
    ]


def _billing(plan: RosterPlan) -> list[str]:
    sync = plan.plan
    lines = [
        f"newly linked employees: {sync.newly_billed} x 1 EUR = +{sync.newly_billed} EUR per billing period"
    ]
    if sync.new_links > sync.newly_billed:
        extra = sync.new_links - sync.newly_billed
        lines.append(
            f"{extra} more newly linked employee(s) already linked to another integration: no extra cost"
        )
    lines += [f"links ended: 0. {LINKS_ENDED_NOTE}", BILLING_PERIOD_NOTE]
    return lines


def _guard_line(guard: GuardCheck) -> str:
    """``per sync: 2.7 % offboarded (limit 10.0 %): passes``, and how to override a refusal."""
    verdict = "passes" if guard.refusal is None else "REFUSES (override: --allow-large-offboarding)"
    return f"{guard.name}: {guard.share:.1%} offboarded (limit {guard.limit:.1%}): {verdict}"


def _counts(plan: RosterPlan) -> list[tuple[str, int, str]]:
    sync = plan.plan
    share = f"{sync.offboard_ratio:.1%}"
    ratio = f"{sync.offboarded_active} of {sync.active_linked} active linked employees ({share})"
    return [
        ("create", len(sync.created), ""),
        ("update", len(sync.updated), ""),
        ("unchanged", len(sync.unchanged), ""),
        ("offboard", len(sync.offboarded), ratio),
    ]


def render_text(plan: RosterPlan, guards: Sequence[GuardCheck]) -> str:
    """The plan as plain text for the terminal."""
    out = ["HR roster plan: " + _header(plan)[0], *_header(plan)[1:], "", "Summary"]
    out += [f"  {name:<10}{count:>7}   {note}".rstrip() for name, count, note in _counts(plan)]
    out += ["", "Billing effect", *(f"  {line}" for line in _billing(plan))]
    if guards:
        out += ["", "Guards", *(f"  {_guard_line(guard)}" for guard in guards)]
    out += ["", "Employees"]
    for change in _ordered(plan):
        line = plan.line_of(change)
        where = f"line {line}" if line is not None else ("-" if change.row is None else f"row {change.row}")
        details = "; ".join(_details(change))
        out.append(
            f"  {change.action.upper():<10}{where:<10}{change.hr_id:<14}{_who(change)}  {details}".rstrip()
        )
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(plan: RosterPlan, guards: Sequence[GuardCheck]) -> str:
    """The plan as Markdown, for a ticket or an approval email."""
    head = _header(plan)
    out = [f"# HR roster plan: {head[0]}", "", f"{head[1]}; {head[2]}", "", "## Summary", ""]
    out += ["| action | employees | |", "| --- | ---: | --- |"]
    out += [f"| {name} | {count} | {note} |" for name, count, note in _counts(plan)]
    out += ["", "## Billing effect", "", *(f"- {line}" for line in _billing(plan))]
    if guards:
        out += ["", "## Guards", "", *(f"- {_guard_line(guard)}" for guard in guards)]
    out += [
        "",
        "## Employees",
        "",
        "| action | line | hrId | employee | changes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for change in _ordered(plan):
        line = plan.line_of(change)
        where = str(line) if line is not None else ("-" if change.row is None else f"row {change.row}")
        out.append(
            f"| {change.action} | {where} | {_cell(change.hr_id)} | {_cell(_who(change))} | "
            f"{_cell('; '.join(_details(change)))} |"
        )
    return "\n".join(out) + "\n"


def render_json(plan: RosterPlan, guards: Sequence[GuardCheck]) -> str:
    """The saved plan's JSON plus the guards' verdicts."""
    body = plan.to_json()
    body["guards"] = [
        {"guard": g.name, "share": round(g.share, 6), "limit": g.limit, "refusal": g.refusal} for g in guards
    ]
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def render_plan(plan: RosterPlan, output_format: str, guards: Sequence[GuardCheck] = ()) -> str:
    """Render in one of :data:`PLAN_FORMATS` (``guards``: the verdicts to show, e.g. ``plan.guards``)."""
    renderers = {"text": render_text, "markdown": render_markdown, "json": render_json}
    return renderers[output_format](plan, guards)
