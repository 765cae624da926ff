from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.employee import Employee


T = TypeVar("T", bound="EmployeeResponse")


@_attrs_define
class EmployeeResponse:
    """Single-resource envelope [DOC]."""

    data: Employee
    """ An employee with subscription, plan, current ticket and HR links [DOC]. """

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
        from ..models.employee import Employee  # noqa: PLC0415

        d = dict(src_dict)
        data = Employee.from_dict(d.pop("data"))

        employee_response = cls(
            data=data,
        )

        return employee_response
