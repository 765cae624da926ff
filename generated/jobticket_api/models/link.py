from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Link")


@_attrs_define
class Link:
    """A HAL link. Follow it rather than building URLs [DOC]."""

    href: str
    """ Absolute URL. Uses the host that served the request (O-36). """
    type_: str
    """ Media type of the target; always application/json in the docs. """

    def to_dict(self) -> dict[str, Any]:
        href = self.href

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "href": href,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        href = d.pop("href")

        type_ = d.pop("type")

        link = cls(
            href=href,
            type_=type_,
        )

        return link
