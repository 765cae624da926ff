"""Iterators walk every page lazily with perPage=100: N items cost ceil(N/100) requests."""

from __future__ import annotations

import asyncio
import itertools
import math
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from jobticket import (
    DuplicateItemError,
    ItemCountError,
    ListingChangedError,
    PageCountError,
    PageNumberError,
    PaginationError,
    ShortPageError,
)
from jobticket._pagination import MAX_LISTING_ITEMS
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


def test_a_lenient_walk_stops_on_an_empty_page_even_if_total_pages_says_more() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        calls.append(page)
        items = [employee_json(1)] if page == 1 else []
        return json_response(200, page_json(items, page, 100, 500))

    with make_client(handler) as client:
        assert [e.id for e in client.list_employees().lenient()] == [1]
        assert calls == [1, 2]
        calls.clear()
        with pytest.raises(ShortPageError, match="page 1 breaks a rule") as raised:
            client.list_employees().to_list()  # strict: page 1 holds 1 item of 100, and 500 are promised
        assert calls == [1]
        assert (raised.value.page, raised.value.expected, raised.value.found) == (1, 100, 1)


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


# -- the completeness proof of a strict listing ----------------------------------------------------


def _dropping_ten_on_page_two(page: int, body: dict[str, Any]) -> None:
    if page == 2:
        del body["data"][90:]


def _page_one_again(page: int, body: dict[str, Any]) -> None:
    if page == 2:
        body["data"] = [employee_json(i) for i in range(1, 101)]


def _one_more_on_the_last_page(page: int, body: dict[str, Any]) -> None:
    if page == 3:
        body["data"].append(employee_json(999))


LIES: dict[str, tuple[Callable[[int, dict[str, Any]], None], type[PaginationError], int]] = {
    "totalPages too small": (lambda page, body: body.update(totalPages=1), PageCountError, 1),
    "totalPages too large": (lambda page, body: body.update(totalPages=4), PageCountError, 1),
    "total too small": (lambda page, body: body.update(total=150), PageCountError, 1),
    "total and totalPages too small": (
        lambda page, body: body.update(total=150, totalPages=2),
        ItemCountError,
        2,
    ),
    "a short page in the middle": (_dropping_ten_on_page_two, ShortPageError, 2),
    "an empty page in the middle": (
        lambda page, body: body.update(data=[] if page == 2 else body["data"]),
        ShortPageError,
        2,
    ),
    "a repeated page": (_page_one_again, DuplicateItemError, 2),
    "a changing total": (lambda page, body: body.update(total=250 + (page > 1)), ListingChangedError, 2),
    "a changing perPage": (lambda page, body: body.update(perPage=100 + (page > 1)), ListingChangedError, 2),
    "the page number ignored": (lambda page, body: body.update(page=1), PageNumberError, 2),
    "more items than total": (_one_more_on_the_last_page, ItemCountError, 3),
}


def lying_api(
    lie: Callable[[int, dict[str, Any]], None], count: int = 250
) -> Callable[[httpx.Request], httpx.Response]:
    api = FakeEmployeesApi([employee_json(i) for i in range(1, count + 1)])

    def handler(request: httpx.Request) -> httpx.Response:
        body = api(request).json()
        lie(int(request.url.params["page"]), body["data"])
        return json_response(200, body)

    return handler


@pytest.mark.parametrize("name", list(LIES))
def test_a_strict_listing_proves_itself_or_names_the_broken_rule(name: str) -> None:
    lie, error, page = LIES[name]
    handed_out: list[int] = []
    with make_client(lying_api(lie)) as client, pytest.raises(error) as raised:
        handed_out.extend(employee.id for employee in client.list_employees())
    assert raised.value.page == page
    assert (
        str(raised.value) == f"GET /employees: page {page} breaks a rule of a complete listing: {error.rule}"
    )
    assert len(handed_out) == 100 * (page - 1)  # nothing of the page that broke a rule


@pytest.mark.parametrize("name", ["a short page in the middle", "a repeated page", "a changing total"])
def test_the_async_listing_has_the_same_proof(name: str) -> None:
    lie, error, page = LIES[name]

    async def main() -> None:
        async with make_async_client(lying_api(lie)) as client:
            with pytest.raises(error) as raised:
                await client.list_employees().to_list()
        assert raised.value.page == page

    asyncio.run(main())


@pytest.mark.parametrize("total_pages", [0, 1])
def test_an_empty_list_may_have_zero_or_one_page(total_pages: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(
            200, {"data": {"data": [], "page": 1, "perPage": 100, "totalPages": total_pages, "total": 0}}
        )

    with make_client(handler) as client:
        assert client.list_employees().to_list() == []


def test_an_empty_list_with_items_or_two_pages_is_refused() -> None:
    pages = {"data": {"data": [], "page": 1, "perPage": 100, "totalPages": 2, "total": 0}}
    with make_client(lambda request: json_response(200, pages)) as client, pytest.raises(PageCountError):
        client.list_employees().to_list()
    with_items = {
        "data": {"data": [employee_json(1)], "page": 1, "perPage": 100, "totalPages": 0, "total": 0}
    }
    with make_client(lambda request: json_response(200, with_items)) as client, pytest.raises(ItemCountError):
        client.list_employees().to_list()


def test_a_lenient_listing_hands_out_what_the_server_gives() -> None:
    with make_client(lying_api(LIES["total and totalPages too small"][0])) as client:
        assert len(client.list_employees().lenient().to_list()) == 200
        assert client.list_employees().lenient().strict is False
        assert client.list_employees().strict is True


def test_a_listing_promising_more_than_any_company_is_refused_at_once() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return json_response(200, page_json([employee_json(1)], 1, 1, MAX_LISTING_ITEMS + 1))

    with make_client(handler) as client:
        for pager in (client.list_employees(per_page=1), client.list_employees(per_page=1).lenient()):
            with pytest.raises(PageCountError):
                pager.to_list()
    assert len(calls) == 2
