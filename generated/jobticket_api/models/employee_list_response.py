from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.employee_page import EmployeePage


T = TypeVar("T", bound="EmployeeListResponse")


@_attrs_define
class EmployeeListResponse:
    """List envelope [DOC]: the page object is itself inside `data`."""

    data: EmployeePage
    """ One page of employees. """

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.employee_page import EmployeePage  # noqa: PLC0415

        d = dict(src_dict)
        data = EmployeePage.from_dict(d.pop("data"))

        employee_list_response = cls(
            data=data,
        )

        return employee_list_response
