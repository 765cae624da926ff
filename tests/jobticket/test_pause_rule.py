"""The pause rule of working assumption O-22, written once for the planner and the twin: case by case."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from jobticket.matching import Pause, paused_by

TODAY = datetime.date(2026, 5, 13)


def absence(start: str, end: str | None = None) -> dict[str, Any]:
    return {"startDate": start, "endDate": end}


@pytest.mark.parametrize(
    ("before", "absences", "after"),
    [
        # An absence covering the sync date pauses from its first day.
        (Pause("active"), [absence("2026-05-13")], Pause("paused", "2026-05-13")),
        (Pause("active", None, "2025-01-02"), [absence("2026-04-01", "2026-05-13")],
         Pause("paused", "2026-04-01", "2025-01-02")),
        (Pause("scheduled-pause", "2026-06-01"), [absence("2026-05-01", "2026-05-20")],
         Pause("paused", "2026-05-01")),
        # Two covering it (overlapping, as only a Python caller can send): the earliest first day.
        (Pause("active"), [absence("2026-05-10"), absence("2026-05-01", "2026-05-31")],
         Pause("paused", "2026-05-01")),
        # Already paused from that day: nothing changes; from another day: pausedAt moves.
        (Pause("paused", "2026-05-01"), [absence("2026-05-01")], Pause("paused", "2026-05-01")),
        (Pause("paused", "2024-05-01"), [absence("2026-05-01")], Pause("paused", "2026-05-01")),
        # A later absence schedules the pause for its first day, the earliest of several.
        (Pause("active"), [absence("2026-07-01", "2026-07-14"), absence("2026-06-01")],
         Pause("scheduled-pause", "2026-06-01")),
        (Pause("scheduled-pause", "2026-06-01"), [absence("2026-06-08")],
         Pause("scheduled-pause", "2026-06-08")),
        # Paused, with only a later absence: resumed today and paused again later.
        (Pause("paused", "2026-04-01"), [absence("2026-06-01")],
         Pause("scheduled-pause", "2026-06-01", "2026-05-13")),
        # None, or only ended ones: resumed; a scheduled pause is withdrawn.
        (Pause("paused", "2026-04-01"), [], Pause("active", "2026-04-01", "2026-05-13")),
        (Pause("paused", "2026-04-01"), [absence("2026-04-01", "2026-05-12")],
         Pause("active", "2026-04-01", "2026-05-13")),
        (Pause("scheduled-pause", "2026-06-01", "2025-01-02"), [], Pause("active", None, "2025-01-02")),
        (Pause("active", None, "2025-01-02"), [absence("2026-01-01", "2026-01-31")],
         Pause("active", None, "2025-01-02")),
        # Pending and cancelled subscriptions only record absences.
        (Pause("pending"), [absence("2026-05-01")], Pause("pending")),
        (Pause("cancelled"), [absence("2026-06-01")], Pause("cancelled")),
        (Pause("cancelled"), [], Pause("cancelled")),
    ],
)  # fmt: skip
def test_absences_set_the_pause_as_of_the_sync_date(
    before: Pause, absences: list[dict[str, Any]], after: Pause
) -> None:
    assert paused_by(absences, before, TODAY) == after


def test_an_absence_ending_on_the_sync_date_still_covers_it_and_one_ending_the_day_before_does_not() -> None:
    assert paused_by([absence("2026-05-01", "2026-05-13")], Pause("active"), TODAY).status == "paused"
    assert paused_by([absence("2026-05-01", "2026-05-12")], Pause("active"), TODAY).status == "active"
    assert paused_by([absence("2026-05-14", "2026-05-14")], Pause("active"), TODAY) == Pause(
        "scheduled-pause", "2026-05-14"
    )
