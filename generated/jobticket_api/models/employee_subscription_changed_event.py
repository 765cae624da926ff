from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.employee_subscription_changed_payload import EmployeeSubscriptionChangedPayload
    from ..models.webhook_event_meta import WebhookEventMeta


T = TypeVar("T", bound="EmployeeSubscriptionChangedEvent")


@_attrs_define
class EmployeeSubscriptionChangedEvent:
    """Webhook `employee-subscription-changed` [DOC]."""

    event: WebhookEventMeta
    """ The `event` part of every webhook delivery [DOC]. """
    payload: EmployeeSubscriptionChangedPayload
    """ Only the employee's id, resource and new subscription [DOC]. """

    def to_dict(self) -> dict[str, Any]:
        event = self.event.to_dict()

        payload = self.payload.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event": event,
                "payload": payload,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.employee_subscription_changed_payload import EmployeeSubscriptionChangedPayload  # noqa: PLC0415
        from ..models.webhook_event_meta import WebhookEventMeta  # noqa: PLC0415

        d = dict(src_dict)
        event = WebhookEventMeta.from_dict(d.pop("event"))

        payload = EmployeeSubscriptionChangedPayload.from_dict(d.pop("payload"))

        employee_subscription_changed_event = cls(
            event=event,
            payload=payload,
        )

        return employee_subscription_changed_event
