from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.subscription import Subscription


T = TypeVar("T", bound="EmployeeSubscriptionChangedPayload")


@_attrs_define
class EmployeeSubscriptionChangedPayload:
    """Only the employee's id, resource and new subscription [DOC]."""

    id: int
    """ The employee ID. """
    resource: Literal["employee"]
    """ Resource discriminator. """
    subscription: Subscription
    """ An employee's subscription; also the payload of the subscription webhook [DOC]. """

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        resource = self.resource

        subscription = self.subscription.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "resource": resource,
                "subscription": subscription,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscription import Subscription  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        resource = cast(Literal["employee"], d.pop("resource"))
        if resource != "employee":
            raise ValueError(f"resource must match const 'employee', got '{resource}'")

        subscription = Subscription.from_dict(d.pop("subscription"))

        employee_subscription_changed_payload = cls(
            id=id,
            resource=resource,
            subscription=subscription,
        )

        return employee_subscription_changed_payload
