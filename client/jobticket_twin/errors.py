"""The API's error body (working assumption O-13) and the exception that carries it to the client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["INVALID_DATA", "ApiError", "FieldErrors", "error_response"]

INVALID_DATA = "The given data was invalid."


class ApiError(Exception):
    """An error the API answers with ``{"message": ..., "errors"?: ...}`` and a status code."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers or {})


class FieldErrors:
    """Collects every field-level problem of one request, so one 422 names them all."""

    def __init__(self) -> None:
        self._errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        """Record ``message`` under the query-parameter name or body dot path ``path``."""
        self._errors.setdefault(path, []).append(message)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def __len__(self) -> int:
        return sum(len(messages) for messages in self._errors.values())

    def raise_if_any(self) -> None:
        """Raise the 422 that reports every recorded problem at once."""
        if self._errors:
            raise ApiError(422, INVALID_DATA, errors=self._errors)


def error_response(error: ApiError) -> JSONResponse:
    """Render ``error`` as the standard error body."""
    body: dict[str, object] = {"message": error.message}
    if error.errors:
        body["errors"] = error.errors
    return JSONResponse(body, status_code=error.status, headers=error.headers)
