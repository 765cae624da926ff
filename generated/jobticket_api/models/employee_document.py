from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.employee_document_links import EmployeeDocumentLinks


T = TypeVar("T", bound="EmployeeDocument")


@_attrs_define
class EmployeeDocument:
    """A document's metadata [DOC]. There is no download relation; see Download Document."""

    id: int
    """ Document ID. """
    employee_id: int
    """ The owning employee. """
    document_name: str
    """ Display name. """
    document_file_type: str
    """ File type. """
    downloadable: bool
    """ Whether Download Document may be called [DOC]. """
    created_at: datetime.datetime
    """ Creation time (format inferred from the example). """
    updated_at: datetime.datetime
    """ Last update (format inferred from the example). """
    resource: Literal["employee-document"]
    """ Resource discriminator. """
    field_links: EmployeeDocumentLinks
    """ HAL links of a document [DOC]. """

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        employee_id = self.employee_id

        document_name = self.document_name

        document_file_type = self.document_file_type

        downloadable = self.downloadable

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        resource = self.resource

        field_links = self.field_links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "employeeId": employee_id,
                "documentName": document_name,
                "documentFileType": document_file_type,
                "downloadable": downloadable,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "resource": resource,
                "_links": field_links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.employee_document_links import EmployeeDocumentLinks  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        employee_id = d.pop("employeeId")

        document_name = d.pop("documentName")

        document_file_type = d.pop("documentFileType")

        downloadable = d.pop("downloadable")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        resource = cast(Literal["employee-document"], d.pop("resource"))
        if resource != "employee-document":
            raise ValueError(f"resource must match const 'employee-document', got '{resource}'")

        field_links = EmployeeDocumentLinks.from_dict(d.pop("_links"))

        employee_document = cls(
            id=id,
            employee_id=employee_id,
            document_name=document_name,
            document_file_type=document_file_type,
            downloadable=downloadable,
            created_at=created_at,
            updated_at=updated_at,
            resource=resource,
            field_links=field_links,
        )

        return employee_document
