"""Where update-spec writes in the two CHANGELOGs, each newest first with an "Unreleased" section on top.

The spec's CHANGELOG gets a section per pinned version (:func:`with_entry`). The client distribution is
versioned on its own, so its CHANGELOG gets a line under Unreleased (:func:`with_unreleased_entry`),
released with the distribution's next version.
"""

from __future__ import annotations

import re

__all__ = ["UNRELEASED", "with_entry", "with_unreleased_entry"]

UNRELEASED = "## [Unreleased]"
"""The heading a missing Unreleased section gets (Keep a Changelog's spelling)."""

BREAKING, CHANGED = "Changed (breaking)", "Changed"

_SECTION = re.compile(r"^## ", re.MULTILINE)
_SUBSECTION = re.compile(r"^### (?P<name>.+?)[ \t]*$", re.MULTILINE)
_UNRELEASED = re.compile(r"## \[?unreleased\b", re.IGNORECASE)


def with_entry(text: str, entry: str) -> str:
    """``text`` with ``entry`` above the newest released version, below any "Unreleased" section.

    Newest first, as the CHANGELOG says; an "Unreleased" section stays on top: it describes what comes
    after every pinned version, this one included.
    """
    released = [at for at, unreleased in _sections(text) if not unreleased]
    if not released:
        return text.rstrip("\n") + "\n\n" + entry
    cut = released[0]
    return text[:cut] + entry + "\n" + text[cut:]


def with_unreleased_entry(text: str, entry: str, *, breaking: bool) -> str:
    """``text`` with ``entry`` (a list item) first under "Changed (breaking)" or "Changed" in Unreleased.

    A missing Unreleased section is made where :func:`with_entry` puts a section. A missing subsection
    goes first, "Changed" after "Changed (breaking)": breaking changes lead, the others follow.
    """
    subsection = BREAKING if breaking else CHANGED
    text = text if text.endswith("\n") else text + "\n"
    if not any(unreleased for _, unreleased in _sections(text)):
        text = with_entry(text, UNRELEASED + "\n")
    heading = next(at for at, unreleased in _sections(text) if unreleased)
    start = text.index("\n", heading) + 1
    following = _SECTION.search(text, start)
    end = following.start() if following else len(text)
    subsections = list(_SUBSECTION.finditer(text, start, end))
    item = entry.strip("\n")
    for match in subsections:
        if match["name"] == subsection:
            before, after = text[: match.end()], text[match.end() :].lstrip("\n")
            gap = "" if after.startswith("- ") else "\n"  # one list, or a blank line before a heading
            return f"{before}\n\n{item}\n{gap}{after}"
    leading = (BREAKING, CHANGED)[: 1 if breaking else 2]
    cut = next((match.start() for match in subsections if match["name"] not in leading), end)
    before, after = text[:cut].rstrip("\n"), text[cut:].lstrip("\n")
    return f"{before}\n\n### {subsection}\n\n{item}\n" + (f"\n{after}" if after else "")


def _sections(text: str) -> list[tuple[int, bool]]:
    """Where each ``## `` section starts, and whether it is the Unreleased one."""
    return [
        (match.start(), bool(_UNRELEASED.match(text, match.start()))) for match in _SECTION.finditer(text)
    ]
