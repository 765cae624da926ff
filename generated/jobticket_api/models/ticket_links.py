from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="TicketLinks")


@_attrs_define
class TicketLinks:
    """Wallet pass links of a ticket [DOC; wallet meaning INFERRED]."""

    apple: None | str
    """ Apple Wallet pass. """
    google: None | str
    """ Google Wallet pass. """

    def to_dict(self) -> dict[str, Any]:
        apple: None | str
        apple = self.apple

        google: None | str
        google = self.google

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "apple": apple,
                "google": google,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_apple(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        apple = _parse_apple(d.pop("apple"))

        def _parse_google(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        google = _parse_google(d.pop("google"))

        ticket_links = cls(
            apple=apple,
            google=google,
        )

        return ticket_links
