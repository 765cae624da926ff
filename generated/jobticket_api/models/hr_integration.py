from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.hr_integration_links import HrIntegrationLinks


T = TypeVar("T", bound="HrIntegration")


@_attrs_define
class HrIntegration:
    """An HR integration. Its fields are not documented publicly (O-8)."""

    id: int
    """ The Integration ID assigned by the portal [INFERRED]. """
    resource: Literal["hr-integration"]
    """ Resource discriminator. """
    name: str
    """ The integration type's name in the portal. """
    status: str
    """ Sync status; the portal shows "INITIAL SYNC PENDING" at first [DOC]. """
    last_sync_id: None | str
    """ `syncId` of the last successful sync. """
    last_synced: datetime.datetime | None
    """ When the last successful sync was processed. """
    created_at: datetime.datetime
    """ Creation time. """
    updated_at: datetime.datetime
    """ Last change. """
    field_links: HrIntegrationLinks
    """ HAL links of an HR integration. """

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        resource = self.resource

        name = self.name

        status = self.status

        last_sync_id: None | str
        last_sync_id = self.last_sync_id

        last_synced: None | str
        if isinstance(self.last_synced, datetime.datetime):
            last_synced = self.last_synced.isoformat()
        else:
            last_synced = self.last_synced

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_links = self.field_links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "resource": resource,
                "name": name,
                "status": status,
                "lastSyncId": last_sync_id,
                "lastSynced": last_synced,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "_links": field_links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.hr_integration_links import HrIntegrationLinks  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        resource = cast(Literal["hr-integration"], d.pop("resource"))
        if resource != "hr-integration":
            raise ValueError(f"resource must match const 'hr-integration', got '{resource}'")

        name = d.pop("name")

        status = d.pop("status")

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

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        field_links = HrIntegrationLinks.from_dict(d.pop("_links"))

        hr_integration = cls(
            id=id,
            resource=resource,
            name=name,
            status=status,
            last_sync_id=last_sync_id,
            last_synced=last_synced,
            created_at=created_at,
            updated_at=updated_at,
            field_links=field_links,
        )

        return hr_integration
