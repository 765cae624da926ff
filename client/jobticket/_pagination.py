"""Lazy iterators over every page of a list endpoint, so callers never count pages themselves.

A page is fetched only when the previous one is used up, and the walk stops at ``totalPages`` (or at the
first empty page), so N items cost ceil(N / perPage) requests (one for an empty list). Each iteration
starts again from page 1. Pages are numbered, so a list that changes during the walk can skip or repeat
an item; sort by ``id`` (the default) to keep that to the edges.

The server controls the page count, so the walk is bounded by what the first answer promised: a page
that repeats an item already seen, ``total``/``totalPages`` changing, or a page beyond
``ceil(total / perPage)`` raises :class:`PaginationError` instead of walking on forever.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Generic, TypeVar

from ._exceptions import PaginationError
from ._operations import Nobody

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator

    from ._operations import Operation, Page, PageQuery

__all__ = ["AsyncPager", "Pager"]

T = TypeVar("T")


class _Walk(Generic[T]):
    """The checks of one walk over the pages, shared by the sync and async pagers."""

    def __init__(self) -> None:
        self.number = 1
        self._first: Page[T] | None = None
        self._max_pages = 1
        self._seen: set[Hashable] = set()

    def check(self, page: Page[T]) -> None:
        """Raise :class:`PaginationError` when ``page`` contradicts the pages before it."""
        first = self._first
        if first is None:
            if page.per_page < 1 or page.total < 0:
                raise PaginationError(
                    f"page 1 says perPage={page.per_page}, total={page.total}: the pages cannot be counted",
                    page=1,
                )
            self._first = page
            self._max_pages = max(1, math.ceil(page.total / page.per_page))
        elif (page.total, page.total_pages) != (first.total, first.total_pages):
            raise PaginationError(
                f"page {self.number} says total={page.total}, totalPages={page.total_pages} but page 1 said "
                f"total={first.total}, totalPages={first.total_pages}: the list changed during the walk; "
                "list again",
                page=self.number,
            )
        for item in page.items:
            key: Hashable = getattr(item, "id", None)
            if key is None:
                continue
            if key in self._seen:
                raise PaginationError(
                    f"page {self.number} repeats item id {key!r} already seen on an earlier page: the list "
                    "changed during the walk or the server ignores the page number",
                    page=self.number,
                )
            self._seen.add(key)

    def is_last(self, page: Page[T]) -> bool:
        """True when the walk is over; raise when the server claims more pages than ``total`` allows."""
        if not page.items or self.number >= page.total_pages:
            return True
        if self.number >= self._max_pages:
            first = self._first
            assert first is not None
            raise PaginationError(
                f"page {self.number} is not the last (totalPages={page.total_pages}), but page 1 said "
                f"total={first.total} with perPage={first.per_page}: at most {self._max_pages} page(s)",
                page=self.number + 1,
            )
        self.number += 1
        return False


class Pager(Generic[T]):
    """Iterate items (``for item in pager``) or whole pages (``pager.pages()``).

    ``first_page()`` fetches page 1 alone (its ``total`` and ``total_pages`` need no walk); the next
    walk then goes on from it instead of fetching it again. A query that asks for nobody
    (:class:`~jobticket._operations.Nobody`) has one empty page and sends no request.
    """

    def __init__(self, fetch: Callable[[Operation[Page[T]]], Page[T]], query: PageQuery[T] | Nobody) -> None:
        self._fetch = fetch
        self._query = query
        self._started: tuple[Page[T], Iterator[Page[T]]] | None = None

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
        """Yield each page as it is fetched; raise :class:`PaginationError` on contradicting pages."""
        started, self._started = self._started, None
        if started is None:
            started = (next(walk := self._walk()), walk)
        yield started[0]
        yield from started[1]

    def _walk(self) -> Iterator[Page[T]]:
        query = self._query
        if isinstance(query, Nobody):
            yield query.page()
            return
        walk = _Walk[T]()
        while True:
            page = self._fetch(query(walk.number))
            walk.check(page)
            yield page
            if walk.is_last(page):
                return

    def to_list(self) -> list[T]:
        """Fetch every page and return all items."""
        return list(self)


class AsyncPager(Generic[T]):
    """Async iteration (``async for item in pager``) with the same request count as :class:`Pager`."""

    def __init__(
        self, fetch: Callable[[Operation[Page[T]]], Awaitable[Page[T]]], query: PageQuery[T] | Nobody
    ) -> None:
        self._fetch = fetch
        self._query = query
        self._started: tuple[Page[T], AsyncIterator[Page[T]]] | None = None

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
        """Yield each page as it is fetched; raise :class:`PaginationError` on contradicting pages."""
        started, self._started = self._started, None
        if started is None:
            started = (await anext(walk := self._walk()), walk)
        yield started[0]
        async for page in started[1]:
            yield page

    async def _walk(self) -> AsyncIterator[Page[T]]:
        query = self._query
        if isinstance(query, Nobody):
            yield query.page()
            return
        walk = _Walk[T]()
        while True:
            page = await self._fetch(query(walk.number))
            walk.check(page)
            yield page
            if walk.is_last(page):
                return

    async def to_list(self) -> list[T]:
        """Fetch every page and return all items."""
        return [item async for item in self]
