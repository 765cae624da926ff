"""Lazy iterators over every page of a list endpoint, so callers never count pages themselves.

A page is fetched only when the previous one is used up, and the walk stops at ``totalPages`` (or at the
first empty page), so N items cost ceil(N / perPage) requests (one for an empty list). Each iteration
starts again from page 1. Pages are numbered, so a list that changes during the walk can skip or repeat
an item; sort by ``id`` (the default) to keep that to the edges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

    from ._operations import Operation, Page, PageQuery

__all__ = ["AsyncPager", "Pager"]

T = TypeVar("T")


def _is_last(page: Page[T], number: int) -> bool:
    return not page.items or number >= page.total_pages


class Pager(Generic[T]):
    """Iterate items (``for item in pager``) or whole pages (``pager.pages()``)."""

    def __init__(self, fetch: Callable[[Operation[Page[T]]], Page[T]], query: PageQuery[T]) -> None:
        self._fetch = fetch
        self._query = query

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[T]]:
        """Yield each page as it is fetched."""
        number = 1
        while True:
            page = self._fetch(self._query(number))
            yield page
            if _is_last(page, number):
                return
            number += 1

    def to_list(self) -> list[T]:
        """Fetch every page and return all items."""
        return list(self)


class AsyncPager(Generic[T]):
    """Async iteration (``async for item in pager``) with the same request count as :class:`Pager`."""

    def __init__(
        self, fetch: Callable[[Operation[Page[T]]], Awaitable[Page[T]]], query: PageQuery[T]
    ) -> None:
        self._fetch = fetch
        self._query = query

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Yield each page as it is fetched."""
        number = 1
        while True:
            page = await self._fetch(self._query(number))
            yield page
            if _is_last(page, number):
                return
            number += 1

    async def to_list(self) -> list[T]:
        """Fetch every page and return all items."""
        return [item async for item in self]
