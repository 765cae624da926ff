"""How fresh the evidence about the vendor's API is, and what a run should spend its requests on first.

:class:`Freshness` reads the vendor's history (runs against a real target only): when each open point
was last exercised (confirmed or refuted) and each element last seen. The run's plan asks it three
things (:mod:`jobticket_kit.contract.planning`): which checks are stalest (they go first), whether an
expensive check's evidence is still fresh (the rate-limit probe then waits until it is older than
``fresh_days``), and whether there is evidence at all (a nightly with evidence spends the smaller
night budget). :func:`freshness_section` is the part of the nightly's summary that shows, per open
point and per element, when it was last confirmed against a real target.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jobticket_kit.evidence.store import History, element_id, parse_time
from jobticket_kit.evidence.walk import SpecView

__all__ = ["Freshness", "freshness_section"]

_EXERCISED = ("confirmed", "refuted")
_NEVER = datetime.datetime.min.replace(tzinfo=datetime.UTC)


class Freshness:
    """The vendor evidence's age, seen from ``now``."""

    def __init__(self, history: History, now: datetime.datetime, *, fresh_days: int) -> None:
        self.history = history
        self.now = now
        self.fresh_days = fresh_days

    @property
    def known(self) -> bool:
        """Whether any run against a real target has been recorded."""
        return self.history.runs > 0

    def last(self, element: str, facets: Iterable[str] | None = None) -> datetime.datetime | None:
        """When ``element`` (only the given facets, if any) was last seen, or None."""
        tallies = self.history.facets(element)
        chosen = [tally for name, tally in tallies.items() if facets is None or name in facets]
        return max((parse_time(tally.last_seen) for tally in chosen), default=None)

    def exercised(self, point: str) -> datetime.datetime | None:
        """When a check last confirmed or refuted the open point on a real target, or None."""
        return self.last(element_id("open-point", point), _EXERCISED)

    def age_days(self, moment: datetime.datetime | None) -> float | None:
        """Days from ``moment`` to now (None for never)."""
        return None if moment is None else (self.now - moment).total_seconds() / 86_400

    def fresh(self, points: Iterable[str]) -> bool:
        """Whether every one of ``points`` was exercised within ``fresh_days`` (none given: False)."""
        ages = [self.age_days(self.exercised(point)) for point in points]
        return bool(ages) and all(age is not None and age < self.fresh_days for age in ages)

    def staleness(self, points: Iterable[str], operation: str | None) -> datetime.datetime:
        """The moment a check's evidence dates from: its stalest open point, else its operation's answers.

        Never seen sorts first (the oldest possible moment).
        """
        chosen = list(points)
        if chosen:
            moments = [self.exercised(point) for point in chosen]
            return min((moment or _NEVER for moment in moments), default=_NEVER)
        if operation is not None:
            answered = [
                self.last(name) for name in self.history.elements if name.startswith(f"response {operation} ")
            ]
            return max((moment for moment in answered if moment is not None), default=_NEVER)
        return _NEVER

    def tracked(
        self, spec: Mapping[str, Any], open_points: Iterable[str], on_demand: Mapping[str, list[int]]
    ) -> list[tuple[str, datetime.datetime | None]]:
        """Every element whose freshness counts, with when it was last seen on a real target.

        Each operation x on-demand status (:func:`jobticket_kit.contract.coverage.on_demand_statuses`),
        each property the spec declares that a run has seen, and each open point a check has exercised.
        """
        view = SpecView(spec)
        names = [
            element_id("response", operation, status)
            for operation, statuses in on_demand.items()
            for status in statuses
        ]
        names += sorted(
            name
            for name in self.history.elements
            if name.startswith("property ") and view.node(name.partition(" ")[2]) is not None
        )
        rows = [(name, self.last(name)) for name in names]
        for point in open_points:
            moment = self.exercised(point)
            if moment is not None:
                rows.append((element_id("open-point", point), moment))
        return rows

    def oldest(
        self, spec: Mapping[str, Any], open_points: Iterable[str], on_demand: Mapping[str, list[int]]
    ) -> tuple[float, str] | None:
        """The age in days of the oldest evidence among :meth:`tracked` (never seen aside), and whose."""
        ages = [
            (age, name)
            for name, moment in self.tracked(spec, open_points, on_demand)
            if (age := self.age_days(moment)) is not None
        ]
        return max(ages, default=None)

    def due_after(self, points: Iterable[str]) -> str:
        """Why an expensive check waits: when its evidence dates from and when it is due again."""
        moments = [self.exercised(point) for point in points]
        latest = min((moment or _NEVER for moment in moments), default=_NEVER)
        due = latest + datetime.timedelta(days=self.fresh_days)
        return (
            f"evidence fresh ({', '.join(points)} last exercised on a real target "
            f"{latest.date().isoformat()}); runs again from {due.date().isoformat()}"
        )


def freshness_section(
    freshness: Freshness,
    spec: Mapping[str, Any],
    *,
    open_points: Sequence[str],
    on_demand: Mapping[str, list[int]],
    note: str = "",
) -> str:
    """The summary's evidence section: the oldest evidence, then per open point and per element.

    ``open_points`` are the spec's open points in order, ``on_demand`` its operations' on-demand
    statuses (:func:`jobticket_kit.contract.coverage.on_demand_statuses`).
    """
    history = freshness.history
    lines = ["## Evidence about the vendor's API: last confirmed against a real target", ""]
    if note:
        lines += [note, ""]
    if not freshness.known:
        lines += ["No run against a real target has been recorded yet.", ""]
        return "\n".join(lines)
    rows = freshness.tracked(spec, open_points, on_demand)
    oldest = freshness.oldest(spec, open_points, on_demand)
    lines.append(
        f"{history.runs} run(s) against `{history.target}` since {_day(history.first_run)}; "
        + (f"oldest evidence: **{oldest[0]:.1f} days** (`{oldest[1]}`)" if oldest else "no element seen")
        + f"; fresh means younger than {freshness.fresh_days} days."
    )
    never = [name for name, moment in rows if moment is None]
    if never:
        lines.append(f"Never seen on a real target: {len(never)} element(s) (listed below).")
    lines += ["", "| open point | last confirmed | last refuted | age (days) |", "| --- | --- | --- | --- |"]
    for point in open_points:
        element = element_id("open-point", point)
        confirmed = freshness.last(element, ("confirmed",))
        refuted = freshness.last(element, ("refuted",))
        age = freshness.age_days(freshness.exercised(point))
        lines.append(f"| {point} | {_day(confirmed)} | {_day(refuted)} | {_age(age, freshness.fresh_days)} |")
    lines += ["", "<details><summary>Every element</summary>", ""]
    lines += ["| element | last seen | age (days) |", "| --- | --- | --- |"]
    lines += [
        f"| `{name}` | {_day(moment)} | {_age(freshness.age_days(moment), freshness.fresh_days)} |"
        for name, moment in rows
        if not name.startswith("open-point ")
    ]
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def _day(moment: datetime.datetime | str | None) -> str:
    if moment is None:
        return "never"
    return (parse_time(moment) if isinstance(moment, str) else moment).date().isoformat()


def _age(age: float | None, fresh_days: int) -> str:
    if age is None:
        return "never"
    return f"{age:.1f}" if age < fresh_days else f"**{age:.1f} (stale)**"
