"""The guard over time: offboarding within a rolling period, kept in a small local JSON file.

The per-sync ratio alone lets a run of small syncs (6 %, 6 %, 6 %...) remove a large share of an
integration. This file remembers what each sent sync offboarded, per API and integration, and refuses a
sync that would take the total of the period (default 10 % in 7 days) over the limit, unless the same
explicit override is given. The file holds counts, syncIds and times only: no personal data.

The client's ``sync_roster(history=...)`` takes any :class:`jobticket.hr_sync.SyncHistory`; this is the
application's, kept beside the plan files HR approves.
"""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._exceptions import HistoryError
from .._hr_sync import GuardCheck

if TYPE_CHECKING:
    from .._hr_sync import SyncPlan

__all__ = [
    "DEFAULT_PERIOD_DAYS",
    "DEFAULT_PERIOD_LIMIT",
    "HISTORY_FILE_NAME",
    "OffboardingHistory",
    "history_key",
]

HISTORY_FILE_NAME = ".jobticket-offboarding-history.json"
DEFAULT_PERIOD_LIMIT = 0.10
DEFAULT_PERIOD_DAYS = 7.0
_FORMAT = "jobticket-offboarding-history"
_KEEP = datetime.timedelta(days=90)
_MAX_RECORDS = 1000


@dataclass(frozen=True)
class _Record:
    at: datetime.datetime
    sync_id: str
    offboarded: int
    active_linked: int


class OffboardingHistory:
    """What earlier syncs offboarded, per ``base_url`` and integration, kept in the JSON file ``path``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        limit: float = DEFAULT_PERIOD_LIMIT,
        days: float = DEFAULT_PERIOD_DAYS,
    ) -> None:
        if not 0 <= limit <= 1:
            raise ValueError(f"the period limit must be between 0 and 1, got {limit}")
        if not days > 0:
            raise ValueError(f"the period must be longer than 0 days, got {days}")
        self.path = Path(path)
        self.limit = limit
        self.period = datetime.timedelta(days=days)

    @classmethod
    def beside(cls, plan_path: str | os.PathLike[str], **options: Any) -> OffboardingHistory:
        """The history file in the directory of a saved plan."""
        return cls(Path(plan_path).parent / HISTORY_FILE_NAME, **options)

    def __repr__(self) -> str:
        return f"OffboardingHistory({str(self.path)!r}, limit={self.limit}, days={self.period.days})"

    def _load(self) -> dict[str, list[_Record]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise HistoryError(f"{self.path}: cannot be read: {error.strerror}") from None
        try:
            body = json.loads(text)
            if body.get("format") != _FORMAT:
                raise ValueError("format")
            return {
                key: [
                    _Record(
                        datetime.datetime.fromisoformat(item["at"]),
                        str(item["syncId"]),
                        int(item["offboarded"]),
                        int(item["activeLinked"]),
                    )
                    for item in items
                ]
                for key, items in body["integrations"].items()
            }
        except (ValueError, TypeError, KeyError, AttributeError):
            raise HistoryError(
                f"{self.path}: is not an offboarding history this client wrote; restore it, or delete it "
                "knowing that the offboarding guard over time then forgets earlier syncs"
            ) from None

    def _in_period(self, key: str, now: datetime.datetime) -> list[_Record]:
        return [record for record in self._load().get(key, []) if now - record.at <= self.period]

    def guard_check(
        self, base_url: str, plan: SyncPlan, now: datetime.datetime, *, allow: bool
    ) -> GuardCheck:
        """The period guard's verdict on sending ``plan`` to ``base_url`` now."""
        key = history_key(base_url, plan.integration_id)
        share = self.period_ratio(key, plan, now)[0]
        return GuardCheck(
            f"over {self.period.days} days", share, self.limit, self.refusal(key, plan, now, allow)
        )

    def record_sync(self, base_url: str, sync_id: str, plan: SyncPlan, now: datetime.datetime) -> None:
        """Remember a sync the API accepted (see :meth:`record`)."""
        self.record(history_key(base_url, plan.integration_id), sync_id, plan, now)

    def refusal(self, key: str, plan: SyncPlan, now: datetime.datetime, allow: bool) -> str | None:
        """Why the period guard refuses ``plan`` (None when it may be sent)."""
        if allow or plan.offboarded_active == 0:
            return None
        total, base, earlier = self.period_ratio(key, plan, now)
        if total <= self.limit:
            return None
        return (
            f"with this sync, {earlier + plan.offboarded_active} of {base} active employees of integration "
            f"{plan.integration_id} would have been offboarded within {self.period.days} days ({total:.1%}: "
            f"{earlier} by earlier syncs recorded in {self.path.name}, {plan.offboarded_active} now), above "
            f"the {self.limit:.1%} limit; check the roster, or pass allow_large_offboarding=True "
            "(--allow-large-offboarding) if this is intended"
        )

    def period_ratio(self, key: str, plan: SyncPlan, now: datetime.datetime) -> tuple[float, int, int]:
        """(share offboarded in the period with ``plan``, active employees at its start, earlier count)."""
        records = self._in_period(key, now)
        earlier = sum(record.offboarded for record in records)
        base = records[0].active_linked if records else plan.active_linked
        base = max(base, 1)
        return (earlier + plan.offboarded_active) / base, base, earlier

    def record(self, key: str, sync_id: str, plan: SyncPlan, now: datetime.datetime) -> None:
        """Remember a sent sync (atomically: a crash leaves the old file or the new one)."""
        history = self._load()
        kept = [record for record in history.get(key, []) if now - record.at <= max(self.period, _KEEP)]
        kept.append(_Record(now, sync_id, plan.offboarded_active, plan.active_linked))
        history[key] = kept[-_MAX_RECORDS:]
        body = {
            "format": _FORMAT,
            "version": 1,
            "integrations": {
                name: [
                    {
                        "at": record.at.isoformat(),
                        "syncId": record.sync_id,
                        "offboarded": record.offboarded,
                        "activeLinked": record.active_linked,
                    }
                    for record in records
                ]
                for name, records in history.items()
            },
        }
        _write_atomically(self.path, json.dumps(body, indent=2) + "\n")


def history_key(base_url: str, integration_id: int) -> str:
    """The history's key of one integration of one API."""
    return f"{base_url.rstrip('/')} integration {integration_id}"


def _write_atomically(path: Path, text: str) -> None:
    import tempfile  # noqa: PLC0415 - only when a sync was sent: keeps `import jobticket` light

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        raise HistoryError(f"{path}: cannot be written: {error.strerror}") from None
