from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.employee_contribution_amount import EmployeeContributionAmount


T = TypeVar("T", bound="Plan")


@_attrs_define
class Plan:
    """The employee's plan [DOC]."""

    type_: str
    """ Plan type. """
    contract_signing_status: str
    """ State of the employee's contract signature. """
    employee_contribution_amount: EmployeeContributionAmount | None
    """ The employee's own share; null on a fully subsidised plan [DOC]. """

    def to_dict(self) -> dict[str, Any]:
        from ..models.employee_contribution_amount import EmployeeContributionAmount  # noqa: PLC0415

        type_ = self.type_

        contract_signing_status = self.contract_signing_status

        employee_contribution_amount: dict[str, Any] | None
        if isinstance(self.employee_contribution_amount, EmployeeContributionAmount):
            employee_contribution_amount = self.employee_contribution_amount.to_dict()
        else:
            employee_contribution_amount = self.employee_contribution_amount

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "contractSigningStatus": contract_signing_status,
                "employeeContributionAmount": employee_contribution_amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.employee_contribution_amount import EmployeeContributionAmount  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        contract_signing_status = d.pop("contractSigningStatus")

        def _parse_employee_contribution_amount(data: object) -> EmployeeContributionAmount | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                employee_contribution_amount_type_0 = EmployeeContributionAmount.from_dict(data)

                return employee_contribution_amount_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EmployeeContributionAmount | None, data)

        employee_contribution_amount = _parse_employee_contribution_amount(d.pop("employeeContributionAmount"))

        plan = cls(
            type_=type_,
            contract_signing_status=contract_signing_status,
            employee_contribution_amount=employee_contribution_amount,
        )

        return plan
