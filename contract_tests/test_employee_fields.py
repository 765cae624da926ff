"""Employee field semantics a schema cannot express (O-20): tickets, contributions, nullability."""

from __future__ import annotations

import calendar
from typing import Any

import pytest

from jobticket_kit.contract.run_state import Api, ContractRun

pytestmark = pytest.mark.operation("listEmployees")


def test_a_ticket_covers_one_calendar_month(
    contract_run: ContractRun, employees: list[dict[str, Any]]
) -> None:
    """validFrom is the first and validUntil the last day of ticketMonth (O-20)."""
    tickets = [employee["ticket"] for employee in employees if employee["ticket"] is not None]
    if not tickets:
        contract_run.ledger.note("O-20", "no employee on the first page has a ticket")
        return
    wrong = [ticket for ticket in tickets if not _covers_its_month(ticket)]
    contract_run.ledger.observe(
        "O-20", "a_ticket_covers_one_calendar_month", not wrong, f"{len(wrong)} wrong"
    )
    assert not wrong, f"tickets not covering exactly their month: {wrong[:3]}"


def _covers_its_month(ticket: dict[str, Any]) -> bool:
    year, month = map(int, ticket["ticketMonth"].split("-"))
    last = calendar.monthrange(year, month)[1]
    month_text = f"{year:04d}-{month:02d}"
    return bool(
        ticket["validFrom"] == f"{month_text}-01" and ticket["validUntil"] == f"{month_text}-{last:02d}"
    )


@pytest.mark.open_point("O-20")
def test_contribution_exactly_when_the_employee_pays_a_share(employees: list[dict[str, Any]]) -> None:
    """employeeContributionAmount is null on fully subsidised plans and set on split-pay plans."""
    for employee in employees:
        plan = employee["plan"]
        amount = plan["employeeContributionAmount"]
        if plan["type"] == "fully-subsidized-plan":
            assert amount is None, plan
        elif plan["type"] == "split-pay-plan":
            assert amount is not None, plan
            assert round(amount["value"], 2) == amount["value"], amount
            assert "€" in amount["label"], amount


def test_list_items_are_the_get_representation(api: Api, employees: list[dict[str, Any]]) -> None:
    """A list item is the full employee, the same object Get Employee returns [DOC]."""
    for employee in employees[:3]:
        assert api.get_json(f"/employees/{employee['id']}")["data"] == employee
