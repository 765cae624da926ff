from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.hr_sync_request import HrSyncRequest
from ...types import Response


def _get_kwargs(
    id: int,
    *,
    body: HrSyncRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/hr-integrations/{id}/sync".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    body: HrSyncRequest,
) -> Response[Any | Error]:
    """Trigger HR Sync

     Pushes the complete current roster of one HR integration and reconciles it: creates new
    employees, updates changed ones and OFFBOARDS every linked employee left out of `employees`
    [DOC]. It is a full replace: always send every currently active employee [DOC]. Every linked
    employee costs 1 EUR [DOC].

    Working assumptions (section 8 of the facts file): the whole body is validated first and any
    invalid item rejects the request with 422 and nothing applied (O-21); employees are matched by
    (integration, hrId), then by email (O-25); only employees linked to this integration are
    offboarded (status `cancelled`, record kept) (O-26); an item's `absences` pause and resume its
    subscription as of the sync date (O-22, see `HrSyncEmployee.absences`); processing is
    synchronous, so the changes are visible when 204 returns (O-28); a repeated `syncId` is processed
    normally (O-27).

    Args:
        id (int):
        body (HrSyncRequest): Body of Trigger HR Sync: the COMPLETE current roster [DOC]. Fields
            are [DOC]; the rules are
            working assumption O-21 (validated as a whole, atomic 422; unknown properties ignored).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    body: HrSyncRequest,
) -> Any | Error | None:
    """Trigger HR Sync

     Pushes the complete current roster of one HR integration and reconciles it: creates new
    employees, updates changed ones and OFFBOARDS every linked employee left out of `employees`
    [DOC]. It is a full replace: always send every currently active employee [DOC]. Every linked
    employee costs 1 EUR [DOC].

    Working assumptions (section 8 of the facts file): the whole body is validated first and any
    invalid item rejects the request with 422 and nothing applied (O-21); employees are matched by
    (integration, hrId), then by email (O-25); only employees linked to this integration are
    offboarded (status `cancelled`, record kept) (O-26); an item's `absences` pause and resume its
    subscription as of the sync date (O-22, see `HrSyncEmployee.absences`); processing is
    synchronous, so the changes are visible when 204 returns (O-28); a repeated `syncId` is processed
    normally (O-27).

    Args:
        id (int):
        body (HrSyncRequest): Body of Trigger HR Sync: the COMPLETE current roster [DOC]. Fields
            are [DOC]; the rules are
            working assumption O-21 (validated as a whole, atomic 422; unknown properties ignored).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    body: HrSyncRequest,
) -> Response[Any | Error]:
    """Trigger HR Sync

     Pushes the complete current roster of one HR integration and reconciles it: creates new
    employees, updates changed ones and OFFBOARDS every linked employee left out of `employees`
    [DOC]. It is a full replace: always send every currently active employee [DOC]. Every linked
    employee costs 1 EUR [DOC].

    Working assumptions (section 8 of the facts file): the whole body is validated first and any
    invalid item rejects the request with 422 and nothing applied (O-21); employees are matched by
    (integration, hrId), then by email (O-25); only employees linked to this integration are
    offboarded (status `cancelled`, record kept) (O-26); an item's `absences` pause and resume its
    subscription as of the sync date (O-22, see `HrSyncEmployee.absences`); processing is
    synchronous, so the changes are visible when 204 returns (O-28); a repeated `syncId` is processed
    normally (O-27).

    Args:
        id (int):
        body (HrSyncRequest): Body of Trigger HR Sync: the COMPLETE current roster [DOC]. Fields
            are [DOC]; the rules are
            working assumption O-21 (validated as a whole, atomic 422; unknown properties ignored).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    body: HrSyncRequest,
) -> Any | Error | None:
    """Trigger HR Sync

     Pushes the complete current roster of one HR integration and reconciles it: creates new
    employees, updates changed ones and OFFBOARDS every linked employee left out of `employees`
    [DOC]. It is a full replace: always send every currently active employee [DOC]. Every linked
    employee costs 1 EUR [DOC].

    Working assumptions (section 8 of the facts file): the whole body is validated first and any
    invalid item rejects the request with 422 and nothing applied (O-21); employees are matched by
    (integration, hrId), then by email (O-25); only employees linked to this integration are
    offboarded (status `cancelled`, record kept) (O-26); an item's `absences` pause and resume its
    subscription as of the sync date (O-22, see `HrSyncEmployee.absences`); processing is
    synchronous, so the changes are visible when 204 returns (O-28); a repeated `syncId` is processed
    normally (O-27).

    Args:
        id (int):
        body (HrSyncRequest): Body of Trigger HR Sync: the COMPLETE current roster [DOC]. Fields
            are [DOC]; the rules are
            working assumption O-21 (validated as a whole, atomic 422; unknown properties ignored).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
