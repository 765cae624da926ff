from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.absence import Absence


T = TypeVar("T", bound="HrSyncEmployee")


@_attrs_define
class HrSyncEmployee:
    """One employee of the roster [DOC fields; rules O-21]."""

    first_name: str
    """ First name (personal data). """
    last_name: str
    """ Last name (personal data). """
    email: str
    """ Email address (personal data); unique within the roster, case-insensitive. """
    hr_id: str
    """ The company's own employee ID ("Sync Company Employee ID"); unique in the roster. """
    profile_image: None | str | Unset = UNSET
    """ Profile image. """
    date_of_birth: datetime.date | None | Unset = UNSET
    """ Date of birth (personal data). """
    start_date: datetime.date | None | Unset = UNSET
    """ Employment start date [INFERRED meaning]. """
    termination_date: datetime.date | None | Unset = UNSET
    """ Employment end date [INFERRED meaning]; today or earlier offboards (O-26). """
    auto_sync_employee: bool | None | Unset = UNSET
    """ Meaning not documented publicly. """
    absences: list[Absence] | Unset = UNSET
    """ Absences of the employee ("Pause/Resume Subscriptions"). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        first_name = self.first_name

        last_name = self.last_name

        email = self.email

        hr_id = self.hr_id

        profile_image: None | str | Unset
        if isinstance(self.profile_image, Unset):
            profile_image = UNSET
        else:
            profile_image = self.profile_image

        date_of_birth: None | str | Unset
        if isinstance(self.date_of_birth, Unset):
            date_of_birth = UNSET
        elif isinstance(self.date_of_birth, datetime.date):
            date_of_birth = self.date_of_birth.isoformat()
        else:
            date_of_birth = self.date_of_birth

        start_date: None | str | Unset
        if isinstance(self.start_date, Unset):
            start_date = UNSET
        elif isinstance(self.start_date, datetime.date):
            start_date = self.start_date.isoformat()
        else:
            start_date = self.start_date

        termination_date: None | str | Unset
        if isinstance(self.termination_date, Unset):
            termination_date = UNSET
        elif isinstance(self.termination_date, datetime.date):
            termination_date = self.termination_date.isoformat()
        else:
            termination_date = self.termination_date

        auto_sync_employee: bool | None | Unset
        if isinstance(self.auto_sync_employee, Unset):
            auto_sync_employee = UNSET
        else:
            auto_sync_employee = self.auto_sync_employee

        absences: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.absences, Unset):
            absences = []
            for absences_item_data in self.absences:
                absences_item = absences_item_data.to_dict()
                absences.append(absences_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "firstName": first_name,
                "lastName": last_name,
                "email": email,
                "hrId": hr_id,
            }
        )
        if profile_image is not UNSET:
            field_dict["profileImage"] = profile_image
        if date_of_birth is not UNSET:
            field_dict["dateOfBirth"] = date_of_birth
        if start_date is not UNSET:
            field_dict["startDate"] = start_date
        if termination_date is not UNSET:
            field_dict["terminationDate"] = termination_date
        if auto_sync_employee is not UNSET:
            field_dict["autoSyncEmployee"] = auto_sync_employee
        if absences is not UNSET:
            field_dict["absences"] = absences

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.absence import Absence  # noqa: PLC0415

        d = dict(src_dict)
        first_name = d.pop("firstName")

        last_name = d.pop("lastName")

        email = d.pop("email")

        hr_id = d.pop("hrId")

        def _parse_profile_image(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        profile_image = _parse_profile_image(d.pop("profileImage", UNSET))

        def _parse_date_of_birth(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_of_birth_type_0 = datetime.date.fromisoformat(data)

                return date_of_birth_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        date_of_birth = _parse_date_of_birth(d.pop("dateOfBirth", UNSET))

        def _parse_start_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_date_type_0 = datetime.date.fromisoformat(data)

                return start_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        start_date = _parse_start_date(d.pop("startDate", UNSET))

        def _parse_termination_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                termination_date_type_0 = datetime.date.fromisoformat(data)

                return termination_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        termination_date = _parse_termination_date(d.pop("terminationDate", UNSET))

        def _parse_auto_sync_employee(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        auto_sync_employee = _parse_auto_sync_employee(d.pop("autoSyncEmployee", UNSET))

        _absences = d.pop("absences", UNSET)
        absences: list[Absence] | Unset = UNSET
        if _absences is not UNSET:
            absences = []
            for absences_item_data in _absences:
                absences_item = Absence.from_dict(absences_item_data)

                absences.append(absences_item)

        hr_sync_employee = cls(
            first_name=first_name,
            last_name=last_name,
            email=email,
            hr_id=hr_id,
            profile_image=profile_image,
            date_of_birth=date_of_birth,
            start_date=start_date,
            termination_date=termination_date,
            auto_sync_employee=auto_sync_employee,
            absences=absences,
        )

        hr_sync_employee.additional_properties = d
        return hr_sync_employee

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
