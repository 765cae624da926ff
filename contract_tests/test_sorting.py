"""Sorting on every list endpoint: each allowed sortField in both directions, the default, bad values."""

from __future__ import annotations

import pytest

from jobticket_kit.contract.operations import LIST_OPERATIONS, list_path, load_spec
from jobticket_kit.contract.ordering import is_ordered, out_of_order
from jobticket_kit.contract.run_state import Api


def _cases() -> list[tuple[str, str, str]]:
    spec = load_spec()
    return [
        (operation_id, field, order)
        for operation_id in LIST_OPERATIONS
        for field in spec.operation(operation_id).list_sort_fields
        for order in ("asc", "desc")
    ]


@pytest.mark.open_point("O-11")
@pytest.mark.parametrize(("operation_id", "field", "order"), _cases())
def test_sort_order_is_honoured(
    api: Api, employee_with_documents: int, operation_id: str, field: str, order: str
) -> None:
    """Items come back ordered by the field, in the direction asked for."""
    path = list_path(operation_id, employee_with_documents)
    items = api.get_json(path, perPage=100, sortField=field, sortOrder=order)["data"]["data"]
    values = [item[field] for item in items]
    wrong = out_of_order(values, descending=order == "desc")
    # Positions and ids only: the values may be people's names.
    where = ", ".join(
        f"{index}/{index + 1} (ids {items[index]['id']}, {items[index + 1]['id']})" for index in wrong[:5]
    )
    if not is_ordered(values, descending=order == "desc"):
        # pytest.fail, not assert: an assert's explanation would repeat the values.
        pytest.fail(f"{field} {order}: out of order at positions {where or '(the collations disagree)'}")


@pytest.mark.open_point("O-11")
@pytest.mark.parametrize("operation_id", LIST_OPERATIONS)
def test_default_order_is_id_ascending(api: Api, employee_with_documents: int, operation_id: str) -> None:
    """Without sort parameters, items are ordered by id ascending; sortField alone means asc."""
    path = list_path(operation_id, employee_with_documents)
    ids = [item["id"] for item in api.get_json(path, perPage=100)["data"]["data"]]
    assert ids == sorted(ids)
    alone = [item["id"] for item in api.get_json(path, perPage=100, sortField="id")["data"]["data"]]
    assert alone == sorted(alone)


@pytest.mark.open_point("O-11")
@pytest.mark.parametrize("operation_id", LIST_OPERATIONS)
@pytest.mark.parametrize(("name", "value"), [("sortField", "notAField"), ("sortOrder", "sideways")])
def test_unknown_sort_values_are_rejected(
    api: Api, employee_with_documents: int, operation_id: str, name: str, value: str
) -> None:
    """A sortField that is not allowed, or a sortOrder other than asc/desc, is 422."""
    response = api.get(list_path(operation_id, employee_with_documents), **{name: value})
    assert response.status_code == 422, f"{name}={value} -> {response.status_code}"
