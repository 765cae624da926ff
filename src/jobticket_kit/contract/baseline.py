"""Accepted, known deviations: failures listed here (each with a reason) do not break the verdict.

``contract_tests/baseline.yaml`` holds a list under ``deviations``. An entry matches a failure when
every field it gives (``fingerprint``, ``test``, ``operation``, ``check``) equals the failure's; it
must give at least one of them and a non-empty ``reason``. Entries nothing matched are reported as
stale, so the file shrinks when the target is fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jobticket_kit.contract.results import Failure
from jobticket_kit.inputs import InputError, load_yaml_text, read_text_file

__all__ = ["Baseline", "BaselineError", "Deviation"]

_MATCH_FIELDS = ("fingerprint", "test", "operation", "check")


class BaselineError(ValueError):
    """The baseline file is malformed; the message names the entry."""


@dataclass(frozen=True)
class Deviation:
    """One accepted deviation."""

    reason: str
    fingerprint: str | None = None
    test: str | None = None
    operation: str | None = None
    check: str | None = None

    def matches(self, failure: Failure) -> bool:
        """Whether every field this entry gives equals the failure's."""
        actual = {
            "fingerprint": failure.fingerprint,
            "test": failure.test.split("[")[0],
            "operation": failure.operation,
            "check": failure.check,
        }
        return all(getattr(self, name) in (None, actual[name]) for name in _MATCH_FIELDS)

    def describe(self) -> str:
        """How the summary names a stale entry."""
        given = ", ".join(f"{name}={getattr(self, name)}" for name in _MATCH_FIELDS if getattr(self, name))
        return f"{given} ({self.reason})"


@dataclass(frozen=True)
class Baseline:
    """The accepted deviations of one file."""

    deviations: tuple[Deviation, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """Read the file; a missing file is an empty baseline."""
        if not path.exists():
            return cls()
        try:
            data = load_yaml_text(read_text_file(path, what="baseline file"), str(path))
        except InputError as error:
            raise BaselineError(str(error)) from None
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise BaselineError(
                f"{path}: must be a mapping with a 'deviations' list, got a {type(data).__name__}"
            )
        unknown = set(data) - {"deviations"}
        if unknown:
            raise BaselineError(f"{path}: unknown top-level keys {sorted(map(str, unknown))}")
        entries = data.get("deviations") or []
        if not isinstance(entries, list):
            raise BaselineError(f"{path}: 'deviations' must be a list")
        return cls(tuple(_parse(index, entry, path) for index, entry in enumerate(entries)))

    def split(self, failures: Sequence[Failure]) -> tuple[list[Failure], list[Failure], list[str]]:
        """Sort failures into new and accepted ones; also list the entries that matched nothing."""
        new: list[Failure] = []
        accepted: list[Failure] = []
        used: set[int] = set()
        for failure in failures:
            index = next((i for i, entry in enumerate(self.deviations) if entry.matches(failure)), None)
            if index is None:
                new.append(failure)
            else:
                used.add(index)
                accepted.append(replace(failure, accepted_because=self.deviations[index].reason))
        stale = [entry.describe() for i, entry in enumerate(self.deviations) if i not in used]
        return new, accepted, stale


def _parse(index: int, entry: Any, path: Path) -> Deviation:
    if not isinstance(entry, dict):
        raise BaselineError(f"{path}: deviation #{index + 1} must be a mapping")
    unknown = set(entry) - {"reason", *_MATCH_FIELDS}
    if unknown:
        raise BaselineError(f"{path}: deviation #{index + 1} has unknown keys {sorted(unknown)}")
    reason = str(entry.get("reason") or "").strip()
    if not reason:
        raise BaselineError(f"{path}: deviation #{index + 1} needs a reason")
    fields = {name: str(entry[name]) for name in _MATCH_FIELDS if entry.get(name)}
    if not fields:
        raise BaselineError(
            f"{path}: deviation #{index + 1} must name a fingerprint, test, operation or check"
        )
    return Deviation(reason=reason, **fields)
