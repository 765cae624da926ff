"""Where the kit writes: an output folder is checked before a run starts, never found broken at its end.

A run that has spent its budget and then cannot write its reports has lost them, and an ``OSError``
at that point is a traceback. So every folder option (``--output-dir``) and variable
(``JOBTICKET_CONTRACT_OUTPUT_DIR``) is checked when it is read: the folder exists and is writable, or its
nearest existing parent is a writable folder it can be created in.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["output_folder_problem"]


def output_folder_problem(path: Path) -> str | None:
    """Why ``path`` cannot be the folder a command writes into (one line), or None when it can."""
    absolute = Path(os.path.abspath(path))
    existing = next(candidate for candidate in (absolute, *absolute.parents) if _exists(candidate))
    if not existing.is_dir():
        what = "a file, not a folder" if existing.is_file() else "not a folder"
        return (
            f"{path} is {what}" if existing == absolute else f"{path} cannot be created: {existing} is {what}"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        verb = "is not writable" if existing == absolute else f"cannot be created: {existing} is not writable"
        return f"{path} {verb}"
    return None


def _exists(path: Path) -> bool:
    """Whether anything (a folder, a file, a dangling symlink) is at ``path``; the root always is."""
    return path.parent == path or os.path.lexists(path)
