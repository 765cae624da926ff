"""Validate an HTTP response against the pinned spec, naming the operation and the failing field.

Used by the twin's tests (every twin response is checked, so the twin cannot drift from openapi/)
and by cassette drift checks. The spec's servers are staging and production; a response from any
other base URL (the twin on loopback) is matched by method and path alone.

    validator = ResponseValidator()
    validator.validate("GET", "http://127.0.0.1:8090/employees", 200, headers, body)  # raises SpecViolation
    httpx.Client(event_hooks={"response": [validating_hook(validator)]})
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jsonschema
import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import InvalidData
from werkzeug.datastructures import Headers

from jobticket_kit.checkout import Layout
from jobticket_kit.spec.paths import HTTP_METHODS, path_pattern

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Mapping

    import httpx

__all__ = [
    "ResponseValidator",
    "SpecViolation",
    "UndocumentedOperation",
    "Violation",
    "async_validating_hook",
    "default_spec_path",
    "default_validator",
    "validating_hook",
]


def default_spec_path() -> Path:
    """The pinned spec of the checkout these tools run in."""
    return Layout.current().spec


@dataclass(frozen=True)
class Violation:
    """One problem: where (``status``, ``header Retry-After``, ``body $.data.data[3].email``) and what."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class SpecViolation(AssertionError):
    """A response the spec does not allow; ``violations`` lists every problem found."""

    def __init__(
        self, operation: str, method: str, path: str, status: int, violations: Iterable[Violation]
    ) -> None:
        self.operation = operation
        self.method = method.upper()
        self.path = path
        self.status = status
        self.violations = tuple(violations)
        details = "\n  ".join(str(violation) for violation in self.violations)
        super().__init__(f"{self.operation} ({self.method} {path}) -> {status} breaks the spec:\n  {details}")


class UndocumentedOperation(SpecViolation):
    """The spec has no operation for this method and path."""


@dataclass(frozen=True)
class _Operation:
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]


class ResponseValidator:
    """Checks responses against one spec file with openapi-core."""

    def __init__(self, spec_path: Path | None = None) -> None:
        self.spec_path = spec_path or default_spec_path()
        document: dict[str, Any] = yaml.safe_load(self.spec_path.read_text(encoding="utf-8"))
        self._openapi = OpenAPI.from_dict(document)
        self._host_url = str(document["servers"][0]["url"]).rstrip("/")
        self._operations = _operations(document)
        self._paths = {operation.template: operation.pattern for operation in self._operations}
        self._error_schema = jsonschema.Draft202012Validator(document["components"]["schemas"]["Error"])

    def operation_id(self, method: str, path: str) -> str | None:
        """The operationId serving ``method`` ``path``, or None when the spec has none."""
        found = self._find(method, path)
        return found.operation_id if found else None

    def is_spec_path(self, path: str) -> bool:
        """Whether some operation of the spec lives on ``path`` (whatever the method)."""
        return any(pattern.fullmatch(path) for pattern in self._paths.values())

    def _find(self, method: str, path: str) -> _Operation | None:
        return next(
            (op for op in self._operations if op.method == method.lower() and op.pattern.fullmatch(path)),
            None,
        )

    def violations(
        self, method: str, url: str, status: int, headers: Mapping[str, str], body: bytes
    ) -> list[Violation]:
        """Every way the response breaks the spec; empty when it conforms.

        Raises UndocumentedOperation when the spec has no operation for the method and path.
        """
        path = urlsplit(url).path or "/"
        operation = self._find(method, path)
        if operation is None:
            raise UndocumentedOperation(
                "undocumented", method, path, status, [Violation("operation", "no operation in the spec")]
            )
        content_type = _header(headers, "content-type") or ""
        request = MockRequest(self._host_url, method.lower(), path)
        response = MockResponse(body, status_code=status, headers=dict(headers), content_type=content_type)
        found: list[Violation] = []
        if status == 204 and body:
            found.append(Violation("body", "a 204 response must have no body"))
        for error in self._openapi.iter_response_errors(request, response):
            found.extend(_describe(error, content_type))
        return found

    def validate(self, method: str, url: str, status: int, headers: Mapping[str, str], body: bytes) -> None:
        """Raise SpecViolation (naming the operation and each failing field) unless the response conforms."""
        path = urlsplit(url).path or "/"
        found = self.violations(method, url, status, headers, body)
        if found:
            operation = self.operation_id(method, path) or "undocumented"
            raise SpecViolation(operation, method, path, status, found)

    def error_body_violations(self, body: bytes) -> list[Violation]:
        """Check ``body`` against the spec's Error schema (for responses outside any operation)."""
        try:
            document = json.loads(body)
        except ValueError as exc:
            return [Violation("body", f"not JSON: {exc}")]
        return [Violation(f"body {_json_path(error.absolute_path)}", error.message) for error in
                self._error_schema.iter_errors(document)]  # fmt: skip

    def webhook_violations(self, event_type: str, headers: Mapping[str, str], body: bytes) -> list[Violation]:
        """Every way a webhook delivery (event ``event_type``) breaks the spec's ``webhooks`` section."""
        request = _WebhookRequest(event_type, headers, body)
        found: list[Violation] = []
        for error in self._openapi.iter_webhook_request_errors(request):
            found.extend(_describe(error, "application/json"))
        return found

    def validate_webhook(self, event_type: str, headers: Mapping[str, str], body: bytes) -> None:
        """Raise SpecViolation unless the delivery's body and ``X-Signing-Signature`` header conform."""
        found = self.webhook_violations(event_type, headers, body)
        if found:
            raise SpecViolation(f"webhook {event_type}", "POST", "(receiver)", 0, found)

    def validate_httpx(self, response: httpx.Response, *, undocumented_statuses: Iterable[int] = ()) -> None:
        """Validate a read httpx response; an undocumented method/path may answer ``undocumented_statuses``.

        Those answers must still carry the standard error body.
        """
        request = response.request
        headers = dict(response.headers)
        try:
            self.validate(request.method, str(request.url), response.status_code, headers, response.content)
        except UndocumentedOperation as exc:
            if response.status_code not in set(undocumented_statuses):
                raise
            if request.method == "HEAD":
                return  # a HEAD answer has no body to check
            problems = self.error_body_violations(response.content)
            if problems:
                raise SpecViolation(
                    "undocumented", exc.method, exc.path, response.status_code, problems
                ) from None


