"""The guard over time, and the ledger of sent plans: a small local JSON file beside the plans.

The per-sync ratio alone lets a run of small syncs (6 %, 6 %, 6 %...) remove a large share of an
integration. This file remembers what each sent sync offboarded, per API and integration, and refuses a
sync that would take the total of the period (default 10 % in 7 days) over the limit, unless the same
explicit override is given. It also records, for each sync the API accepted, the plan's fingerprint, how
many employees it newly billed and which overrides were given, written durably (fsync) right after the
sync was sent: so a plan is never sent twice ("already applied") and every override has a record. The
file holds counts, syncIds, fingerprints and times only: no personal data. It is written 0600.

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
from ._files import read_bounded, write_private

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .._hr_sync import SyncPlan

__all__ = [
    "DEFAULT_PERIOD_DAYS",
    "DEFAULT_PERIOD_LIMIT",
    "HISTORY_FILE_NAME",
    "MAX_PERIOD_DAYS",
    "OffboardingHistory",
    "SentRecord",
    "history_key",
]

HISTORY_FILE_NAME = ".jobticket-offboarding-history.json"
DEFAULT_PERIOD_LIMIT = 0.10
DEFAULT_PERIOD_DAYS = 7.0
_FORMAT = "jobticket-offboarding-history"
MAX_PERIOD_DAYS = 366.0
_KEEP = datetime.timedelta(days=90)
_MAX_RECORDS = 1000
_MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class SentRecord:
    """One sync the API accepted, as the history keeps it."""

    at: datetime.datetime
    sync_id: str
    offboarded: int
    active_linked: int
    plan: str | None = None
    """The fingerprint of the plan file that was sent (None: sent without a plan file)."""
    newly_billed: int = 0
    overrides: tuple[str, ...] = ()
    """The explicit overrides given (``allow_large_offboarding``...)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "syncId": self.sync_id,
            "offboarded": self.offboarded,
            "activeLinked": self.active_linked,
            "plan": self.plan,
            "newlyBilled": self.newly_billed,
            "overrides": list(self.overrides),
        }

    @classmethod
    def from_json(cls, item: Any) -> SentRecord:
        return cls(
            datetime.datetime.fromisoformat(item["at"]),
            str(item["syncId"]),
            int(item["offboarded"]),
            int(item["activeLinked"]),
            None if item.get("plan") is None else str(item["plan"]),
            int(item.get("newlyBilled", 0)),
            tuple(str(name) for name in item.get("overrides", ())),
        )


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
        if not 0 < days <= MAX_PERIOD_DAYS:
            raise ValueError(
                f"the period must be more than 0 and at most {MAX_PERIOD_DAYS:.0f} days, got {days}"
            )
        self.path = Path(path)
        self.limit = limit
        self.period = datetime.timedelta(days=days)

    @classmethod
    def beside(cls, plan_path: str | os.PathLike[str], **options: Any) -> OffboardingHistory:
        """The history file in the directory of a saved plan."""
        return cls(Path(plan_path).parent / HISTORY_FILE_NAME, **options)

    def __repr__(self) -> str:
        return f"OffboardingHistory({str(self.path)!r}, limit={self.limit}, days={self.period.days})"

    def _load(self) -> dict[str, list[SentRecord]]:
        try:
            data = read_bounded(self.path, _MAX_BYTES)
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise HistoryError(f"{self.path}: cannot be read: {error.strerror}") from None
        try:
            if data is None:
                raise ValueError("size")
            body = json.loads(data.decode("utf-8"))
            if body.get("format") != _FORMAT:
                raise ValueError("format")
            return {
                str(key): [SentRecord.from_json(item) for item in items]
                for key, items in body["integrations"].items()
            }
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            raise HistoryError(
                f"{self.path}: is not an offboarding history this client wrote; restore it, or delete it "
                "knowing that the offboarding guard over time then forgets earlier syncs"
            ) from None

    def applied(self, base_url: str, integration_id: int, plan_fingerprint: str) -> SentRecord | None:
        """The record of the plan with this fingerprint, if it was sent (None: never sent from here)."""
        records = self._load().get(history_key(base_url, integration_id), [])
        return next((record for record in records if record.plan == plan_fingerprint), None)

    def _in_period(self, key: str, now: datetime.datetime) -> list[SentRecord]:
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

    def record_sync(
        self,
        base_url: str,
        sync_id: str,
        plan: SyncPlan,
        now: datetime.datetime,
        *,
        plan_fingerprint: str | None = None,
        overrides: Sequence[str] = (),
    ) -> None:
        """Remember a sync the API accepted (see :meth:`record`)."""
        self.record(
            history_key(base_url, plan.integration_id),
            sync_id,
            plan,
            now,
            plan_fingerprint=plan_fingerprint,
            overrides=overrides,
        )

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
            f"the {self.limit:.1%} limit; check the roster, or pass allow_large_offboarding=True if this "
            "is intended"
        )

    def period_ratio(self, key: str, plan: SyncPlan, now: datetime.datetime) -> tuple[float, int, int]:
        """(share offboarded in the period with ``plan``, active employees at its start, earlier count)."""
        records = self._in_period(key, now)
        earlier = sum(record.offboarded for record in records)
        base = records[0].active_linked if records else plan.active_linked
        base = max(base, 1)
        return (earlier + plan.offboarded_active) / base, base, earlier

    def record(
        self,
        key: str,
        sync_id: str,
        plan: SyncPlan,
        now: datetime.datetime,
        *,
        plan_fingerprint: str | None = None,
        overrides: Sequence[str] = (),
    ) -> None:
        """Remember a sent sync, durably: a crash leaves the old file or the new one, never half of one."""
        history = self._load()
        kept = [record for record in history.get(key, []) if now - record.at <= max(self.period, _KEEP)]
        kept.append(
            SentRecord(
                now,
                sync_id,
                plan.offboarded_active,
                plan.active_linked,
                plan_fingerprint,
                plan.newly_billed,
                tuple(overrides),
            )
        )
        history[key] = kept[-_MAX_RECORDS:]
        body = {
            "format": _FORMAT,
            "version": 1,
            "integrations": {
                name: [record.to_json() for record in records] for name, records in history.items()
            },
        }
        _write_atomically(self.path, json.dumps(body, indent=2) + "\n")


def history_key(base_url: str, integration_id: int) -> str:
    """The history's key of one integration of one API."""
    return f"{base_url.rstrip('/')} integration {integration_id}"


def _write_atomically(path: Path, text: str) -> None:
    try:
        write_private(path, [text.encode("utf-8")])
    except OSError as error:
        raise HistoryError(f"{path}: cannot be written: {error.strerror}") from None
