from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.hr_sync_employee import HrSyncEmployee


T = TypeVar("T", bound="HrSyncRequest")


@_attrs_define
class HrSyncRequest:
    """Body of Trigger HR Sync: the COMPLETE current roster [DOC]. Fields are [DOC]; the rules are
    working assumption O-21 (validated as a whole, atomic 422; unknown properties ignored).

    """

    sync_id: str
    """ Caller-chosen identifier of this sync run, logged by the client. """
    employees: list[HrSyncEmployee]
    """ The complete roster; everyone linked and left out is offboarded. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sync_id = self.sync_id

        employees = []
        for employees_item_data in self.employees:
            employees_item = employees_item_data.to_dict()
            employees.append(employees_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "syncId": sync_id,
                "employees": employees,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.hr_sync_employee import HrSyncEmployee  # noqa: PLC0415

        d = dict(src_dict)
        sync_id = d.pop("syncId")

        employees = []
        _employees = d.pop("employees")
        for employees_item_data in _employees:
            employees_item = HrSyncEmployee.from_dict(employees_item_data)

            employees.append(employees_item)

        hr_sync_request = cls(
            sync_id=sync_id,
            employees=employees,
        )

        hr_sync_request.additional_properties = d
        return hr_sync_request

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
