"""Every exception the client and its HR roster application raise, in one module, all named ``*Error``.

One place to look for what can go wrong (as openai-python keeps its ``_exceptions``), one base class
(:class:`JobTicketError`) to catch it all. One class per error status carries the parsed error body and
the request id; the raw ``httpx.Response`` stays reachable as ``.response``. Messages never contain
credentials, personal data or anything else a server sent: an error status reads as its standard
phrase (the server's own ``message`` stays on ``.body``), a body that cannot be read names the reason's
type, and roster problems name the row or line and the field, never the value.

The HR roster application (:mod:`jobticket.roster`) re-exports its errors from here, so the layers stay
one-way: the application imports the client, never the reverse. Two internal signals
(:class:`BlockedError`, :class:`DeadlineExceededError`) live here too; callers never see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import datetime
    from collections.abc import Mapping, Sequence

    from jobticket_api.models.error import Error

    from ._hr_sync import SyncPlan, SyncResult
    from ._read_back import Discrepancy

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BlockedError",
    "ConfigurationError",
    "ConflictError",
    "CsvProblem",
    "DeadlineExceededError",
    "DuplicateItemError",
    "HistoryError",
    "InternalServerError",
    "InvalidSignatureError",
    "ItemCountError",
    "JobTicketError",
    "LinkedTwiceError",
    "ListingChangedError",
    "NotDownloadableError",
    "NotFoundError",
    "PacerStoreError",
    "PageCountError",
    "PageNumberError",
    "PaginationError",
    "PermissionDeniedError",
    "PlanAlreadyAppliedError",
    "PlanFileError",
    "RateLimitError",
    "ResponseTooDeepError",
    "ResponseTooLargeError",
    "RosterError",
    "RosterFileError",
    "RosterProblem",
    "ShortPageError",
    "StalePlanError",
    "StaleWebhookError",
    "SyncIncidentError",
    "SyncOutcomeUnknownError",
    "SyncRefusedError",
    "UnexpectedResponseError",
    "UnknownIntegrationError",
    "UnprocessableEntityError",
    "UnsafeURLError",
    "WebhookPayloadError",
    "WebhookTooLargeError",
    "error_from_response",
    "request_id_of",
]

# Not documented publicly; these are the names gateways commonly use.
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-correlation-id", "x-amzn-requestid")
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}")


class JobTicketError(Exception):
    """Base of everything this client raises, so one ``except`` can catch them all."""


class ConfigurationError(JobTicketError, ValueError):
    """The client was built with missing or unsafe settings."""


class UnsafeURLError(ConfigurationError):
    """A URL that is malformed, or that the HTTP library could send to a different host than it names.

    ``url`` is the refused text and ``reason`` the rule it breaks, in one line.
    """

    def __init__(self, url: object, reason: str, *, subject: str = "URL") -> None:
        super().__init__(f"{subject} {url!r} refused: {reason}")
        self.url = url
        self.reason = reason


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
    """A response whose body this client cannot read or will not trust; the raw response is attached.

    Its subclasses name the bound a body broke: :class:`ResponseTooLargeError` (decoded size) and
    :class:`ResponseTooDeepError` (JSON nesting). Nothing was done on the strength of the body.
    """

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response
        self.request_id = request_id_of(response)


class ResponseTooLargeError(UnexpectedResponseError):
    """A body (JSON, an error, a download) is larger, decoded, than the client's cap; reading stopped there.

    ``limit`` is the cap in bytes (``max_body_bytes`` or ``max_download_bytes``). Reading stops at the
    first chunk past it, so a compressed bomb or an endless body costs at most the cap and one chunk;
    a download that breaks the cap leaves no file behind.
    """

    def __init__(self, what: str, *, limit: int, response: httpx.Response) -> None:
        super().__init__(
            f"{_described(response)}: the {what} is larger than the client's limit of {limit} bytes "
            "(decoded); reading stopped there",
            response=response,
        )
        self.limit = limit


class ResponseTooDeepError(UnexpectedResponseError):
    """A JSON body nests deeper than the client's cap; refused before parsing (no ``RecursionError``)."""

    def __init__(self, *, limit: int, response: httpx.Response) -> None:
        super().__init__(
            f"{_described(response)}: the JSON body nests deeper than {limit} levels; not parsed",
            response=response,
        )
        self.limit = limit


