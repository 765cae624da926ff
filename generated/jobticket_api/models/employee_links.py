from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.link import Link


T = TypeVar("T", bound="EmployeeLinks")


@_attrs_define
class EmployeeLinks:
    """HAL links of an employee [DOC]."""

    self_: Link
    """ A HAL link. Follow it rather than building URLs [DOC]. """
    employee_documents: Link
    """ A HAL link. Follow it rather than building URLs [DOC]. """

    def to_dict(self) -> dict[str, Any]:
        self_ = self.self_.to_dict()

        employee_documents = self.employee_documents.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "self": self_,
                "employeeDocuments": employee_documents,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.link import Link  # noqa: PLC0415

        d = dict(src_dict)
        self_ = Link.from_dict(d.pop("self"))

        employee_documents = Link.from_dict(d.pop("employeeDocuments"))

        employee_links = cls(
            self_=self_,
            employee_documents=employee_documents,
        )

        return employee_links
