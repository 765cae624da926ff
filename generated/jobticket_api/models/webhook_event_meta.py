from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="WebhookEventMeta")


@_attrs_define
class WebhookEventMeta:
    """The `event` part of every webhook delivery [DOC]."""

    id: UUID
    """ Unique ID of this event; deduplicate on it. """
    type_: str
    """ Event type. """
    timestamp: int
    """ When the event was generated, Unix seconds. """

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        type_ = self.type_

        timestamp = self.timestamp

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "type": type_,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        type_ = d.pop("type")

        timestamp = d.pop("timestamp")

        webhook_event_meta = cls(
            id=id,
            type_=type_,
            timestamp=timestamp,
        )

        return webhook_event_meta
