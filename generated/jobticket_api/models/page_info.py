from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PageInfo")


@_attrs_define
class PageInfo:
    """The page fields of the nested list envelope [DOC]."""

    page: int
    """ Current page number; echoes the request (O-12). """
    per_page: int
    """ Page size. """
    total_pages: int
    """ Number of pages, ceil(total / perPage); 0 for an empty list (O-12). """
    total: int
    """ Number of items matching the filters [DOC; "matching the filters" INFERRED]. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        page = self.page

        per_page = self.per_page

        total_pages = self.total_pages

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "page": page,
                "perPage": per_page,
                "totalPages": total_pages,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        page = d.pop("page")

        per_page = d.pop("perPage")

        total_pages = d.pop("totalPages")

        total = d.pop("total")

        page_info = cls(
            page=page,
            per_page=per_page,
            total_pages=total_pages,
            total=total,
        )

        page_info.additional_properties = d
        return page_info

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
