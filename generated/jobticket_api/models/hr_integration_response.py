from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.hr_integration import HrIntegration


T = TypeVar("T", bound="HrIntegrationResponse")


@_attrs_define
class HrIntegrationResponse:
    """Single-resource envelope [INFERRED by consistency]."""

    data: HrIntegration
    """ An HR integration. Its fields are not documented publicly (O-8). """

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
        from ..models.hr_integration import HrIntegration  # noqa: PLC0415

        d = dict(src_dict)
        data = HrIntegration.from_dict(d.pop("data"))

        hr_integration_response = cls(
            data=data,
        )

        return hr_integration_response
