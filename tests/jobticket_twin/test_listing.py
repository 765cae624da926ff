"""Pagination (O-12), sorting (O-11), filters (O-9) and their 422s with field-level details."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import pytest

from jobticket_twin.seed import EMPLOYEE_COUNT
from tests.jobticket_twin.helpers import auth

if TYPE_CHECKING:
    import httpx


def _page(client: httpx.Client, path: str, key: str = "admin", **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params, auth=auth(key))
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()["data"]
    return page


def _all(client: httpx.Client, path: str, key: str = "admin", **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = _page(client, path, key, page=page, perPage=100, **params)
        items += body["data"]
        if page >= body["totalPages"]:
            return items
        page += 1


def test_defaults_are_page_1_with_10_items(client: httpx.Client) -> None:
    page = _page(client, "/employees")
    assert (page["page"], page["perPage"], len(page["data"])) == (1, 10, 10)
    assert page["totalPages"] == math.ceil(EMPLOYEE_COUNT / 10)


def test_pages_cover_every_employee_once(client: httpx.Client) -> None:
    ids = [item["id"] for item in _all(client, "/employees")]
    assert ids == sorted(set(ids))
    assert len(ids) == EMPLOYEE_COUNT


def test_a_page_past_the_end_is_empty_with_the_real_totals(client: httpx.Client) -> None:
    page = _page(client, "/employees", page=99, perPage=100)
    assert (page["data"], page["page"], page["total"], page["totalPages"]) == ([], 99, EMPLOYEE_COUNT, 3)


def test_an_empty_result_has_zero_pages(client: httpx.Client) -> None:
    page = _page(client, "/employees", status="no-such-status")
    assert (page["data"], page["total"], page["totalPages"]) == ([], 0, 0)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "1.0"}, "page"),
        ({"perPage": 0}, "perPage"),
        ({"perPage": 101}, "perPage"),
        ({"perPage": ""}, "perPage"),
        ({"sortField": "status"}, "sortField"),
        ({"sortOrder": "up"}, "sortOrder"),
        ({"ids": "42,x"}, "ids"),
        ({"ids": "0"}, "ids"),
        ({"ids": ""}, "ids"),  # minItems 1: an empty id set asks for nobody, never for everyone
        ({"ids": " , "}, "ids"),
    ],
)
def test_invalid_list_parameters_are_422_keyed_by_the_parameter(
    client: httpx.Client, params: dict[str, Any], field: str
) -> None:
    response = client.get("/employees", params=params, auth=auth())
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_every_invalid_parameter_is_reported_at_once(client: httpx.Client) -> None:
    response = client.get(
        "/employee-documents", params={"page": 0, "perPage": 500, "sortField": "x"}, auth=auth()
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"page", "perPage", "sortField"}


@pytest.mark.parametrize(
    ("path", "key", "field"),
    [
        ("/employees", "admin", "email"),
        ("/employees", "admin", "lastName"),
        ("/employee-documents", "admin", "createdAt"),
        ("/employee-documents", "admin", "documentName"),
        ("/hr-integrations", "integrations", "name"),
    ],
)
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_sorting_orders_by_the_field_with_ties_by_id_ascending(
    client: httpx.Client, path: str, key: str, field: str, order: str
) -> None:
    items = _all(client, path, key, sortField=field, sortOrder=order)
    values = [item[field].casefold() if isinstance(item[field], str) else item[field] for item in items]
    assert values == sorted(values, reverse=order == "desc")
    for before, after in itertools.pairwise(items):
        if before[field] == after[field]:
            assert before["id"] < after["id"]


def test_sort_by_id_descending_and_default_order(client: httpx.Client) -> None:
    assert [item["id"] for item in _page(client, "/employees", sortField="id", sortOrder="desc")["data"]][
        :2
    ] == [
        EMPLOYEE_COUNT,
        EMPLOYEE_COUNT - 1,
    ]
    assert _page(client, "/employees", sortOrder="asc")["data"][0]["id"] == 1


def test_filters_narrow_the_total_and_combine_with_and(client: httpx.Client) -> None:
    active = _all(client, "/employees", status="active")
    assert active
    assert {item["subscription"]["status"] for item in active} == {"active"}
    split = _all(client, "/employees", planType="split-pay-plan")
    assert {item["plan"]["type"] for item in split} == {"split-pay-plan"}
    both = _all(client, "/employees", status="active", planType="split-pay-plan")
    assert {item["id"] for item in both} == {item["id"] for item in active} & {item["id"] for item in split}


def test_email_filter_is_exact_and_case_insensitive(client: httpx.Client) -> None:
    page = _page(client, "/employees", email="ANNA.Mueller@example.com")
    assert [item["id"] for item in page["data"]] == [42]
    assert _page(client, "/employees", email="anna.mueller@example")["total"] == 0


def test_ids_filter_accepts_commas_and_repeats_and_skips_unknown_ids(client: httpx.Client) -> None:
    page = _page(client, "/employees", ids="42,43,999999")
    assert [item["id"] for item in page["data"]] == [42, 43]
    response = client.get("/employees?ids=42&ids=44", auth=auth())
    assert [item["id"] for item in response.json()["data"]["data"]] == [42, 44]


def test_unknown_query_parameters_are_ignored(client: httpx.Client) -> None:
    assert _page(client, "/employees", foo="bar", filter="x")["total"] == EMPLOYEE_COUNT


def test_an_employee_without_documents_has_an_empty_page(client: httpx.Client) -> None:
    page = _page(client, f"/employees/{EMPLOYEE_COUNT}/documents")
    assert (page["data"], page["total"], page["totalPages"]) == ([], 0, 0)


def test_all_documents_include_downloadable_and_non_downloadable_pdfs(client: httpx.Client) -> None:
    documents = _all(client, "/employee-documents")
    assert len(documents) > 100
    assert {document["downloadable"] for document in documents} == {True, False}
    assert {document["documentFileType"] for document in documents} == {"pdf"}
