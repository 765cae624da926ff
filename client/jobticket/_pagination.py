"""Lazy iterators over every page of a list endpoint that prove the listing complete, or say why not.

A page is fetched only when the previous one is used up, so N items cost ceil(N / perPage) requests
(one for an empty list). Each iteration starts again from page 1. Pages are numbered, so a list that
changes during the walk can skip or repeat an item; the proof below notices, and listing again is safe.

**Strict** (the default): the walk proves, page by page and before anything of a page is handed out,
that what it hands out is the whole list (facts 4.2, 4.3 and O-12):

- ``totalPages`` is ``ceil(total / perPage)`` (0 or 1 for an empty list), with ``perPage >= 1``;
- ``total``, ``totalPages`` and ``perPage`` are the same on every page;
- each page is the one asked for, and every page before the last holds exactly ``perPage`` items;
- every item appears once (distinct ids), and the items add up to ``total``.

A page that breaks a rule raises the :class:`PaginationError` subclass that names it. A strict walk
ends only after its last page was proven, so code that decides on the whole list (a plan, a guard, a
check) iterates to the end before it acts: the offboarding guards of ``sync_roster`` do.

**Lenient** (``pager.lenient()``, for read-only callers that would rather have what the server gives):
the walk stops at ``totalPages`` or at the first empty page and hands out what it got; it still raises
where walking on could never end (a repeated item, a changing ``total``, more pages than ``total``
allows).

A listing of more than :data:`MAX_LISTING_ITEMS` is refused on its first page either way: a server
promising a billion items must not keep a walk (and its memory of ids) going for ever.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from ._exceptions import (
    DuplicateItemError,
    ItemCountError,
    ListingChangedError,
    PageCountError,
    PageNumberError,
    ShortPageError,
)
from ._operations import Nobody, Page

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator

    from ._operations import Operation, PageQuery

__all__ = ["MAX_LISTING_ITEMS", "AsyncPager", "ListingProof", "Pager", "wire_page"]

T = TypeVar("T")
MAX_LISTING_ITEMS = 5_000_000  # 25 times the largest employer planned for (200,000 employees)


class ListingProof(Generic[T]):
    """The checks of one walk over the pages, shared by the sync and async pagers (and the kit's own walks).

    Feed it each page in order: :meth:`check` raises before a page that breaks a rule is used, and
    :meth:`is_last` says whether the walk is over (or raises when the server claims too many pages).
    ``listing`` names the list in messages (``GET /employees``).
    """

    def __init__(self, listing: str, *, strict: bool = True) -> None:
        self.listing = listing
        self.strict = strict
        self.number = 1
        self._first: Page[T] | None = None
        self._pages = 1
        self._seen: set[Hashable] = set()

    def check(self, page: Page[T]) -> None:
        """Raise the :class:`PaginationError` subclass naming the rule ``page`` breaks, if any."""
        if self._first is None:
            self._check_first(page)
            self._first = page
        else:
            self._check_same(page, self._first)
        if self.strict:
            self._check_numbering(page)
            self._check_count(page)
        for item in page.items:
            key: Hashable = getattr(item, "id", None)
            if key is None and not self.strict:
                continue
            if key is None or key in self._seen:
                found = key if isinstance(key, int) else None
                raise DuplicateItemError(self.listing, page=self.number, found=found)
            self._seen.add(key)

    def is_last(self, page: Page[T]) -> bool:
        """True when the walk is over; otherwise move on to the next page number."""
        if self.strict:
            if self.number >= self._pages:
                return True
        elif not page.items or self.number >= page.total_pages:
            return True
        if self.number >= self._pages:  # lenient: more pages claimed than total allows
            raise PageNumberError(self.listing, page=self.number + 1, expected=self._pages)
        self.number += 1
        return False

    def _check_first(self, page: Page[T]) -> None:
        if page.per_page < 1 or page.total < 0 or page.total > MAX_LISTING_ITEMS:
            raise PageCountError(self.listing, page=self.number, found=page.total)
        self._pages = max(1, math.ceil(page.total / page.per_page))
        if not self.strict:
            return
        allowed = {0, 1} if page.total == 0 else {self._pages}  # O-12: 0 or 1 for an empty list
        if page.total_pages not in allowed:
            raise PageCountError(self.listing, page=self.number, expected=self._pages, found=page.total_pages)

    def _check_same(self, page: Page[T], first: Page[T]) -> None:
        keys = ("total", "total_pages", "per_page") if self.strict else ("total", "total_pages")
        if any(getattr(page, key) != getattr(first, key) for key in keys):
            raise ListingChangedError(self.listing, page=self.number, expected=first.total, found=page.total)

    def _check_numbering(self, page: Page[T]) -> None:
        if page.page != self.number:
            raise PageNumberError(self.listing, page=self.number, expected=self.number, found=page.page)

    def _check_count(self, page: Page[T]) -> None:
        first = self._first
        assert first is not None
        if self.number < self._pages:
            if len(page.items) != page.per_page:
                raise ShortPageError(
                    self.listing, page=self.number, expected=page.per_page, found=len(page.items)
                )
            return
        expected = first.total - (self._pages - 1) * first.per_page
        if len(page.items) != expected:
            raise ItemCountError(self.listing, page=self.number, expected=expected, found=len(page.items))


def wire_page(data: Mapping[str, Any]) -> Page[Any]:
    """A page object as the API sends it (``body["data"]``), as a :class:`Page` of its items' ids.

    A walk over raw JSON (the kit's checks, the recorder) then proves itself with :class:`ListingProof`.
    """
    ids = [item.get("id") if isinstance(item, Mapping) else None for item in data["data"]]
    return Page(
        [SimpleNamespace(id=key) for key in ids],
        data["page"],
        data["perPage"],
        data["totalPages"],
        data["total"],
    )


def _listing(query: PageQuery[T]) -> str:
    kwargs = query(1).kwargs
    return f"{kwargs['method'].upper()} {kwargs['url']}"


class Pager(Generic[T]):
    """Iterate items (``for item in pager``) or pages (``pager.pages()``); strict unless ``lenient()``.

    ``first_page()`` fetches page 1 alone (its ``total`` and ``total_pages`` need no walk); the next
    walk then goes on from it instead of fetching it again.
    """

    def __init__(
        self,
        fetch: Callable[[Operation[Page[T]]], Page[T]],
        query: PageQuery[T] | Nobody,
        *,
        strict: bool = True,
    ) -> None:
        self._fetch = fetch
        self._query = query
        self.strict = strict
        self._started: tuple[Page[T], Iterator[Page[T]]] | None = None

    def lenient(self) -> Self:
        """The same listing without the completeness proof: for read-only callers, never for decisions."""
        return type(self)(self._fetch, self._query, strict=False)

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    @property
    def sends_requests(self) -> bool:
        """False for a query that asks for nobody: its one empty page comes from no response."""
        return not isinstance(self._query, Nobody)

    def first_page(self) -> Page[T]:
        """Page 1 of the listing, fetched once (checked like every page of a walk)."""
        if self._started is None:
            walk = self._walk()
            self._started = (next(walk), walk)
        return self._started[0]

    def pages(self) -> Iterator[Page[T]]:
        """Yield each page once it is checked; raise :class:`PaginationError` on a page breaking a rule."""
        started, self._started = self._started, None
        if started is None:
            started = (next(walk := self._walk()), walk)
        yield started[0]
        yield from started[1]

    def _walk(self) -> Iterator[Page[T]]:
        query = self._query
        if isinstance(query, Nobody):  # asks for nobody: answered without a request
            yield query.page()
            return
        proof = ListingProof[T](_listing(query), strict=self.strict)
        while True:
            page = self._fetch(query(proof.number))
            proof.check(page)
            yield page
            if proof.is_last(page):
                return

    def to_list(self) -> list[T]:
        """Fetch every page and return all items (proven complete when strict)."""
        return list(self)


class AsyncPager(Generic[T]):
    """Async iteration (``async for item in pager``) with the same requests and proof as :class:`Pager`."""

    def __init__(
        self,
        fetch: Callable[[Operation[Page[T]]], Awaitable[Page[T]]],
        query: PageQuery[T] | Nobody,
        *,
        strict: bool = True,
    ) -> None:
        self._fetch = fetch
        self._query = query
        self.strict = strict
        self._started: tuple[Page[T], AsyncIterator[Page[T]]] | None = None

    def lenient(self) -> Self:
        """The same listing without the completeness proof: for read-only callers, never for decisions."""
        return type(self)(self._fetch, self._query, strict=False)

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    @property
    def sends_requests(self) -> bool:
        """False for a query that asks for nobody: its one empty page comes from no response."""
        return not isinstance(self._query, Nobody)

    async def first_page(self) -> Page[T]:
        """Page 1 of the listing, fetched once (checked like every page of a walk)."""
        if self._started is None:
            walk = self._walk()
            self._started = (await anext(walk), walk)
        return self._started[0]

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Yield each page once it is checked; raise :class:`PaginationError` on a page breaking a rule."""
        started, self._started = self._started, None
        if started is None:
            started = (await anext(walk := self._walk()), walk)
        yield started[0]
        async for page in started[1]:
            yield page

    async def _walk(self) -> AsyncIterator[Page[T]]:
        query = self._query
        if isinstance(query, Nobody):  # asks for nobody: answered without a request
            yield query.page()
            return
        proof = ListingProof[T](_listing(query), strict=self.strict)
        while True:
            page = await self._fetch(query(proof.number))
            proof.check(page)
            yield page
            if proof.is_last(page):
                return

    async def to_list(self) -> list[T]:
        """Fetch every page and return all items (proven complete when strict)."""
        return [item async for item in self]
