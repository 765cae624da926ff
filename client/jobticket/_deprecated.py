"""Names of the previous release that keep working for one more, each warning where its successor lives.

Every exception is now named ``*Error`` (``RateLimited`` is :class:`RateLimitError`), and
``jobticket.__all__`` holds what a user needs: the old names resolve here, through the package's PEP 562
``__getattr__``, to the very same objects (``except RateLimited`` still catches a ``RateLimitError``),
with a :class:`DeprecationWarning` naming the import to use instead.
"""

from __future__ import annotations

import importlib
import warnings

__all__ = ["DEPRECATED", "resolve"]

#: Old name in ``jobticket`` -> (module that holds it, its name there, the import to use instead).
DEPRECATED: dict[str, tuple[str, str, str]] = {
    "RateLimited": ("jobticket._exceptions", "RateLimitError", "jobticket.RateLimitError"),
    "UnsafeURL": ("jobticket._exceptions", "UnsafeURLError", "jobticket.UnsafeURLError"),
    "SyncRefused": ("jobticket._exceptions", "SyncRefusedError", "jobticket.SyncRefusedError"),
    "StalePlan": ("jobticket._exceptions", "StalePlanError", "jobticket.StalePlanError"),
}


def resolve(module: str, name: str) -> object:
    """The object an old name stands for, warning at the caller's line; else ``AttributeError``."""
    entry = DEPRECATED.get(name)
    if entry is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    source, current, instead = entry
    warnings.warn(
        f"{module}.{name} is deprecated and will be removed in the next release; use {instead}",
        DeprecationWarning,
        stacklevel=3,  # resolve <- the package's __getattr__ <- the caller
    )
    return getattr(importlib.import_module(source), current)
