"""Data minimisation: an empty id filter asks for nobody, sends no request and returns no one.

The API (and the twin, before the spec said ``minItems: 1``) reads ``ids=`` as no filter at all, so a
caller whose computed id set happens to be empty would get the whole company's personal data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import httpx
import pytest

from jobticket import AsyncJobTicket, JobTicket
from jobticket_twin import TwinConfig
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import running_twin

from .fakes import FakeEmployeesApi, employee_json, make_async_client, make_client

# FakeEmployeesApi answers with everyone whatever the filter, as a server reading ``ids=`` as no filter would.
EMPTY: list[Iterable[int]] = [[], (), set(), frozenset(), iter([])]


@pytest.mark.parametrize("ids", EMPTY, ids=["list", "tuple", "set", "frozenset", "generator"])
def test_an_empty_id_filter_sends_nothing_and_returns_no_one(ids: Iterable[int]) -> None:
    api = FakeEmployeesApi([employee_json(i) for i in range(1, 251)])
    with make_client(api) as client:
        pager = client.list_employees(ids=ids, status="active")
        assert list(pager) == []
        assert [(page.items, page.total, page.total_pages) for page in pager.pages()] == [([], 0, 0)]
        assert pager.to_list() == []
    assert api.requests == []


def test_an_empty_id_filter_sends_nothing_async() -> None:
    api = FakeEmployeesApi([employee_json(i) for i in range(1, 251)])

    async def walk() -> tuple[list[Any], list[Any]]:
        async with make_async_client(api) as client:
            pager = client.list_employees(ids=[])
            return [item async for item in pager], [page async for page in pager.pages()]

    items, pages = asyncio.run(walk())
    assert items == []
    assert [(page.items, page.total) for page in pages] == [([], 0)]
    assert api.requests == []


def test_a_non_empty_filter_still_asks_for_exactly_those_ids() -> None:
    api = FakeEmployeesApi([employee_json(i) for i in (42, 43)])
    with make_client(api) as client:
        list(client.list_employees(ids=(43, 42)))
    assert [request.url.params["ids"] for request in api.requests] == ["43,42"]


@pytest.mark.parametrize(
    ("ids", "error"),
    [
        ("42", TypeError),  # a string iterates into 4 and 2: someone else entirely
        (42, TypeError),
        ([True], ValueError),  # int(True) is employee 1
        ([1.9], ValueError),  # int(1.9) is employee 1
        ([0], ValueError),
        ([42, -1], ValueError),
    ],
)
def test_ids_that_would_ask_for_someone_else_are_refused_before_sending(
    ids: Any, error: type[Exception]
) -> None:
    api = FakeEmployeesApi([employee_json(i) for i in range(1, 3)])
    with make_client(api) as client, pytest.raises(error, match="ids must"):
        client.list_employees(ids=ids)
    with pytest.raises(error, match="ids must"):
        AsyncJobTicket("http://127.0.0.1:9", username="u", password="p", pacer_store="memory").list_employees(
            ids=ids
        )
    assert api.requests == []


def test_the_twin_refuses_an_empty_id_filter_as_the_spec_says() -> None:
    admin = SEED_KEYS["admin"]
    with running_twin(TwinConfig(rate_limit=0)) as twin:
        with httpx.Client(base_url=twin.base_url, auth=(admin.key_id, admin.secret), trust_env=False) as http:
            refused = http.get("/employees", params={"ids": ""})
            assert refused.status_code == 422
            assert refused.json()["errors"] == {"ids": ["The ids must list at least one employee id."]}
        with JobTicket(twin.base_url, username=admin.key_id, password=admin.secret) as client:
            assert client.list_employees(ids=[]).to_list() == []
            assert [employee.id for employee in client.list_employees(ids=[42])] == [42]


def test_the_raw_variant_of_an_empty_filter_says_there_is_no_response() -> None:
    api = FakeEmployeesApi([employee_json(i) for i in range(1, 3)])
    with make_client(api) as client, pytest.raises(ValueError, match="asks for nobody: no request is sent"):
        client.with_raw_response.list_employees(ids=[])
    with pytest.raises(ValueError, match="asks for nobody"):
        asyncio.run(_raw_async(api))
    assert api.requests == []


async def _raw_async(api: FakeEmployeesApi) -> None:
    async with make_async_client(api) as client:
        await client.with_raw_response.list_employees(ids=())
