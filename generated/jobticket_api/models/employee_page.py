from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.employee import Employee


T = TypeVar("T", bound="EmployeePage")


@_attrs_define
class EmployeePage:
    """One page of employees."""

    page: int
    """ Current page number; echoes the request (O-12). """
    per_page: int
    """ Page size. """
    total_pages: int
    """ Number of pages, ceil(total / perPage); 0 for an empty list (O-12). """
    total: int
    """ Number of items matching the filters [DOC; "matching the filters" INFERRED]. """
    data: list[Employee]
    """ The employees of this page. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        page = self.page

        per_page = self.per_page

        total_pages = self.total_pages

        total = self.total

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "page": page,
                "perPage": per_page,
                "totalPages": total_pages,
                "total": total,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.employee import Employee  # noqa: PLC0415

        d = dict(src_dict)
        page = d.pop("page")

        per_page = d.pop("perPage")

        total_pages = d.pop("totalPages")

        total = d.pop("total")

        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Employee.from_dict(data_item_data)

            data.append(data_item)

        employee_page = cls(
            page=page,
            per_page=per_page,
            total_pages=total_pages,
            total=total,
            data=data,
        )

        employee_page.additional_properties = d
        return employee_page

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