def _described(response: httpx.Response) -> str:
    """``METHOD /path -> status`` of a response, never its query (which may hold personal data)."""
    try:
        request = response.request
    except RuntimeError:
        return f"response {response.status_code}"
    return f"{request.method} {request.url.path} -> {response.status_code}"


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


class RateLimitError(APIStatusError):
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
    """A listing's pages contradict themselves, so the listing is not proven complete; listing again is safe.

    Raised before anything of the offending page is handed out. A strict listing (the default) proves
    itself; each rule has its subclass, named in the message: :class:`DuplicateItemError`,
    :class:`ShortPageError`, :class:`ItemCountError`, :class:`PageCountError`,
    :class:`ListingChangedError` and :class:`PageNumberError`. A lenient listing (``pager.lenient()``)
    still raises the ones that would walk on forever. ``page`` is the number of the page asked for;
    ``expected`` and ``found`` hold the numbers that disagree (never in the message, which names the
    rule only).
    """

    rule = "the pages must agree with each other"

    def __init__(
        self,
        listing: str,
        *,
        page: int,
        expected: int | None = None,
        found: int | None = None,
    ) -> None:
        super().__init__(f"{listing}: page {page} breaks a rule of a complete listing: {self.rule}")
        self.listing = listing
        self.page = page
        self.expected = expected
        self.found = found


class DuplicateItemError(PaginationError):
    """An item id appears a second time (``found``): the list moved, or the server ignores the page number."""

    rule = "every item appears once (distinct ids)"


class ShortPageError(PaginationError):
    """A page before the last holds fewer (or more) items than ``perPage``: items were left out."""

    rule = "every page before the last holds exactly perPage items"


class ItemCountError(PaginationError):
    """The items do not add up to ``total`` (``expected``): the last page holds too few or too many."""

    rule = "the items add up to total"


class PageCountError(PaginationError):
    """``totalPages`` is not ``ceil(total / perPage)`` (0 or 1 for an empty list, O-12), or cannot be."""

    rule = "totalPages is ceil(total / perPage), with perPage >= 1 and total >= 0"


class ListingChangedError(PaginationError):
    """``total``, ``totalPages`` or ``perPage`` differ from page 1's: the list changed during the walk."""

    rule = "total, totalPages and perPage are the same on every page"


class PageNumberError(PaginationError):
    """The page says another number than the one asked for, or the walk went past ``totalPages``."""

    rule = "each page is the one asked for, and there are no more than totalPages"


# -- the guarded HR sync (JobTicket.sync_roster) --------------------------------------------------------


@dataclass(frozen=True)
class RosterProblem:
    """One broken rule of a roster, located as ``employees[3].email`` (never the value: personal data)."""

    path: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}"


