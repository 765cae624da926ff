"""List Employees filters (O-9): each narrows the list to matching employees; unknown values match nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from jobticket_kit.contract.run_state import Api

pytestmark = [pytest.mark.open_point("O-9"), pytest.mark.operation("listEmployees")]


def _least_common(values: list[str]) -> str:
    counts = Counter(values)
    return min(counts, key=lambda value: (counts[value], value))


@pytest.mark.parametrize(
    ("name", "field"),
    [("status", ("subscription", "status")), ("planType", ("plan", "type"))],
    ids=["status", "planType"],
)
def test_value_filter_narrows_to_matches(
    api: Api, employees: list[dict[str, Any]], name: str, field: tuple[str, str]
) -> None:
    """status / planType keep exactly the employees with that value, and total counts them."""
    value = _least_common([employee[field[0]][field[1]] for employee in employees])
    everyone = api.get_json("/employees", perPage=1)["data"]["total"]
    page = api.get_json("/employees", perPage=100, **{name: value})["data"]
    assert page["data"], f"{name}={value} matched nobody although the first page has such employees"
    assert all(item[field[0]][field[1]] == value for item in page["data"])
    if len(set(employee[field[0]][field[1]] for employee in employees)) > 1:
        assert page["total"] < everyone, f"{name} had no effect: total {page['total']} of {everyone}"


def test_email_filter_is_exact_and_case_insensitive(api: Api, employees: list[dict[str, Any]]) -> None:
    """email matches one address, whatever its case."""
    employee = employees[-1]
    page = api.get_json("/employees", email=employee["email"].upper())["data"]
    assert [item["id"] for item in page["data"]] == [employee["id"]]
    assert page["total"] == 1


def test_ids_filter_keeps_those_ids_and_skips_unknown(api: Api, employees: list[dict[str, Any]]) -> None:
    """ids=a,b returns exactly a and b; an unknown id is skipped silently."""
    wanted = sorted({employees[0]["id"], employees[-1]["id"]})
    unknown = max(employee["id"] for employee in employees) + 10**9
    page = api.get_json("/employees", ids=",".join(map(str, [*wanted, unknown])))["data"]
    assert sorted(item["id"] for item in page["data"]) == wanted
    assert page["total"] == len(wanted)


def test_filters_combine_with_and(api: Api, employees: list[dict[str, Any]]) -> None:
    """ids together with status keeps only the listed employees that have the status."""
    status = _least_common([employee["subscription"]["status"] for employee in employees])
    chosen = [employees[0], employees[-1], *(e for e in employees if e["subscription"]["status"] == status)][
        :4
    ]
    ids = sorted({employee["id"] for employee in chosen})
    expected = sorted({e["id"] for e in chosen if e["subscription"]["status"] == status})
    page = api.get_json("/employees", ids=",".join(map(str, ids)), status=status)["data"]
    assert sorted(item["id"] for item in page["data"]) == expected


@pytest.mark.parametrize("name", ["status", "planType"])
def test_unknown_vocabulary_value_matches_nothing(api: Api, name: str) -> None:
    """An unknown status / planType is 200 with an empty list, not 422."""
    response = api.get("/employees", **{name: "no-such-value-contract"})
    assert response.status_code == 200, f"{name}=unknown -> {response.status_code}"
    assert response.json()["data"]["total"] == 0


def test_non_integer_id_in_ids_is_rejected(api: Api) -> None:
    """ids=42,abc is 422."""
    response = api.get("/employees", ids="42,abc")
    assert response.status_code == 422


def test_an_empty_ids_filter_is_refused_not_read_as_everyone(api: Api) -> None:
    """ids= with no id is 422 (minItems 1): a server that reads it as no filter leaks the whole company."""
    response = api.get("/employees", ids="")
    assert response.status_code == 422, (
        f"ids= -> {response.status_code}: an empty id set must not be answered with everyone"
    )
