from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.employee_links import EmployeeLinks
    from ..models.hr_integration_link import HrIntegrationLink
    from ..models.plan import Plan
    from ..models.subscription import Subscription
    from ..models.ticket import Ticket


T = TypeVar("T", bound="Employee")


@_attrs_define
class Employee:
    """An employee with subscription, plan, current ticket and HR links [DOC]."""

    id: int
    """ Employee ID. """
    first_name: str
    """ First name (personal data). """
    last_name: str
    """ Last name (personal data); non-ASCII allowed. """
    email: str
    """ Email address (personal data); format inferred from the examples. """
    date_of_birth: datetime.date | None
    """ Date of birth (personal data). """
    profile_image: None | str
    """ Profile image; null in every documented example. """
    resource: Literal["employee"]
    """ Resource discriminator. """
    subscription: Subscription
    """ An employee's subscription; also the payload of the subscription webhook [DOC]. """
    plan: Plan
    """ The employee's plan [DOC]. """
    ticket: None | Ticket
    """ The current transit ticket; null when there is none. """
    hr_intergartion_links: list[HrIntegrationLink]
    """ HR integration links, `[]` when not linked. The misspelling is the real API's. """
    field_links: EmployeeLinks
    """ HAL links of an employee [DOC]. """

    def to_dict(self) -> dict[str, Any]:
        from ..models.ticket import Ticket  # noqa: PLC0415

        id = self.id

        first_name = self.first_name

        last_name = self.last_name

        email = self.email

        date_of_birth: None | str
        if isinstance(self.date_of_birth, datetime.date):
            date_of_birth = self.date_of_birth.isoformat()
        else:
            date_of_birth = self.date_of_birth

        profile_image: None | str
        profile_image = self.profile_image

        resource = self.resource

        subscription = self.subscription.to_dict()

        plan = self.plan.to_dict()

        ticket: dict[str, Any] | None
        if isinstance(self.ticket, Ticket):
            ticket = self.ticket.to_dict()
        else:
            ticket = self.ticket

        hr_intergartion_links = []
        for hr_intergartion_links_item_data in self.hr_intergartion_links:
            hr_intergartion_links_item = hr_intergartion_links_item_data.to_dict()
            hr_intergartion_links.append(hr_intergartion_links_item)

        field_links = self.field_links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "firstName": first_name,
                "lastName": last_name,
                "email": email,
                "dateOfBirth": date_of_birth,
                "profileImage": profile_image,
                "resource": resource,
                "subscription": subscription,
                "plan": plan,
                "ticket": ticket,
                "hrIntergartionLinks": hr_intergartion_links,
                "_links": field_links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.employee_links import EmployeeLinks  # noqa: PLC0415
        from ..models.hr_integration_link import HrIntegrationLink  # noqa: PLC0415
        from ..models.plan import Plan  # noqa: PLC0415
        from ..models.subscription import Subscription  # noqa: PLC0415
        from ..models.ticket import Ticket  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        first_name = d.pop("firstName")

        last_name = d.pop("lastName")

        email = d.pop("email")

        def _parse_date_of_birth(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_of_birth_type_0 = datetime.date.fromisoformat(data)

                return date_of_birth_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        date_of_birth = _parse_date_of_birth(d.pop("dateOfBirth"))

        def _parse_profile_image(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        profile_image = _parse_profile_image(d.pop("profileImage"))

        resource = cast(Literal["employee"], d.pop("resource"))
        if resource != "employee":
            raise ValueError(f"resource must match const 'employee', got '{resource}'")

        subscription = Subscription.from_dict(d.pop("subscription"))

        plan = Plan.from_dict(d.pop("plan"))

        def _parse_ticket(data: object) -> None | Ticket:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ticket_type_0 = Ticket.from_dict(data)

                return ticket_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Ticket, data)

        ticket = _parse_ticket(d.pop("ticket"))

        hr_intergartion_links = []
        _hr_intergartion_links = d.pop("hrIntergartionLinks")
        for hr_intergartion_links_item_data in _hr_intergartion_links:
            hr_intergartion_links_item = HrIntegrationLink.from_dict(hr_intergartion_links_item_data)

            hr_intergartion_links.append(hr_intergartion_links_item)

        field_links = EmployeeLinks.from_dict(d.pop("_links"))

        employee = cls(
            id=id,
            first_name=first_name,
            last_name=last_name,
            email=email,
            date_of_birth=date_of_birth,
            profile_image=profile_image,
            resource=resource,
            subscription=subscription,
            plan=plan,
            ticket=ticket,
            hr_intergartion_links=hr_intergartion_links,
            field_links=field_links,
        )

        return employee
