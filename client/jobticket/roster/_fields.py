"""Every field a sync sends, as the plan shows it: compared with the API, or shown as sent.

The API shows five of the fields back (``firstName``, ``lastName``, ``email``, ``dateOfBirth``,
``profileImage``; facts 7.1), so the plan compares them and shows ``old -> new`` where they differ. The
others are sent but never shown back: the plan cannot know what they replace, so it shows every value it
sends, and counts the rows that send one. :data:`SENT_ONLY` lists them; a new per-employee field of the
sync is one more :class:`SentOnlyField` here, and every plan format shows and counts it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..matching import is_terminated

__all__ = [
    "COMPARED",
    "SENT_ONLY",
    "SentOnlyField",
    "SentValue",
    "scheduled_offboarding",
    "sent_values",
]

COMPARED = ("firstName", "lastName", "email", "dateOfBirth", "profileImage")
"""Fields the API shows back: the plan shows them as ``old -> new`` (facts 8, step 3)."""


def _sent(value: Any) -> bool:
    return value is not None and value != []


def _no_note(_value: Any, _today: datetime.date) -> str:
    return ""


def _as_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _termination(value: Any, today: datetime.date) -> str:
    if is_terminated(value, today):
        return " (today or earlier: offboarded now)"
    return " (offboarding scheduled for that date, O-26)"


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
        if _sent(row.get(field.name))
    ]


def scheduled_offboarding(row: Mapping[str, Any], today: datetime.date) -> str | None:
    """The future ``terminationDate`` of a row: the day it is offboarded, by a later sync (O-26)."""
    value = row.get("terminationDate")
    if isinstance(value, str) and not is_terminated(value, today):
        return value
    return None