class RosterError(JobTicketError, ValueError):
    """The roster breaks at least one rule; nothing was sent. ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[RosterProblem]) -> None:
        self.problems = list(problems)
        shown = "\n  ".join(str(problem) for problem in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"roster rejected before sending, {len(self.problems)} problem(s):\n  {shown}{more}")


class SyncRefusedError(JobTicketError):
    """A guard refused to send the roster; nothing was sent. ``plan`` says what would have happened."""

    def __init__(self, reason: str, plan: SyncPlan) -> None:
        super().__init__(reason)
        self.plan = plan


class LinkedTwiceError(JobTicketError):
    """Two employees are linked to one integration with the same hrId, and a roster row has that hrId.

    The API keeps hrIds unique per integration (O-25), so its listing contradicts itself: the row could
    stand for either employee. No plan is made and nothing is sent; ``employee_ids`` names the two.
    """

    def __init__(self, integration_id: int, employee_ids: tuple[int, int]) -> None:
        first, second = sorted(employee_ids)
        super().__init__(
            f"employees {first} and {second} are both linked to integration {integration_id} with the "
            "same hrId, which a roster row has: the API's employees contradict each other (O-25); "
            "nothing was planned or sent"
        )
        self.integration_id = integration_id
        self.employee_ids = (first, second)


class SyncIncidentError(JobTicketError):
    """The sync WAS SENT and accepted, but reading the integration back does not match the plan.

    Raised after the fact, so that nobody learns of it from a complaint: ``result`` is the sent sync's
    :class:`~jobticket.hr_sync.SyncResult` (``sent`` is True) and ``discrepancies`` lists each difference
    by employee id or roster row, never a name or a value. An empty list means the read-back itself
    failed (its error is the ``__cause__``): the outcome is unverified. Do not send again before a
    person has looked at the integration.
    """

    def __init__(self, result: SyncResult, discrepancies: Sequence[Discrepancy]) -> None:
        self.result = result
        self.discrepancies = list(discrepancies)
        if self.discrepancies:
            found = f"differs from the plan in {len(self.discrepancies)} place(s): " + _summary(
                self.discrepancies
            )
        else:
            found = "could not be read back completely, so its outcome is unverified"
        super().__init__(
            f"incident: HR sync {result.sync_id} was sent and accepted, but integration "
            f"{result.plan.integration_id} {found}; check it before sending again"
        )


def _summary(discrepancies: Sequence[Discrepancy], shown: int = 10) -> str:
    """``kind (ids ...)`` per kind of difference: employee ids and roster rows only."""
    kinds: dict[str, list[str]] = {}
    for item in discrepancies:
        kinds.setdefault(item.kind, []).append(item.where)
    parts = []
    for kind, where in kinds.items():
        more = f" and {len(where) - shown} more" if len(where) > shown else ""
        parts.append(f"{kind} ({', '.join(where[:shown])}{more})")
    return "; ".join(parts)


# -- the HR roster application (jobticket.roster re-exports these) ------------------------------------


@dataclass(frozen=True)
class CsvProblem:
    """One broken rule in a roster file: where (line, column, header) and which rule, never the value."""

    source: str
    line: int | None
    rule: str
    column: int | None = None
    header: str | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source} line {self.line}"
        if self.column is not None:
            where += f", column {self.column}" + (f" ({self.header})" if self.header else "")
        return f"{where}: {self.rule}"


class RosterFileError(JobTicketError, ValueError):
    """The roster file breaks at least one rule; nothing was sent. ``problems`` lists every one."""

    def __init__(self, problems: Sequence[CsvProblem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(str(problem) for problem in self.problems[:100])
        more = f"\n... and {len(self.problems) - 100} more" if len(self.problems) > 100 else ""
        super().__init__(f"{shown}{more}")


class PlanFileError(JobTicketError, ValueError):
    """A saved plan cannot be read, or was changed after it was made; nothing was sent."""


class StalePlanError(SyncRefusedError):
    """The integration changed since the plan was made (or the date moved it on); nothing was sent."""

    def __init__(self, reason: str, plan: SyncPlan, changes: Sequence[str]) -> None:
        super().__init__(reason, plan)
        self.changes = list(changes)


class HistoryError(JobTicketError, ValueError):
    """The offboarding history file cannot be read or written; nothing was sent."""


class PlanAlreadyAppliedError(SyncRefusedError):
    """The history records that this very plan was sent already; nothing was sent again.

    ``sent_at`` is when it was sent. To sync again, make a new plan (it shows what the first one did).
    """

    def __init__(self, reason: str, plan: SyncPlan, sent_at: datetime.datetime) -> None:
        super().__init__(reason, plan)
        self.sent_at = sent_at


class SyncOutcomeUnknownError(JobTicketError):
    """The sync request went out, but no answer came back: whether the API applied it is not known.

    Nothing is retried (a sync is never resent blindly). Look at the integration (a new plan shows what
    it holds) before sending again; the transport error is the ``__cause__``.
    """

    def __init__(self, message: str, *, sync_id: str) -> None:
        super().__init__(message)
        self.sync_id = sync_id


class UnknownIntegrationError(JobTicketError, ValueError):
    """The API shows that no HR integration has the given ID (a wrong ID would plan everyone as new)."""


# -- webhooks (jobticket.webhooks re-exports these) -----------------------------------------------------


class InvalidSignatureError(JobTicketError):
    """The signature is missing or does not match the body: do not trust or process the delivery."""


class StaleWebhookError(InvalidSignatureError):
    """The delivery is signed, but its ``event.timestamp`` lies outside the verifier's tolerance.

    A replay of an old delivery, or a clock far off: do not process it (the signature covers the body,
    not the moment it was sent). ``age`` is now minus the event's timestamp, in seconds (negative: from
    the future).
    """

    def __init__(self, message: str, *, age: float) -> None:
        super().__init__(message)
        self.age = age


class WebhookPayloadError(JobTicketError, ValueError):
    """The (verified) body is not a webhook envelope this client can read."""


class WebhookTooLargeError(WebhookPayloadError):
    """The body is larger or nested deeper than a webhook envelope can be; it was not parsed."""


# -- internal signals: raised and handled inside the client, never seen by a caller -------------------


class BlockedError(Exception):
    """The pacer's credential is blocked for longer than the caller is willing to wait.

    The transport turns it into :class:`RateLimitError` (with ``retry_after``) before it leaves the client.
    """

    def __init__(self, remaining: float) -> None:
        super().__init__(f"credential blocked for another {remaining:.0f} s")
        self.remaining = remaining


class DeadlineExceededError(httpx.ReadTimeout):
    """A call's overall deadline passed; never retried (the client raises it as ``APITimeoutError``).

    An httpx timeout, so that httpx closes the stream as for any read timeout.
    """


_BY_STATUS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
}


def status_phrase(status: int) -> str:
    """The standard reason phrase of ``status`` (never the one the server sent)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error" if status >= 400 else "Unexpected status"


