"""Query parsing shared by the list endpoints: pagination (O-12), sorting (O-11), integer checks.

The orders themselves are kept per data version in ``indexes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection

    from starlette.datastructures import QueryParams

    from jobticket_twin.errors import FieldErrors

__all__ = ["INT64_MAX", "PageRequest", "parse_int", "parse_page_request"]

INT64_MAX = 2**63 - 1
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
_INTEGER = re.compile(r"-?[0-9]+")


def parse_int(raw: str) -> int | None:
    """Return ``raw`` as an integer when it is written as one (no sign tricks, spaces or decimals)."""
    return int(raw) if _INTEGER.fullmatch(raw) else None


@dataclass(frozen=True)
class PageRequest:
    """One validated page/sort request."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sort_field: str = "id"
    descending: bool = False


def parse_page_request(query: QueryParams, sort_fields: Collection[str], errors: FieldErrors) -> PageRequest:
    """Read page, perPage, sortField and sortOrder, recording a field error for each bad value."""
    page = _bounded_int(query, "page", errors, default=1, low=1, high=None)
    per_page = _bounded_int(query, "perPage", errors, default=DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE)
    sort_field = query.get("sortField", "id")
    if sort_field not in sort_fields:
        errors.add("sortField", f"The sortField must be one of: {', '.join(sort_fields)}.")
    sort_order = query.get("sortOrder", "asc")
    if sort_order not in ("asc", "desc"):
        errors.add("sortOrder", "The sortOrder must be asc or desc.")
    return PageRequest(page, per_page, sort_field, sort_order == "desc")


def _bounded_int(
    query: QueryParams, name: str, errors: FieldErrors, *, default: int, low: int, high: int | None
) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    value = parse_int(raw)
    if value is None:
        errors.add(name, f"The {name} must be an integer.")
        return default
    if value < low:
        errors.add(name, f"The {name} must be at least {low}.")
        return default
    if high is not None and value > high:
        errors.add(name, f"The {name} must not be greater than {high}.")
        return default
    return value
