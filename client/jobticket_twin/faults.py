"""Fault injection: the spec string, its parser, and the per-request decisions it drives.

Format: comma-separated ``name=value`` items, all optional, for example
``error=0.2,latency=0.05-0.3,drop=0.05,truncate=0.05,seed=1``:

- ``error=P``: share (0..1) of requests answered with a 500/502/503/504 error body instead;
- ``statuses=500|503``: which statuses ``error`` picks from (default ``500|502|503|504``);
- ``latency=S`` or ``latency=MIN-MAX``: seconds added before every request is handled;
- ``drop=P``: share of requests whose connection is closed after the status line, with no body;
- ``truncate=P``: share of JSON responses cut in half (the headers announce the shorter length);
- ``unhealthy``: Health Check answers 503;
- ``seed=N``: seeds the decisions, so a run is reproducible.

Faults never touch the ``/_twin/`` control routes. Errors are answered before the request reaches the
API (nothing is applied, nothing counts against the rate limit); drops and truncations happen to the
answer, after the request was processed, as when a network fails on the way back.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass

__all__ = ["FaultDecision", "FaultInjector", "FaultSpec", "FaultSpecError", "parse_fault_spec"]

_SERVER_STATUSES = (500, 502, 503, 504)
_MAX_LATENCY = 60.0  # seconds: a slower answer is a timeout, and nan or inf would hang every request
_ITEMS = ("error", "statuses", "latency", "drop", "truncate", "unhealthy", "seed")


class FaultSpecError(ValueError):
    """The fault spec string cannot be parsed; the message names the item and the rule."""


@dataclass(frozen=True)
class FaultSpec:
    """Which faults to inject, and how often."""

    error: float = 0.0
    statuses: tuple[int, ...] = _SERVER_STATUSES
    latency: tuple[float, float] = (0.0, 0.0)
    drop: float = 0.0
    truncate: float = 0.0
    unhealthy: bool = False
    seed: int | None = None

    def __str__(self) -> str:
        items = [f"error={self.error:g}", "statuses=" + "|".join(map(str, self.statuses))]
        items.append(f"latency={self.latency[0]:g}-{self.latency[1]:g}")
        items += [f"drop={self.drop:g}", f"truncate={self.truncate:g}"]
        if self.unhealthy:
            items.append("unhealthy")
        if self.seed is not None:
            items.append(f"seed={self.seed}")
        return ",".join(items)


def parse_fault_spec(text: str) -> FaultSpec:
    """Parse the ``--faults`` string (see the module docstring); raise FaultSpecError on bad input."""
    values: dict[str, object] = {}
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        name, sep, value = item.partition("=")
        name = name.strip()
        if name in values:
            raise FaultSpecError(f"fault item {name!r} is given twice")
        if name == "unhealthy" and not sep:
            values[name] = True
        elif not sep:
            raise FaultSpecError(f"fault item {item!r} must look like name=value")
        elif name in ("error", "drop", "truncate"):
            values[name] = _share(name, value)
        elif name == "latency":
            values[name] = _latency(value)
        elif name == "statuses":
            values[name] = _statuses(value)
        elif name == "seed":
            values[name] = _integer(name, value)
        else:
            raise FaultSpecError(f"unknown fault item {name!r}; known: {', '.join(_ITEMS)}")
    return FaultSpec(**values)  # type: ignore[arg-type]


def _share(name: str, value: str) -> float:
    try:
        share = float(value)
    except ValueError:
        raise FaultSpecError(f"fault item {name} must be a number from 0 to 1, got {value!r}") from None
    if not 0.0 <= share <= 1.0:
        raise FaultSpecError(f"fault item {name} must be from 0 to 1, got {value!r}")
    return share


def _latency(value: str) -> tuple[float, float]:
    low, sep, high = value.partition("-")
    try:
        bounds = (float(low), float(high) if sep else float(low))
    except ValueError:
        raise FaultSpecError(f"fault item latency must be SECONDS or MIN-MAX, got {value!r}") from None
    if not 0 <= bounds[0] <= bounds[1] <= _MAX_LATENCY:
        raise FaultSpecError(f"fault item latency needs 0 <= MIN <= MAX <= {_MAX_LATENCY:g}, got {value!r}")
    return bounds


def _statuses(value: str) -> tuple[int, ...]:
    statuses = tuple(_integer("statuses", part) for part in value.split("|"))
    unknown = [status for status in statuses if status not in _SERVER_STATUSES]
    if unknown or not statuses:
        raise FaultSpecError(f"fault item statuses takes 500, 502, 503, 504 joined by '|', got {value!r}")
    return statuses


def _integer(name: str, value: str) -> int:
    if not re.fullmatch(r"-?[0-9]{1,18}", value.strip()):  # int() also reads '١٢', '1_0' and 4,300 digits
        shown = value if len(value) <= 20 else f"{value[:20]}... ({len(value)} characters)"
        raise FaultSpecError(
            f"fault item {name} must be an integer of at most 18 ASCII digits, got {shown!r}"
        )
    return int(value)


@dataclass(frozen=True)
class FaultDecision:
    """What to do to one request."""

    delay: float = 0.0
    error_status: int | None = None
    drop: bool = False
    truncate: bool = False


class FaultInjector:
    """Draws per-request decisions from a spec with one seeded generator (reproducible in order)."""

    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self._random = random.Random(spec.seed)  # noqa: S311 - fault injection, not cryptography
        self._lock = threading.Lock()

    def decide(self) -> FaultDecision:
        """Draw the faults for the next request."""
        spec = self.spec
        with self._lock:
            rnd = self._random
            delay = rnd.uniform(*spec.latency) if spec.latency[1] > 0 else 0.0
            if spec.error and rnd.random() < spec.error:
                return FaultDecision(delay=delay, error_status=rnd.choice(spec.statuses))
            drop = bool(spec.drop) and rnd.random() < spec.drop
            truncate = not drop and bool(spec.truncate) and rnd.random() < spec.truncate
        return FaultDecision(delay=delay, drop=drop, truncate=truncate)
