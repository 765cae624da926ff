from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.hr_integration_page import HrIntegrationPage


T = TypeVar("T", bound="HrIntegrationListResponse")


@_attrs_define
class HrIntegrationListResponse:
    """List envelope of HR integrations."""

    data: HrIntegrationPage
    """ One page of HR integrations. """

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
        from ..models.hr_integration_page import HrIntegrationPage  # noqa: PLC0415

        d = dict(src_dict)
        data = HrIntegrationPage.from_dict(d.pop("data"))

        hr_integration_list_response = cls(
            data=data,
        )

        return hr_integration_list_response
