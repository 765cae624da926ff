r"""Values from a CSV file or the API, made inert for the plan HR approves: one employee is one line.

A name is data, never layout: a newline in it must not forge another plan line, an escape sequence must
not reach the terminal, a Markdown link or ``<img>`` must not reach the approval page. Each format gets
its own escaping, applied to every value that did not come from this package:

- :func:`text`: backslash escapes (``\\n``, ``\\x1b``, ``\\u202e``) for control, format (bidi, zero
  width), separator, private-use and unassigned characters, and ``\\\\`` for the backslash itself;
- :func:`markdown`: the text form inside a code span (no emphasis, link, autolink or HTML is parsed in
  one), with ``|`` escaped for tables;
- :func:`json_dumps`: JSON whose strings carry the same characters as ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from typing import Any

__all__ = ["json_dumps", "markdown", "terminal", "text"]

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@lru_cache(maxsize=4096)
def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def _escape(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


_SAFE_RUN = re.compile(r"[ -\[\]-~]*")  # printable ASCII without the backslash: the common case, fast


def terminal(value: str) -> str:
    """``value`` with every unsafe character escaped, the backslash left as it is (for messages)."""
    if _SAFE_RUN.fullmatch(value):
        return value
    return "".join(_escape(char) if _unsafe(char) else char for char in value)


def text(value: Any) -> str:
    """One value for a plain-text plan: a single line whose every character is visible."""
    shown = str(value)
    if _SAFE_RUN.fullmatch(shown):
        return shown
    return "".join("\\\\" if char == "\\" else _escape(char) if _unsafe(char) else char for char in shown)


def markdown(value: Any) -> str:
    """One value for a Markdown plan: its :func:`text` form as a code span, safe in a table cell."""
    shown = text(value).replace("|", "\\|")
    if not shown:
        return "(empty)"
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or shown.strip(" ") == "" else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def _units(char: str) -> str:
    encoded = char.encode("utf-16-be")
    return "".join(f"\\u{int.from_bytes(encoded[i : i + 2], 'big'):04x}" for i in range(0, len(encoded), 2))


def _json_strings(dumped: str) -> str:
    if dumped.isascii() and "\x7f" not in dumped:
        return dumped
    return "".join(_units(char) if ord(char) > 0x7E and _unsafe(char) else char for char in dumped)


def json_dumps(value: Any, **options: Any) -> str:
    r"""``json.dumps(value, ensure_ascii=False)`` with unsafe characters as ``\\uXXXX`` escapes.

    Outside strings JSON has only ASCII punctuation, digits and literals, so escaping the rendered
    text escapes exactly the characters inside strings; ``json.dumps`` already escapes C0 controls.
    """
    return _json_strings(json.dumps(value, ensure_ascii=False, **options))
