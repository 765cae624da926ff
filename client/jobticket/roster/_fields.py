"""Every field a sync sends, as the plan shows it: compared with the API, or shown as sent.

The API shows five of the fields back (``firstName``, ``lastName``, ``email``, ``dateOfBirth``,
``profileImage``; facts 7.1), so the plan compares them and shows ``old -> new`` where they differ. The
others are sent but never shown back: the plan cannot know what they replace, so it shows every value it
sends, and counts the rows that send one. :data:`SENT_ONLY` lists them; a new per-employee field of the
sync is one more :class:`SentOnlyField` here, and every plan format shows and counts it.

Absences are one of them: the API shows no absence back, only what they do to the subscription
(``status``, ``pausedAt``, ``reactivatedAt``; facts 7.2). So the plan shows every absence it sends and,
beside them, the subscription as the API shows it today and as working assumption O-22 expects it after
the sync (:func:`pause_effect`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..matching import is_terminated

if TYPE_CHECKING:
    from .._hr_sync import SubscriptionChange

__all__ = [
    "ABSENCE_RULE",
    "COMPARED",
    "PAUSE_EFFECTS",
    "SENT_ONLY",
    "SentOnlyField",
    "SentValue",
    "absences_text",
    "is_sent",
    "open_ended",
    "pause_effect",
    "pause_text",
    "scheduled_offboarding",
    "sent_values",
]

COMPARED = ("firstName", "lastName", "email", "dateOfBirth", "profileImage")
"""Fields the API shows back: the plan shows them as ``old -> new`` (facts 8, step 3)."""


def is_sent(value: Any) -> bool:
    """Whether a row sends a value of a sent-only field (None and an empty list are sent empty)."""
    return value is not None and value != []


def _no_note(_value: Any, _today: datetime.date) -> str:
    return ""


def _as_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _termination(value: Any, today: datetime.date) -> str:
    if is_terminated(value, today):
        return " (today or earlier: offboarded now)"
    return " (offboarding scheduled for that date, O-26)"


def open_ended(absences: Any) -> int:
    """How many of a row's absences have no end date."""
    if not isinstance(absences, list):
        return 0
    return sum(1 for absence in absences if absence.get("endDate") is None)


def absences_text(absences: Any) -> str:
    """``2026-03-02 to 2026-03-13, 2026-06-01 open-ended``: each absence a row sends, as it is sent."""
    return ", ".join(
        f"{absence['startDate']} open-ended"
        if absence.get("endDate") is None
        else f"{absence['startDate']} to {absence['endDate']}"
        for absence in absences
    )


def _absence_note(absences: Any, _today: datetime.date) -> str:
    return " (no end date: the pause lasts until an export ends it, O-22)" if open_ended(absences) else ""


ABSENCE_RULE = (
    "Absences pause subscriptions under working assumption O-22: on the sync date an absence covering it "
    "pauses the subscription (paused, pausedAt its first day), a later one schedules the pause "
    "(scheduled-pause, pausedAt its first day), and an employee sent without either is resumed (active; "
    "reactivatedAt the sync date if it was paused). Pending and cancelled subscriptions only record them. "
    "The API does not show absences back: the plan shows the subscription as the API shows it now, and "
    "what O-22 expects after the sync."
)
"""The effect the plan expects of absences, said once for every format (see ``matching.paused_by``)."""

PAUSE_EFFECTS = ("pause starts", "pause date changes", "pause scheduled", "pause ends", "pause withdrawn")
"""What a row's absences can do to a subscription (O-22), as the plan names and counts it."""


def pause_effect(change: SubscriptionChange) -> str:
    """Which of :data:`PAUSE_EFFECTS` a subscription change is."""
    before, after = change.before.status, change.after.status
    if after == "paused":
        return "pause date changes" if before == "paused" else "pause starts"
    if after == "scheduled-pause":
        return "pause scheduled"
    return "pause ends" if before == "paused" else "pause withdrawn"


def _moved(name: str, old: str | None, new: str | None, escape: Callable[[Any], str]) -> str:
    def shown(value: str | None) -> str:
        return "(empty)" if value is None else escape(value)

    return f", {name} {shown(old)} → {shown(new)}" if old != new else ""


def pause_text(change: SubscriptionChange, escape: Callable[[Any], str]) -> str:
    """What absences do to one subscription, as the plan says it, each value shown with ``escape``.

    ``pause starts: subscription active → paused, pausedAt (empty) → 2026-05-04 (working assumption O-22)``
    """
    before, after = change.before, change.after
    return (
        f"{pause_effect(change)}: subscription {escape(before.status)} → {escape(after.status)}"
        f"{_moved('pausedAt', before.paused_at, after.paused_at, escape)}"
        f"{_moved('reactivatedAt', before.reactivated_at, after.reactivated_at, escape)}"
        " (working assumption O-22)"
    )


@dataclass(frozen=True)
class SentOnlyField:
    """A field the sync sends that the API does not show back."""

    name: str
    """Its wire name."""
    counted_as: str
    """The summary line counting the rows that send a value: ``start dates sent``."""
    note: Callable[[Any, datetime.date], str] = _no_note
    """What the plan adds after a value (``today`` given: a date may be past or future)."""
    as_text: Callable[[Any], str] = _as_text
    """A value as text (escaped afterwards for each format): a list of absences needs more than str()."""


SENT_ONLY: tuple[SentOnlyField, ...] = (
    SentOnlyField("startDate", "start dates sent"),
    SentOnlyField("terminationDate", "termination dates sent", _termination),
    SentOnlyField("autoSyncEmployee", "autoSyncEmployee values sent"),
    SentOnlyField("absences", "absences sent", _absence_note, absences_text),
)
"""Fields sent but not shown back (facts 7.1 and 7.9), in the order the plan shows them."""


@dataclass(frozen=True)
class SentValue:
    """One sent-only value of a row and the plan's note on it: ``terminationDate``, ``2026-12-31``."""

    name: str
    value: Any
    text: str
    """The value as text (not yet escaped)."""
    note: str


def sent_values(row: Mapping[str, Any], today: datetime.date) -> list[SentValue]:
    """The sent-only values a row sends (null and absent ones are counted, not listed)."""
    return [
        SentValue(
            field.name, row[field.name], field.as_text(row[field.name]), field.note(row[field.name], today)
        )
        for field in SENT_ONLY
        if is_sent(row.get(field.name))
    ]


def scheduled_offboarding(row: Mapping[str, Any], today: datetime.date) -> str | None:
    """The future ``terminationDate`` of a row: the day it is offboarded, by a later sync (O-26)."""
    value = row.get("terminationDate")
    if isinstance(value, str) and not is_terminated(value, today):
        return value
    return None
