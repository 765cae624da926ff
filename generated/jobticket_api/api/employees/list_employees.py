from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.employee_list_response import EmployeeListResponse
from ...models.error import Error
from ...models.list_employees_sort_field import ListEmployeesSortField
from ...models.sort_order import SortOrder
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 1,
    per_page: int | Unset = 10,
    sort_field: ListEmployeesSortField | Unset = ListEmployeesSortField.ID,
    sort_order: SortOrder | Unset = UNSET,
    status: str | Unset = UNSET,
    plan_type: str | Unset = UNSET,
    email: str | Unset = UNSET,
    ids: list[int] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["perPage"] = per_page

    json_sort_field: str | Unset = UNSET
    if not isinstance(sort_field, Unset):
        json_sort_field = sort_field.value

    params["sortField"] = json_sort_field

    json_sort_order: str | Unset = UNSET
    if not isinstance(sort_order, Unset):
        json_sort_order = sort_order.value

    params["sortOrder"] = json_sort_order

    params["status"] = status

    params["planType"] = plan_type

    params["email"] = email

    json_ids: list[int] | Unset = UNSET
    if not isinstance(ids, Unset):
        json_ids = ids

    params["ids"] = json_ids

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/employees",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EmployeeListResponse | Error | None:
    if response.status_code == 200:
        response_200 = EmployeeListResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 502:
        response_502 = Error.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = Error.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EmployeeListResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    per_page: int | Unset = 10,
    sort_field: ListEmployeesSortField | Unset = ListEmployeesSortField.ID,
    sort_order: SortOrder | Unset = UNSET,
    status: str | Unset = UNSET,
    plan_type: str | Unset = UNSET,
    email: str | Unset = UNSET,
    ids: list[int] | Unset = UNSET,
) -> Response[EmployeeListResponse | Error]:
    """List Employees

     All employees of the company with subscription status, plan details, current ticket and HR
    integration links [DOC]. Filters narrow the results by status, plan type, email or IDs [DOC];
    their names and formats are working assumption O-9. Filters combine with AND; `data.total`
    counts the employees after filtering [INFERRED].

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 10.
        sort_field (ListEmployeesSortField | Unset):  Default: ListEmployeesSortField.ID.
        sort_order (SortOrder | Unset): Sort direction of every list endpoint [DOC].
        status (str | Unset):
        plan_type (str | Unset):
        email (str | Unset):
        ids (list[int] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EmployeeListResponse | Error]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        sort_field=sort_field,
        sort_order=sort_order,
        status=status,
        plan_type=plan_type,
        email=email,
        ids=ids,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    per_page: int | Unset = 10,
    sort_field: ListEmployeesSortField | Unset = ListEmployeesSortField.ID,
    sort_order: SortOrder | Unset = UNSET,
    status: str | Unset = UNSET,
    plan_type: str | Unset = UNSET,
    email: str | Unset = UNSET,
    ids: list[int] | Unset = UNSET,
) -> EmployeeListResponse | Error | None:
    """List Employees

     All employees of the company with subscription status, plan details, current ticket and HR
    integration links [DOC]. Filters narrow the results by status, plan type, email or IDs [DOC];
    their names and formats are working assumption O-9. Filters combine with AND; `data.total`
    counts the employees after filtering [INFERRED].

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 10.
        sort_field (ListEmployeesSortField | Unset):  Default: ListEmployeesSortField.ID.
        sort_order (SortOrder | Unset): Sort direction of every list endpoint [DOC].
        status (str | Unset):
        plan_type (str | Unset):
        email (str | Unset):
        ids (list[int] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EmployeeListResponse | Error
    """

    return sync_detailed(
        client=client,
        page=page,
        per_page=per_page,
        sort_field=sort_field,
        sort_order=sort_order,
        status=status,
        plan_type=plan_type,
        email=email,
        ids=ids,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    per_page: int | Unset = 10,
    sort_field: ListEmployeesSortField | Unset = ListEmployeesSortField.ID,
    sort_order: SortOrder | Unset = UNSET,
    status: str | Unset = UNSET,
    plan_type: str | Unset = UNSET,
    email: str | Unset = UNSET,
    ids: list[int] | Unset = UNSET,
) -> Response[EmployeeListResponse | Error]:
    """List Employees

     All employees of the company with subscription status, plan details, current ticket and HR
    integration links [DOC]. Filters narrow the results by status, plan type, email or IDs [DOC];
    their names and formats are working assumption O-9. Filters combine with AND; `data.total`
    counts the employees after filtering [INFERRED].

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 10.
        sort_field (ListEmployeesSortField | Unset):  Default: ListEmployeesSortField.ID.
        sort_order (SortOrder | Unset): Sort direction of every list endpoint [DOC].
        status (str | Unset):
        plan_type (str | Unset):
        email (str | Unset):
        ids (list[int] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EmployeeListResponse | Error]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        sort_field=sort_field,
        sort_order=sort_order,
        status=status,
        plan_type=plan_type,
        email=email,
        ids=ids,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    per_page: int | Unset = 10,
    sort_field: ListEmployeesSortField | Unset = ListEmployeesSortField.ID,
    sort_order: SortOrder | Unset = UNSET,
    status: str | Unset = UNSET,
    plan_type: str | Unset = UNSET,
    email: str | Unset = UNSET,
    ids: list[int] | Unset = UNSET,
) -> EmployeeListResponse | Error | None:
    """List Employees

     All employees of the company with subscription status, plan details, current ticket and HR
    integration links [DOC]. Filters narrow the results by status, plan type, email or IDs [DOC];
    their names and formats are working assumption O-9. Filters combine with AND; `data.total`
    counts the employees after filtering [INFERRED].

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 10.
        sort_field (ListEmployeesSortField | Unset):  Default: ListEmployeesSortField.ID.
        sort_order (SortOrder | Unset): Sort direction of every list endpoint [DOC].
        status (str | Unset):
        plan_type (str | Unset):
        email (str | Unset):
        ids (list[int] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EmployeeListResponse | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            per_page=per_page,
            sort_field=sort_field,
            sort_order=sort_order,
            status=status,
            plan_type=plan_type,
            email=email,
            ids=ids,
        )
    ).parsed
