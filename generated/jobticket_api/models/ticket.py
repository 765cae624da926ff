from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.ticket_links import TicketLinks


T = TypeVar("T", bound="Ticket")


@_attrs_define
class Ticket:
    """The current transit ticket [DOC]; covers one calendar month (O-20)."""

    ticket_id: str
    """ Ticket identifier. """
    ticket_month: str
    """ The ticket's month, YYYY-MM (format inferred from the example). """
    valid_from: datetime.date
    """ First valid day. """
    valid_until: datetime.date
    """ Last valid day. """
    links: TicketLinks
    """ Wallet pass links of a ticket [DOC; wallet meaning INFERRED]. """

    def to_dict(self) -> dict[str, Any]:
        ticket_id = self.ticket_id

        ticket_month = self.ticket_month

        valid_from = self.valid_from.isoformat()

        valid_until = self.valid_until.isoformat()

        links = self.links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ticketId": ticket_id,
                "ticketMonth": ticket_month,
                "validFrom": valid_from,
                "validUntil": valid_until,
                "links": links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ticket_links import TicketLinks  # noqa: PLC0415

        d = dict(src_dict)
        ticket_id = d.pop("ticketId")

        ticket_month = d.pop("ticketMonth")

        valid_from = datetime.date.fromisoformat(d.pop("validFrom"))

        valid_until = datetime.date.fromisoformat(d.pop("validUntil"))

        links = TicketLinks.from_dict(d.pop("links"))

        ticket = cls(
            ticket_id=ticket_id,
            ticket_month=ticket_month,
            valid_from=valid_from,
            valid_until=valid_until,
            links=links,
        )

        return ticket
