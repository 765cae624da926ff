from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.employee_document_page import EmployeeDocumentPage


T = TypeVar("T", bound="EmployeeDocumentListResponse")


@_attrs_define
class EmployeeDocumentListResponse:
    """List envelope of documents [INFERRED from the list convention]."""

    data: EmployeeDocumentPage
    """ One page of documents. """

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
        from ..models.employee_document_page import EmployeeDocumentPage  # noqa: PLC0415

        d = dict(src_dict)
        data = EmployeeDocumentPage.from_dict(d.pop("data"))

        employee_document_list_response = cls(
            data=data,
        )

        return employee_document_list_response