class _WebhookRequest:
    """A received webhook delivery in the shape openapi-core's webhook validator reads."""

    method = "post"

    def __init__(self, name: str, headers: Mapping[str, str], body: bytes) -> None:
        self.name = name
        self.body = body
        self.content_type = _header(headers, "content-type") or "application/json"
        self.parameters = RequestParameters(header=Headers(dict(headers)))


def _operations(document: Mapping[str, Any]) -> list[_Operation]:
    operations = []
    for template, item in document.get("paths", {}).items():
        pattern = path_pattern(template)
        for method in HTTP_METHODS:
            if method in item:
                operations.append(
                    _Operation(
                        item[method].get("operationId", f"{method} {template}"), method, template, pattern
                    )
                )
    return operations


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name), None)


def _describe(error: Exception, content_type: str) -> list[Violation]:
    if isinstance(error, PathNotFound | OperationNotFound):
        return [Violation("operation", str(error))]
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None)
    parameter = getattr(error, "name", None)
    if schema_errors is not None and parameter is None:
        if isinstance(error, InvalidData) and "json" not in content_type and isinstance(cause.value, bytes):  # type: ignore[union-attr]
            return []  # openapi-core cannot check `format: binary` bodies; the content type was checked
        return [Violation(f"body {_json_path(item.absolute_path)}", item.message) for item in schema_errors]
    if schema_errors is not None:
        return [Violation(f"header {parameter}", item.message) for item in schema_errors]
    if "mimetype" in str(error):
        return [Violation("content-type", str(error))]
    name = getattr(error, "name", None)
    if name:
        return [Violation(f"header {name}", str(error))]
    return [Violation(_location(error), str(error))]


def _location(error: Exception) -> str:
    kind = type(error).__name__
    if "Header" in kind:
        return "header"
    if "Response" in kind or "Status" in kind:
        return "status"
    if "MediaType" in kind or "ContentType" in kind:
        return "content-type"
    return "body"


def _json_path(parts: Iterable[object]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


@cache
def default_validator() -> ResponseValidator:
    """One shared validator of the pinned spec (loading it takes a moment)."""
    return ResponseValidator()


def validating_hook(
    validator: ResponseValidator | None = None,
    *,
    skip_path_prefixes: tuple[str, ...] = (),
    undocumented_statuses: Iterable[int] = (),
) -> Callable[[httpx.Response], None]:
    """An httpx response event hook that validates every response (except the skipped paths)."""
    statuses = tuple(undocumented_statuses)

    def hook(response: httpx.Response) -> None:
        if skip_path_prefixes and response.request.url.path.startswith(skip_path_prefixes):
            return
        response.read()
        (validator or default_validator()).validate_httpx(response, undocumented_statuses=statuses)

    return hook


def async_validating_hook(
    validator: ResponseValidator | None = None,
    *,
    skip_path_prefixes: tuple[str, ...] = (),
    undocumented_statuses: Iterable[int] = (),
) -> Callable[[httpx.Response], Awaitable[None]]:
    """The async-client twin of ``validating_hook``."""
    statuses = tuple(undocumented_statuses)

    async def hook(response: httpx.Response) -> None:
        if skip_path_prefixes and response.request.url.path.startswith(skip_path_prefixes):
            return
        await response.aread()
        (validator or default_validator()).validate_httpx(response, undocumented_statuses=statuses)

    return hook
