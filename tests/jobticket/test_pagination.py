"""Iterators walk every page lazily with perPage=100: N items cost ceil(N/100) requests."""

from __future__ import annotations

import asyncio
import itertools
import math

import httpx
import pytest

from jobticket_api.models import ListEmployeesSortField, SortOrder

from .fakes import (
    FakeEmployeesApi,
    document_json,
    employee_json,
    json_response,
    make_async_client,
    make_client,
    page_json,
)


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 250, 300])
def test_every_item_is_fetched_in_ceil_n_over_100_requests(count: int) -> None:
    api = FakeEmployeesApi([employee_json(i) for i in range(1, count + 1)])
    with make_client(api) as client:
        ids = [employee.id for employee in client.list_employees()]
    assert ids == list(range(1, count + 1))
    assert len(api.requests) == max(1, math.ceil(count / 100))
    assert {r.url.params["perPage"] for r in api.requests} == {"100"}
    assert [r.url.params["page"] for r in api.requests] == [str(p) for p in range(1, len(api.requests) + 1)]


def test_pages_are_fetched_only_when_needed() -> None:
    api = FakeEmployeesApi([employee_json(i) for i in range(1, 251)])
    with make_client(api) as client:
        pager = client.list_employees()
        assert api.requests == []
        first_five = list(itertools.islice(pager, 5))
        assert [e.id for e in first_five] == [1, 2, 3, 4, 5]
        assert len(api.requests) == 1
        list(itertools.islice(pager, 101))  # a fresh walk from page 1, reaching into page 2
        assert len(api.requests) == 3


def test_walk_stops_on_an_empty_page_even_if_total_pages_says_more() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        calls.append(page)
        items = [employee_json(1)] if page == 1 else []
        return json_response(200, page_json(items, page, 100, 500))

    with make_client(handler) as client:
        assert [e.id for e in client.list_employees()] == [1]
    assert calls == [1, 2]


def test_filters_and_sorting_are_sent_on_every_page() -> None:
    api = FakeEmployeesApi([employee_json(i) for i in range(1, 151)])
    with make_client(api) as client:
        list(
            client.list_employees(
                status="active",
                plan_type="split-pay-plan",
                email="Anna@Example.com",
                ids=[42, 43],
                sort_field=ListEmployeesSortField.LASTNAME,
                sort_order=SortOrder.DESC,
            )
        )
    for request in api.requests:
        params = request.url.params
        assert params["status"] == "active"
        assert params["planType"] == "split-pay-plan"
        assert params["email"] == "Anna@Example.com"
        assert params.get_list("ids") == ["42,43"]  # style form, explode false
        assert params["sortField"] == "lastName"
        assert params["sortOrder"] == "desc"


def test_document_and_integration_lists_page_the_same_way() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        page = int(request.url.params["page"])
        if request.url.path == "/hr-integrations":
            return json_response(200, page_json([], page, 100, 0))
        docs = [document_json(100 * page + i) for i in range(100 if page == 1 else 1)]
        return json_response(200, page_json(docs, page, 100, 101))

    with make_client(handler) as client:
        assert len(client.list_documents().to_list()) == 101
        assert len(client.list_employee_documents(42).to_list()) == 101
        assert client.list_hr_integrations().to_list() == []
    assert seen == [
        "/employee-documents",
        "/employee-documents",
        "/employees/42/documents",
        "/employees/42/documents",
        "/hr-integrations",
    ]


def test_pages_expose_the_totals() -> None:
    api = FakeEmployeesApi([employee_json(i) for i in range(1, 151)])
    with make_client(api) as client:
        pages = list(client.list_employees().pages())
    assert [(p.page, len(p.items), p.total, p.total_pages) for p in pages] == [
        (1, 100, 150, 2),
        (2, 50, 150, 2),
    ]


@pytest.mark.parametrize("count", [0, 100, 250])
def test_async_iteration_costs_the_same_requests(count: int) -> None:
    api = FakeEmployeesApi([employee_json(i) for i in range(1, count + 1)])

    async def main() -> list[int]:
        async with make_async_client(api) as client:
            return [employee.id async for employee in client.list_employees()]

    assert asyncio.run(main()) == list(range(1, count + 1))
    assert len(api.requests) == max(1, math.ceil(count / 100))
