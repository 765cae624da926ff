"""A twin that scales: listings served from orders kept per data version, records encoded once.

Each listing is compared with a reference computed the plain way (filter everything, sort it stably,
slice), so the indexes change how fast a page is found, never what it holds. The bench
(``jobticket-kit bench twin``) measures the speed; these tests count the work.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.responses import JSONResponse

import jobticket_twin.indexes
from jobticket_twin import FakeClock, TwinConfig, create_app
from jobticket_twin.indexes import employee_sort_key
from jobticket_twin.models import Employee
from jobticket_twin.representation import employee_json, page_bytes, page_json, single_bytes
from jobticket_twin.seed import EMPLOYEE_COUNT, build_seed
from jobticket_twin.state import TwinState
from jobticket_twin.testing import in_process_client
from tests.jobticket_twin.helpers import BASE_URL, auth, spec_checked

COMPANY = 700  # above the seed's 250: the extra employees come from --employees


@pytest.fixture
def company() -> Iterator[tuple[httpx.Client, TwinState]]:
    app = create_app(TwinConfig(clock=FakeClock(), rate_limit=0, employees=COMPANY))
    with in_process_client(app, BASE_URL) as client:
        yield spec_checked(client), app.state.twin


def listing(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get("/employees", params=params, auth=auth())
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()["data"]
    return page


def reference(employees: list[Employee], field: str, order: str, **filters: str | None) -> list[int]:
    """The ids of the listing computed the plain way: filter, stable sort (ties by id), no index."""
    chosen = [
        e
        for e in sorted(employees, key=lambda e: e.id)
        if filters.get("status") in (None, e.subscription.status)
        and filters.get("planType") in (None, e.plan.type)
    ]
    ordered = sorted(chosen, key=lambda e: employee_sort_key(e, field), reverse=order == "desc")
    return [e.id for e in ordered]


@pytest.mark.parametrize("field", ["id", "firstName", "lastName", "email"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_every_order_and_filter_pages_as_the_plain_computation_does(
    company: tuple[httpx.Client, TwinState], field: str, order: str
) -> None:
    client, state = company
    employees = list(state.data.employees.values())
    for status, plan in itertools.product([None, "active", "paused"], [None, "split-pay-plan"]):
        filters = {"status": status, "planType": plan}
        expected = reference(employees, field, order, **filters)
        given = {name: value for name, value in filters.items() if value is not None}
        for page in (1, 3, 70):
            got = listing(client, sortField=field, sortOrder=order, perPage=7, page=page, **given)
            assert [item["id"] for item in got["data"]] == expected[(page - 1) * 7 : page * 7]
            assert got["total"] == len(expected)


def test_the_ids_and_email_filters_sort_their_few_candidates(company: tuple[httpx.Client, TwinState]) -> None:
    client, state = company
    employees = list(state.data.employees.values())
    ids = [650, 3, 42, 251, 99999]
    got = listing(client, ids=",".join(map(str, ids)), sortField="lastName", sortOrder="desc")
    chosen = [e for e in employees if e.id in ids]
    assert [item["id"] for item in got["data"]] == reference(chosen, "lastName", "desc")
    someone = state.data.employees[612]
    by_email = listing(client, email=someone.email.upper(), status=someone.subscription.status)
    assert [item["id"] for item in by_email["data"]] == [612]


def test_a_walk_sorts_the_company_once_and_a_change_is_seen_at_once(
    company: tuple[httpx.Client, TwinState], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, state = company
    calls = 0

    def counting(employee: Employee, field: str) -> str | int:
        nonlocal calls
        calls += 1
        return employee_sort_key(employee, field)

    monkeypatch.setattr(jobticket_twin.indexes, "employee_sort_key", counting)
    state.replace(employees=dict(state.data.employees))  # a new version: its indexes are not built yet
    walked = [
        item["id"]
        for page in range(1, 8)
        for item in listing(client, sortField="lastName", perPage=100, page=page)["data"]
    ]
    assert len(walked) == COMPANY
    assert calls == COMPANY  # one sort of the whole company for the whole walk, none per page

    def paused() -> list[int]:
        return [
            item["id"] for item in listing(client, status="paused", sortOrder="desc", perPage=100)["data"]
        ]

    someone = next(e.id for e in reversed(walked_employees(state)) if e.subscription.status != "paused")
    assert someone not in paused()
    client.post(
        f"/_twin/employees/{someone}/subscription", json={"status": "paused", "pausedAt": "2026-05-20"}
    )
    assert someone in paused()  # the change made a new version, and its indexes


def walked_employees(state: TwinState) -> list[Employee]:
    return sorted(state.data.employees.values(), key=lambda e: e.id)


def test_pages_and_records_are_the_bytes_a_json_response_would_send() -> None:
    data = build_seed(0)
    base = "http://127.0.0.1:8090"
    employees = list(data.employees.values())[:3]
    encoded = [data.indexes.employees.json(e, base) for e in employees]
    expected = JSONResponse(page_json([employee_json(e, base) for e in employees], 2, 3, EMPLOYEE_COUNT)).body
    assert page_bytes(encoded, 2, 3, EMPLOYEE_COUNT) == expected
    assert single_bytes(encoded[0]) == JSONResponse({"data": employee_json(employees[0], base)}).body
    assert json.loads(page_bytes([], 9, 10, 0)) == {
        "data": {"data": [], "page": 9, "perPage": 10, "totalPages": 0, "total": 0}
    }


def test_a_large_company_keeps_the_seeds_first_250_and_their_documents() -> None:
    seed, large = build_seed(0), build_seed(0, COMPANY)
    assert len(large.employees) == COMPANY
    assert all(large.employees[i] == seed.employees[i] for i in seed.employees)
    assert all(large.documents[i] == document for i, document in seed.documents.items())
    assert any(d.employee_id > EMPLOYEE_COUNT for d in large.documents.values())
    assert all(not large.employees[i].links for i in range(EMPLOYEE_COUNT + 1, COMPANY + 1))
    with pytest.raises(ValueError, match="employees must be at least 250"):
        build_seed(0, 100)


def test_orders_are_kept_only_for_values_the_data_holds(company: tuple[httpx.Client, TwinState]) -> None:
    client, state = company
    for n in range(50):  # a fuzzer's statuses: each matches nothing, none is kept
        assert listing(client, status=f"no-such-status-{n}")["total"] == 0
    assert listing(client, status="active")["total"] > 0
    kept = state.data.indexes.employees._orders
    assert {name for _, _, name in kept} == {None, ("active", None)}


def test_the_json_kept_is_bounded_whatever_the_hosts_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobticket_twin.indexes, "RENDERED_CACHE_SIZE", 5)
    index = build_seed(0).indexes.employees
    for host in range(4):  # links follow the request's Host, so each host is its own JSON
        for employee in index.in_id_order[:3]:
            assert f"http://h{host}/employees/{employee.id}".encode() in index.json(
                employee, f"http://h{host}"
            )
    assert list(index._rendered) == [
        ("http://h2", 2),
        ("http://h2", 3),
        ("http://h3", 1),
        ("http://h3", 2),
        ("http://h3", 3),
    ]
