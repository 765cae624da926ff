"""Find what explains a failed check: an exception of a kind anywhere in its chain or (nested) groups.

A 429 or a spent budget surfaces wrapped: schemathesis collects errors into groups, hypothesis and
pytest chain them. The plan, the re-runs and the plugin ask here whether one of them is the cause.
"""

from __future__ import annotations

import pytest

__all__ = ["cause", "cause_of_call"]


def cause(error: BaseException | None, kinds: tuple[type[BaseException], ...]) -> BaseException | None:
    """``error`` or the first exception of one of ``kinds`` in its chain or groups, else None."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kinds):
            return current
        pending.extend(getattr(current, "exceptions", ()) or ())
        pending.extend((current.__cause__, current.__context__))
    return None


def cause_of_call(call: pytest.CallInfo[None], kind: type[BaseException]) -> BaseException | None:
    """The exception of ``kind`` behind a failed test phase, if that is what made it fail."""
    return cause(call.excinfo.value, (kind,)) if call.excinfo is not None else None
