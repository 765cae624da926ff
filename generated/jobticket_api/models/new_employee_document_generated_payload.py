from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewEmployeeDocumentGeneratedPayload")


@_attrs_define
class NewEmployeeDocumentGeneratedPayload:
    """The new document's and its employee's IDs [DOC]; further fields are O-31."""

    id: int
    """ The document ID, for Get Document. """
    employee_id: int
    """ The owning employee's ID. """
    resource: Literal["employee-document"] | Unset = UNSET
    """ Resource discriminator. """

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        employee_id = self.employee_id

        resource = self.resource

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "employeeId": employee_id,
            }
        )
        if resource is not UNSET:
            field_dict["resource"] = resource

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        employee_id = d.pop("employeeId")

        resource = cast(Literal["employee-document"] | Unset, d.pop("resource", UNSET))
        if resource != "employee-document" and not isinstance(resource, Unset):
            raise ValueError(f"resource must match const 'employee-document', got '{resource}'")

        new_employee_document_generated_payload = cls(
            id=id,
            employee_id=employee_id,
            resource=resource,
        )

        return new_employee_document_generated_payload
