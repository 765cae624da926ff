"""Whether a list came back in the requested order, under any common string collation.

The sort collation is not documented (O-11), so a check accepts codepoint, casefolded and
accent-stripped orders alike and fails only when none of them holds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["is_ordered", "out_of_order"]


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


def out_of_order(values: Sequence[Any], *, descending: bool) -> list[int]:
    """Positions ``i`` where ``values[i]`` and ``values[i + 1]`` are in the wrong order (any collation).

    A failure message names these positions (and the items' ids), never the values themselves,
    which may be people's names.
    """

    def wrong(left: Any, right: Any) -> bool:
        if isinstance(left, int | float) and isinstance(right, int | float):
            return right > left if descending else left > right
        pair = [str(left), str(right)]
        return all(
            [collate(text) for text in pair] != sorted((collate(text) for text in pair), reverse=descending)
            for collate in _COLLATIONS
        )

    return [index for index in range(len(values) - 1) if wrong(values[index], values[index + 1])]
