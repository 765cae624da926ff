"""The sync and async clients offer the same methods with the same signatures (compared with ``inspect``).

An async name is the sync one with its async counterpart swapped in (``Pager`` -> ``AsyncPager``,
``httpx.BaseTransport`` -> ``httpx.AsyncBaseTransport``...). A method that talks to the API is a
coroutine in the async client; one that only builds something (a pager, a derived client) is not.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest

from jobticket import AsyncJobTicket, AsyncPager, JobTicket, Pager
from jobticket._async_client import AsyncJobTicketWithRawResponse
from jobticket._client import JobTicketWithRawResponse

PAIRS = [
    (JobTicket, AsyncJobTicket),
    (JobTicketWithRawResponse, AsyncJobTicketWithRawResponse),
    (Pager, AsyncPager),  # made by the clients (from an awaitable fetch or not): their methods compare
]
# The same operation under its async name.
RENAMED = {"close": "aclose", "__iter__": "__aiter__", "__enter__": "__aenter__", "__exit__": "__aexit__"}
ASYNC_TYPES = {
    "JobTicketWithRawResponse": "AsyncJobTicketWithRawResponse",
    "JobTicket": "AsyncJobTicket",
    "Pager": "AsyncPager",
    "httpx.BaseTransport": "httpx.AsyncBaseTransport",
    "httpx.Client": "httpx.AsyncClient",
    "Iterator": "AsyncIterator",
}
_ASYNC_WORDS = re.compile(r"\b(" + "|".join(re.escape(name) for name in ASYNC_TYPES) + r")\b")
# What builds an object for later use instead of sending a request (not a coroutine in the async API).
BUILDERS = re.compile(r"^(Self|Pager\[.*\]|JobTicketWithRawResponse|Iterator\[.*\])$")


def as_async(annotation: Any) -> Any:
    """The annotation a sync member's async counterpart must have."""
    if not isinstance(annotation, str):
        return annotation
    return _ASYNC_WORDS.sub(lambda match: ASYNC_TYPES[match.group(1)], annotation)


def members(cls: type) -> dict[str, Any]:
    """Public members plus the protocol methods that differ between sync and async (and a user's
    ``__init__``: a pager is made by the clients only)."""
    found = {}
    for klass in reversed(cls.__mro__[:-1]):
        for name, value in vars(klass).items():
            protocol = name in RENAMED or name in RENAMED.values()
            constructor = name == "__init__" and cls not in (Pager, AsyncPager)
            if not name.startswith("_") or protocol or constructor:
                found[name] = value
    return found


def function_of(member: Any) -> Callable[..., Any]:
    if isinstance(member, property):
        assert member.fget is not None
        return member.fget
    if isinstance(member, classmethod | staticmethod):
        return member.__func__
    assert callable(member)
    return member  # type: ignore[no-any-return]


@pytest.mark.parametrize(("sync_class", "async_class"), PAIRS, ids=lambda cls: cls.__name__)
def test_the_async_class_has_every_method_of_the_sync_one_with_the_same_signature(
    sync_class: type, async_class: type
) -> None:
    sync_members, async_members = members(sync_class), members(async_class)
    expected_names = {RENAMED.get(name, name) for name in sync_members}
    assert set(async_members) == expected_names
    for name, sync_member in sync_members.items():
        async_member = async_members[RENAMED.get(name, name)]
        assert type(async_member) is type(sync_member), name
        sync_function, async_function = function_of(sync_member), function_of(async_member)
        sync_signature, async_signature = inspect.signature(sync_function), inspect.signature(async_function)
        expected = [
            (p.name, p.kind, p.default, as_async(p.annotation)) for p in sync_signature.parameters.values()
        ]
        actual = [(p.name, p.kind, p.default, p.annotation) for p in async_signature.parameters.values()]
        assert actual == expected, f"{async_class.__name__}.{name}"
        returned = sync_signature.return_annotation
        assert async_signature.return_annotation == as_async(returned), f"{async_class.__name__}.{name}"
        if name in ("__init__", "__enter__", "__exit__", "close"):
            continue  # construction and closing: the same in spirit, awaited where the async API must
        builds = isinstance(sync_member, property) or bool(BUILDERS.match(str(returned)))
        assert inspect.iscoroutinefunction(async_function) is not builds, (
            f"{async_class.__name__}.{name} must {'not ' if builds else ''}be a coroutine"
        )


def test_every_typed_call_has_a_raw_variant_with_its_arguments() -> None:
    not_calls = {"request", "with_options", "from_env", "http", "base_url", "pacer", "with_raw_response"}
    typed = {
        name: member
        for name, member in members(JobTicket).items()
        if not name.startswith("_") and name not in not_calls and name != "close"
    }
    raw = {name: member for name, member in members(JobTicketWithRawResponse).items() if name != "__init__"}
    assert set(raw) == set(typed)
    for name, member in typed.items():
        call, variant = inspect.signature(member), inspect.signature(raw[name])
        assert variant.parameters == call.parameters, name
        returned = str(call.return_annotation)
        page = re.fullmatch(r"Pager\[(\w+)\]", returned)
        wrapped = f"Page[{page.group(1)}]" if page else returned
        assert variant.return_annotation == f"RawResponse[{wrapped}]", name
