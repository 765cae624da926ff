"""Whether a list came back in the requested order, under any common string collation.

The sort collation is not documented (O-11), so a check accepts codepoint, casefolded and
accent-stripped orders alike and fails only when none of them holds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["is_ordered"]


def _plain(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


_COLLATIONS: tuple[Callable[[str], str], ...] = (lambda value: value, str.casefold, _plain)


def is_ordered(values: Sequence[Any], *, descending: bool) -> bool:
    """Whether ``values`` are sorted; strings may use any common collation (codepoint, casefold, accents)."""
    if all(isinstance(value, int | float) for value in values):
        return list(values) == sorted(values, reverse=descending)
    texts = [str(value) for value in values]
    return any(
        [collate(text) for text in texts] == sorted((collate(text) for text in texts), reverse=descending)
        for collate in _COLLATIONS
    )
