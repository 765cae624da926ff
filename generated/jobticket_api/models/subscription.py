from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Subscription")


@_attrs_define
class Subscription:
    """An employee's subscription; also the payload of the subscription webhook [DOC]."""

    status: str
    """ Current subscription status. """
    start_at: datetime.date | None
    """ Date the subscription starts. """
    next_ticket_at: datetime.date | None
    """ Date the next ticket is issued. """
    paused_at: datetime.date | None
    """ Date the subscription will be or was paused. """
    cancelled_at: datetime.date | None
    """ Date it was cancelled. """
    reactivated_at: datetime.date | None
    """ Date it was reactivated. """

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        start_at: None | str
        if isinstance(self.start_at, datetime.date):
            start_at = self.start_at.isoformat()
        else:
            start_at = self.start_at

        next_ticket_at: None | str
        if isinstance(self.next_ticket_at, datetime.date):
            next_ticket_at = self.next_ticket_at.isoformat()
        else:
            next_ticket_at = self.next_ticket_at

        paused_at: None | str
        if isinstance(self.paused_at, datetime.date):
            paused_at = self.paused_at.isoformat()
        else:
            paused_at = self.paused_at

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.date):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        reactivated_at: None | str
        if isinstance(self.reactivated_at, datetime.date):
            reactivated_at = self.reactivated_at.isoformat()
        else:
            reactivated_at = self.reactivated_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
                "startAt": start_at,
                "nextTicketAt": next_ticket_at,
                "pausedAt": paused_at,
                "cancelledAt": cancelled_at,
                "reactivatedAt": reactivated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = d.pop("status")

        def _parse_start_at(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_at_type_0 = datetime.date.fromisoformat(data)

                return start_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        start_at = _parse_start_at(d.pop("startAt"))

        def _parse_next_ticket_at(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_ticket_at_type_0 = datetime.date.fromisoformat(data)

                return next_ticket_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        next_ticket_at = _parse_next_ticket_at(d.pop("nextTicketAt"))

        def _parse_paused_at(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paused_at_type_0 = datetime.date.fromisoformat(data)

                return paused_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        paused_at = _parse_paused_at(d.pop("pausedAt"))

        def _parse_cancelled_at(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.date.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelledAt"))

        def _parse_reactivated_at(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reactivated_at_type_0 = datetime.date.fromisoformat(data)

                return reactivated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        reactivated_at = _parse_reactivated_at(d.pop("reactivatedAt"))

        subscription = cls(
            status=status,
            start_at=start_at,
            next_ticket_at=next_ticket_at,
            paused_at=paused_at,
            cancelled_at=cancelled_at,
            reactivated_at=reactivated_at,
        )

        return subscription
