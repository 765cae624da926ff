from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.new_employee_document_generated_payload import NewEmployeeDocumentGeneratedPayload
    from ..models.webhook_event_meta import WebhookEventMeta


T = TypeVar("T", bound="NewEmployeeDocumentGeneratedEvent")


@_attrs_define
class NewEmployeeDocumentGeneratedEvent:
    """Webhook `new-employee-document-generated` [DOC]."""

    event: WebhookEventMeta
    """ The `event` part of every webhook delivery [DOC]. """
    payload: NewEmployeeDocumentGeneratedPayload
    """ The new document's and its employee's IDs [DOC]; further fields are O-31. """

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
        from ..models.new_employee_document_generated_payload import NewEmployeeDocumentGeneratedPayload  # noqa: PLC0415
        from ..models.webhook_event_meta import WebhookEventMeta  # noqa: PLC0415

        d = dict(src_dict)
        event = WebhookEventMeta.from_dict(d.pop("event"))

        payload = NewEmployeeDocumentGeneratedPayload.from_dict(d.pop("payload"))

        new_employee_document_generated_event = cls(
            event=event,
            payload=payload,
        )

        return new_employee_document_generated_event
