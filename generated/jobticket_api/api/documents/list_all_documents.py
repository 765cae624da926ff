from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.document_sort_field import DocumentSortField
from ...models.employee_document_list_response import EmployeeDocumentListResponse
from ...models.error import Error
from ...models.sort_order import SortOrder
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 1,
    per_page: int | Unset = 10,
    sort_field: DocumentSortField | Unset = UNSET,
    sort_order: SortOrder | Unset = UNSET,
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

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/employee-documents",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EmployeeDocumentListResponse | Error | None:
    if response.status_code == 200:
        response_200 = EmployeeDocumentListResponse.from_dict(response.json())

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
) -> Response[EmployeeDocumentListResponse | Error]:
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
    sort_field: DocumentSortField | Unset = UNSET,
    sort_order: SortOrder | Unset = UNSET,
) -> Response[EmployeeDocumentListResponse | Error]:
    """List All Documents

     The documents of all the company's employees (the docs also call it "List Documents"). The
    operation exists [DOC]; its path is working assumption O-2. No filters (O-10).

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 10.
        sort_field (DocumentSortField | Unset): Sort fields of both document lists.
        sort_order (SortOrder | Unset): Sort direction of every list endpoint [DOC].

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EmployeeDocumentListResponse | Error]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        sort_field=sort_field,
        sort_order=sort_order,
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
    sort_field: DocumentSortField | Unset = UNSET,
    sort_order: SortOrder | Unset = UNSET,
) -> EmployeeDocumentListResponse | Error | None:
    """List All Documents

     The documents of all the company's employees (the docs also call it "List Documents"). The
    operation exists [DOC]; its path is working assumption O-2. No filters (O-10).

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 10.
        sort_field (DocumentSortField | Unset): Sort fields of both document lists.
        sort_order (SortOrder | Unset): Sort direction of every list endpoint [DOC].

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EmployeeDocumentListResponse | Error
    """

    return sync_detailed(
        client=client,
        page=page,
        per_page=per_page,
        sort_field=sort_field,
        sort_order=sort_order,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    per_page: int | Unset = 10,
    sort_field: DocumentSortField | Unset = UNSET,
    sort_order: SortOrder | Unset = UNSET,
) -> Response[EmployeeDocumentListResponse | Error]:
    """List All Documents

     The documents of all the company's employees (the docs also call it "List Documents"). The
    operation exists [DOC]; its path is working assumption O-2. No filters (O-10).

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 10.
        sort_field (DocumentSortField | Unset): Sort fields of both document lists.
        sort_order (SortOrder | Unset): Sort direction of every list endpoint [DOC].

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EmployeeDocumentListResponse | Error]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        sort_field=sort_field,
        sort_order=sort_order,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    per_page: int | Unset = 10,
    sort_field: DocumentSortField | Unset = UNSET,
    sort_order: SortOrder | Unset = UNSET,
) -> EmployeeDocumentListResponse | Error | None:
    """List All Documents

     The documents of all the company's employees (the docs also call it "List Documents"). The
    operation exists [DOC]; its path is working assumption O-2. No filters (O-10).

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 10.
        sort_field (DocumentSortField | Unset): Sort fields of both document lists.
        sort_order (SortOrder | Unset): Sort direction of every list endpoint [DOC].

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EmployeeDocumentListResponse | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            per_page=per_page,
            sort_field=sort_field,
            sort_order=sort_order,
        )
    ).parsed
