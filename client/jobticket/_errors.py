"""Typed exceptions, so callers catch what went wrong instead of reading status codes.

One class per error status, each carrying the parsed error body and the request id; the raw
``httpx.Response`` stays reachable as ``.response``. Messages never contain credentials or personal data.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx

    from jobticket_api.models.error import Error

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "JobTicketError",
    "NotDownloadableError",
    "NotFoundError",
    "PacerStoreError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimited",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "error_from_response",
    "request_id_of",
]

# Not documented publicly; these are the names gateways commonly use.
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-correlation-id", "x-amzn-requestid")


class JobTicketError(Exception):
    """Base of everything this client raises, so one ``except`` can catch them all."""


class ConfigurationError(JobTicketError, ValueError):
    """The client was built with missing or unsafe settings."""


class PacerStoreError(JobTicketError):
    """The shared pacing store (Redis) could not be asked, so the request was not sent."""


class APIConnectionError(JobTicketError):
    """The API could not be reached (after the retries that were safe to make)."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request did not finish within the client's timeout."""


class UnexpectedResponseError(JobTicketError):
    """A successful response whose body this client cannot read; the raw response is attached."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response
        self.request_id = request_id_of(response)


class APIStatusError(JobTicketError):
    """The API answered with an error status; ``body`` is its parsed error body when it had one."""

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        response: httpx.Response | None = None,
        body: Error | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.response = response
        self.body = body
        self.request_id = request_id_of(response) if response is not None else None

    def __str__(self) -> str:
        suffix = f" (request id {self.request_id})" if self.request_id else ""
        return f"{self.status_code}: {self.args[0]}{suffix}"


class BadRequestError(APIStatusError):
    """400: the body was not JSON or not ``application/json``; fix the request before retrying."""


class AuthenticationError(APIStatusError):
    """401: the API key id or secret is wrong, or the key is disabled."""


class PermissionDeniedError(APIStatusError):
    """403: the key lacks a permission the endpoint needs."""


class NotFoundError(APIStatusError):
    """404: no such resource in this company."""


class ConflictError(APIStatusError):
    """409: the resource's state forbids the call (a download's 409 is :class:`NotDownloadableError`)."""


class UnprocessableEntityError(APIStatusError):
    """422: validation failed; ``field_errors`` maps a field path to its messages."""

    @property
    def field_errors(self) -> dict[str, list[str]]:
        """Field path (``perPage``, ``employees.3.hrId``) to messages, empty when the body had none."""
        errors = self.body.errors if self.body is not None else None
        if errors is None or not hasattr(errors, "additional_properties"):
            return {}
        return {key: list(messages) for key, messages in errors.additional_properties.items()}


class RateLimited(APIStatusError):
    """429: the credential is rate limited; ``retry_after`` is how many seconds to wait (None if unknown).

    Raised at once, without sleeping, when the wait exceeds the client's ``retry_after_cap``: a 5-minute
    block surfaces here instead of hanging a job.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None,
        response: httpx.Response | None = None,
        body: Error | None = None,
    ) -> None:
        super().__init__(message, status_code=429, response=response, body=body)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx: the API failed; 502/503/504 were already retried for idempotent calls."""


class NotDownloadableError(ConflictError):
    """The document cannot be downloaded: its ``downloadable`` flag is false, or the API answered 409.

    Refused locally (flag false, no request sent) ``response`` is None; from a 409 of the download
    endpoint (the flag went stale) it carries the response and parsed body like any ``ConflictError``.
    """

    def __init__(
        self, document_id: int, *, response: httpx.Response | None = None, body: Error | None = None
    ) -> None:
        reason = "the API answered 409" if response is not None else "its 'downloadable' flag is false"
        super().__init__(
            f"document {document_id} is not downloadable ({reason})",
            status_code=409,
            response=response,
            body=body,
        )
        self.document_id = document_id


class PaginationError(JobTicketError):
    """A list endpoint's pages contradict each other, so walking on could loop forever or mislead.

    Raised before the offending page is handed out: a page repeating items already seen, ``total`` or
    ``totalPages`` changing during the walk, or more pages than ``ceil(total / perPage)`` of the first
    answer. Listing again (a new walk) is safe.
    """

    def __init__(self, message: str, *, page: int) -> None:
        super().__init__(message)
        self.page = page


_BY_STATUS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
}


def request_id_of(response: httpx.Response) -> str | None:
    """Return the response's request id header, if the server sent one."""
    for name in _REQUEST_ID_HEADERS:
        value = response.headers.get(name)
        if value:
            return str(value)
    return None


def parse_error_body(response: httpx.Response) -> Error | None:
    """Parse the standard error body (O-13), or None when the body is missing or has another shape."""
    from jobticket_api.models.error import Error  # noqa: PLC0415 - on first error: import jobticket stays light

    try:
        data: Any = json.loads(response.content)
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            errors = data.get("errors")
            if errors is not None and not isinstance(errors, dict):
                data = {key: value for key, value in data.items() if key != "errors"}
            return Error.from_dict(data)
    except (ValueError, TypeError, KeyError, AttributeError):
        pass
    return None


def error_from_response(response: httpx.Response, *, retry_after: float | None = None) -> APIStatusError:
    """Build the typed exception for an error response (its body must have been read)."""
    status = response.status_code
    body = parse_error_body(response)
    message = body.message if body is not None else (response.reason_phrase or "error")
    if status == 429:
        return RateLimited(message, retry_after=retry_after, response=response, body=body)
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    return cls(message, status_code=status, response=response, body=body)
