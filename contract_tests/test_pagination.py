"""Pagination on every list endpoint: totals, page arithmetic, no duplicates or gaps, perPage bounds."""

from __future__ import annotations

import math

import pytest

from jobticket_kit.contract.operations import LIST_OPERATIONS, list_path
from jobticket_kit.contract.run_state import Api

pytestmark = pytest.mark.parametrize("operation_id", LIST_OPERATIONS)


@pytest.fixture
def path(operation_id: str, employee_with_documents: int) -> str:
    return list_path(operation_id, employee_with_documents)


@pytest.mark.open_point("O-12")
def test_total_pages_match_total(api: Api, path: str) -> None:
    """totalPages = ceil(total / perPage) and the page echoes page and perPage."""
    for per_page in (1, 3, 100):
        page = api.get_json(path, page=1, perPage=per_page)["data"]
        assert page["page"] == 1
        assert page["perPage"] == per_page
        expected = math.ceil(page["total"] / per_page)
        allowed = {expected, 1} if page["total"] == 0 else {expected}
        assert page["totalPages"] in allowed, (
            f"perPage={per_page}: {page['totalPages']} pages for {page['total']}"
        )
        assert len(page["data"]) == min(per_page, page["total"])


def test_default_page_size_is_ten(api: Api, path: str) -> None:
    """Without parameters the first page has perPage 10 [DOC]."""
    page = api.get_json(path)["data"]
    assert page["page"] == 1
    assert page["perPage"] == 10
    assert len(page["data"]) == min(10, page["total"])


def test_pages_have_no_duplicates_or_gaps(api: Api, path: str) -> None:
    """Consecutive small pages, joined, are exactly the one big page: nothing twice, nothing left out."""
    per_page, pages = 4, 5
    big = api.get_json(path, page=1, perPage=per_page * pages)["data"]
    joined: list[int] = []
    for number in range(1, pages + 1):
        page = api.get_json(path, page=number, perPage=per_page)["data"]
        assert page["total"] == big["total"], "total changed between pages"
        joined.extend(item["id"] for item in page["data"])
    assert len(joined) == len(set(joined)), f"duplicates across pages: {joined}"
    assert joined == [item["id"] for item in big["data"]]


@pytest.mark.open_point("O-12")
def test_page_past_the_end_is_empty(api: Api, path: str) -> None:
    """A page past the last one is 200 with no items and the real totals."""
    first = api.get_json(path, perPage=100)["data"]
    beyond = first["totalPages"] + 1
    page = api.get_json(path, page=beyond, perPage=100)["data"]
    assert page["data"] == []
    assert page["page"] == beyond
    assert (page["total"], page["totalPages"]) == (first["total"], first["totalPages"])


@pytest.mark.open_point("O-12")
@pytest.mark.parametrize(("name", "value"), [("perPage", 101), ("perPage", 0), ("page", 0)])
def test_out_of_range_page_parameters_are_rejected(api: Api, path: str, name: str, value: int) -> None:
    """perPage outside 1..100 and page below 1 are 422 with a field error keyed by the parameter."""
    response = api.get(path, **{name: value})
    assert response.status_code == 422, f"{name}={value} -> {response.status_code}"
    errors = response.json().get("errors") or {}
    assert name in errors, f"422 body names no {name} error: {sorted(errors)}"