def request_id_of(response: httpx.Response) -> str | None:
    """Return the response's request id header, if the server sent one shaped like an id.

    It is quoted in messages and logs, so anything else (spaces, free text, a mile of it) is left out.
    """
    for name in _REQUEST_ID_HEADERS:
        value = response.headers.get(name)
        if value and _REQUEST_ID.fullmatch(value):
            return str(value)
    return None


def parse_error_body(response: httpx.Response) -> Error | None:
    """Parse the standard error body (O-13); None when it is missing, of another shape or nested too deep."""
    from jobticket_api.models.error import Error  # noqa: PLC0415 - on first error: import jobticket stays light

    from ._bounds import loads_bounded  # noqa: PLC0415 - _bounds raises the errors defined here

    try:
        data: Any = loads_bounded(response.content, response)
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            errors = data.get("errors")
            if errors is not None and not isinstance(errors, dict):
                data = {key: value for key, value in data.items() if key != "errors"}
            return Error.from_dict(data)
    except (ValueError, TypeError, KeyError, AttributeError, ResponseTooDeepError):
        pass  # the status says what happened; a body nested too deep is left unparsed, not trusted
    return None


def error_from_response(response: httpx.Response, *, retry_after: float | None = None) -> APIStatusError:
    """Build the typed exception for an error response (its body must have been read)."""
    status = response.status_code
    body = parse_error_body(response)
    message = status_phrase(status)  # the server's own message stays on .body: it may quote anyone
    if status == 429:
        return RateLimitError(message, retry_after=retry_after, response=response, body=body)
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    return cls(message, status_code=status, response=response, body=body)
