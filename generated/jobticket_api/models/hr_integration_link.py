from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="HrIntegrationLink")


@_attrs_define
class HrIntegrationLink:
    """The employee's link to one HR integration [DOC]."""

    type_: Literal["hr-integration"]
    """ Constant; these items use `type`, not `resource`. """
    hr_id: str
    """ The employee's ID in the company's HR system (personal data) [INFERRED meaning]. """
    hr_integration_id: int
    """ The HR integration's ID, the `{id}` of Trigger HR Sync [INFERRED meaning]. """
    last_sync_id: None | str
    """ `syncId` of the last sync that included this employee [INFERRED meaning]. """
    last_synced: datetime.datetime | None
    """ When that sync was processed [INFERRED meaning]. """

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        hr_id = self.hr_id

        hr_integration_id = self.hr_integration_id

        last_sync_id: None | str
        last_sync_id = self.last_sync_id

        last_synced: None | str
        if isinstance(self.last_synced, datetime.datetime):
            last_synced = self.last_synced.isoformat()
        else:
            last_synced = self.last_synced

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "hrId": hr_id,
                "hrIntegrationId": hr_integration_id,
                "lastSyncId": last_sync_id,
                "lastSynced": last_synced,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["hr-integration"], d.pop("type"))
        if type_ != "hr-integration":
            raise ValueError(f"type must match const 'hr-integration', got '{type_}'")

        hr_id = d.pop("hrId")

        hr_integration_id = d.pop("hrIntegrationId")

        def _parse_last_sync_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_sync_id = _parse_last_sync_id(d.pop("lastSyncId"))

        def _parse_last_synced(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_synced_type_0 = datetime.datetime.fromisoformat(data)

                return last_synced_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_synced = _parse_last_synced(d.pop("lastSynced"))

        hr_integration_link = cls(
            type_=type_,
            hr_id=hr_id,
            hr_integration_id=hr_integration_id,
            last_sync_id=last_sync_id,
            last_synced=last_synced,
        )

        return hr_integration_link
