from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EmployeeContributionAmount")


@_attrs_define
class EmployeeContributionAmount:
    """The employee's share of the plan cost, in EUR [INFERRED from the € label]."""

    label: str
    """ Formatted amount with the € sign. """
    value: float
    """ The amount as a decimal number. """

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "label": label,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        label = d.pop("label")

        value = d.pop("value")

        employee_contribution_amount = cls(
            label=label,
            value=value,
        )

        return employee_contribution_amount
