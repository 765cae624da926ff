"""Evidence as counts: what one run saw of each spec element, and what many runs saw together.

An *element* is a part of the spec a run can observe, named by a stable id:

- ``response <operationId> <status>``: the operation answered that status; facets ``answered``,
  ``header:<name>`` (response header names), ``body:<kind>`` and, for a body the spec does not
  describe, ``field:<path>:<type>`` (names and JSON types only);
- ``property <JSON pointer>``: a schema property, declared or not (``/components/schemas/Employee/
  properties/costCenter``); facets ``present``, ``absent``, ``null``, ``type:<json type>``,
  ``format:match``/``format:mismatch``, ``value:<v>`` (vocabulary fields only) and, for a value the
  spec does not describe, ``field:<path>:<type>``;
- ``object <JSON pointer>``: an object schema that was seen (``seen``);
- ``pagination <operationId>``: the page edges a list answered (``first-page``, ``last-page``,
  ``past-the-end``, ``empty-list``, ``partial-page``, ``page-arithmetic-wrong``);
- ``open-point O-n``: the run's verdict on a working assumption (``confirmed``, ``refuted``,
  ``not-exercised``).

A :class:`RunEvidence` counts sightings per element and facet for one run. A :class:`History` adds runs
up: per facet the sightings, the number of runs that saw it, first and last seen. An
:class:`EvidenceStore` keeps two histories apart: ``vendor`` (runs against a real target, named by
``JOBTICKET_BASE_URL``) and ``twin`` (the twin a run starts itself), which never counts as evidence
about the vendor's API.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobticket_kit.inputs import InputError, load_json_file

__all__ = [
    "FORMAT",
    "RUN_EVIDENCE",
    "TWIN",
    "VENDOR",
    "EvidenceStore",
    "History",
    "RunEvidence",
    "Tally",
    "element_id",
    "parse_time",
]

FORMAT = 1
RUN_EVIDENCE = "evidence-run.json"  # what one contract run writes beside its reports
VENDOR = "vendor"
TWIN = "twin"
KINDS = (VENDOR, TWIN)
MAX_ELEMENTS = 20_000  # the pinned spec has a few hundred; a server cannot make the file grow without end
MAX_FACETS = 400  # per element: types, headers, values, nested names


def element_id(kind: str, *parts: object) -> str:
    """The id of an element: its kind and what names it, joined by spaces."""
    return " ".join([kind, *(str(part) for part in parts)])


def parse_time(text: str) -> datetime.datetime:
    """An ISO 8601 time of the evidence file (UTC when it names no zone)."""
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


@dataclass
class Tally:
    """One facet of one element across runs: how often, on how many runs, first and last seen."""

    sightings: int
    runs: int
    first_seen: str
    last_seen: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "sightings": self.sightings,
            "runs": self.runs,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }


@dataclass
class RunEvidence:
    """What one run observed: element id -> facet -> sightings, with the run's time and target."""

    observed_at: str
    kind: str
    target: str
    spec_version: str
    elements: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, element: str, facet: str, count: int = 1) -> None:
        """Count ``count`` sightings of ``facet`` on ``element`` (bounded: see :data:`MAX_FACETS`)."""
        facets = self.elements.get(element)
        if facets is None:
            if len(self.elements) >= MAX_ELEMENTS:
                return
            facets = self.elements[element] = Counter()
        if facet in facets or len(facets) < MAX_FACETS:
            facets[facet] += count

    def facets(self, element: str) -> Counter[str]:
        """The facets seen on ``element`` in this run (empty when none)."""
        return self.elements.get(element, Counter())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``evidence-run.json``)."""
        return {
            "format": FORMAT,
            "observed_at": self.observed_at,
            "kind": self.kind,
            "target": self.target,
            "spec_version": self.spec_version,
            "elements": {
                name: dict(sorted(facets.items())) for name, facets in sorted(self.elements.items())
            },
        }

    @classmethod
    def load(cls, path: Path) -> RunEvidence:
        """Read an ``evidence-run.json``, checked; :class:`InputError` (one line) when it is not one."""
        data = load_json_file(path, what="run evidence")
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("kind") not in KINDS:
            raise InputError(f'{path}: not a run evidence file of jobticket-kit (needs "format": {FORMAT})')
        for name in ("observed_at", "target", "spec_version"):
            if not isinstance(data.get(name), str):
                raise InputError(f"{path}: {name} must be a string")
        _time(data["observed_at"], f"{path}: observed_at")
        elements = data.get("elements")
        if not isinstance(elements, dict) or len(elements) > MAX_ELEMENTS:
            raise InputError(f"{path}: elements must be an object of at most {MAX_ELEMENTS} elements")
        run = cls(data["observed_at"], data["kind"], data["target"], data["spec_version"])
        for name, facets in elements.items():
            counts = facets.values() if isinstance(facets, dict) else ()
            if not isinstance(facets, dict) or len(facets) > MAX_FACETS or not all(_count(n) for n in counts):
                raise InputError(f"{path}: elements[{name!r}] must map at most {MAX_FACETS} facets to counts")
            run.elements[str(name)] = Counter({str(facet): int(count) for facet, count in facets.items()})
        return run


@dataclass
class History:
    """Many runs of one kind added up; ``target`` is the origin the vendor evidence is about."""

    target: str | None = None
    runs: int = 0
    first_run: str | None = None
    last_run: str | None = None
    elements: dict[str, dict[str, Tally]] = field(default_factory=dict)

    def add(self, run: RunEvidence) -> None:
        """Add one run: every facet it saw gains its sightings, one run and the run's time."""
        self.runs += 1
        self.first_run = self.first_run or run.observed_at
        self.last_run = run.observed_at
        self.target = run.target
        for name, facets in run.elements.items():
            known = self.elements.get(name)
            if known is None:
                if len(self.elements) >= MAX_ELEMENTS:
                    continue
                known = self.elements[name] = {}
            for facet, count in facets.items():
                tally = known.get(facet)
                if tally is None:
                    if len(known) < MAX_FACETS:
                        known[facet] = Tally(count, 1, run.observed_at, run.observed_at)
                    continue
                tally.sightings += count
                tally.runs += 1
                tally.last_seen = run.observed_at

    def facets(self, element: str) -> dict[str, Tally]:
        """The tallies of ``element`` (empty when it was never seen)."""
        return self.elements.get(element, {})

    def last_seen(self, element: str) -> str | None:
        """When any facet of ``element`` was last seen, or None."""
        tallies = self.elements.get(element)
        if not tallies:
            return None
        return max(tallies.values(), key=lambda tally: parse_time(tally.last_seen)).last_seen

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "target": self.target,
            "runs": self.runs,
            "first_run": self.first_run,
            "last_run": self.last_run,
            "elements": {
                name: {facet: tally.as_dict() for facet, tally in sorted(tallies.items())}
                for name, tallies in sorted(self.elements.items())
            },
        }

    @classmethod
    def from_dict(cls, data: Any, where: str) -> History:
        """Read a history written by :meth:`as_dict`; :class:`InputError` names the first broken field."""
        if not isinstance(data, dict):
            raise InputError(f"{where}: must be an object")
        runs = data.get("runs")
        if not isinstance(runs, int) or isinstance(runs, bool) or runs < 0:
            raise InputError(f"{where}.runs: must be a non-negative integer")
        for name in ("target", "first_run", "last_run"):
            if data.get(name) is not None and not isinstance(data[name], str):
                raise InputError(f"{where}.{name}: must be a string or null")
        for name in ("first_run", "last_run"):
            if data.get(name) is not None:
                _time(data[name], f"{where}.{name}")
        elements = data.get("elements")
        if not isinstance(elements, dict) or len(elements) > MAX_ELEMENTS:
            raise InputError(f"{where}.elements: must be an object of at most {MAX_ELEMENTS} elements")
        history = cls(data.get("target"), runs, data.get("first_run"), data.get("last_run"))
        for name, facets in elements.items():
            if not isinstance(facets, dict) or len(facets) > MAX_FACETS:
                raise InputError(
                    f"{where}.elements[{name!r}]: must be an object of at most {MAX_FACETS} facets"
                )
            history.elements[name] = {
                facet: _tally(tally, f"{where}.elements[{name!r}][{facet!r}]")
                for facet, tally in facets.items()
            }
        return history


@dataclass
class EvidenceStore:
    """The accumulated evidence file: the vendor's history and the twin's, kept apart."""

    vendor: History = field(default_factory=History)
    twin: History = field(default_factory=History)

    def history(self, kind: str) -> History:
        """The history of ``kind`` (:data:`VENDOR` or :data:`TWIN`)."""
        return self.vendor if kind == VENDOR else self.twin

    def add(self, run: RunEvidence) -> str | None:
        """Add a run to its history; return a note when vendor evidence about another target is set aside.

        Evidence is about one API: a run against another origin than the vendor history's starts that
        history afresh (the old one is not mixed in).
        """
        note = None
        if run.kind == VENDOR and self.vendor.target not in (None, run.target):
            note = (
                f"the evidence so far is about {self.vendor.target}, this run's target is {run.target}: "
                "its vendor history starts afresh"
            )
            self.vendor = History()
        self.history(run.kind).add(run)
        return note

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``evidence.json``)."""
        return {"format": FORMAT, VENDOR: self.vendor.as_dict(), TWIN: self.twin.as_dict()}

    def aged(self, days: float) -> EvidenceStore:
        """The same evidence, every time moved ``days`` into the past (a benchmark's nights in a row)."""
        delta = datetime.timedelta(days=days)

        def back(moment: str | None) -> str | None:
            return None if moment is None else (parse_time(moment) - delta).isoformat(timespec="seconds")

        def history(old: History) -> History:
            return History(
                old.target,
                old.runs,
                back(old.first_run),
                back(old.last_run),
                {
                    name: {
                        facet: Tally(
                            tally.sightings,
                            tally.runs,
                            str(back(tally.first_seen)),
                            str(back(tally.last_seen)),
                        )
                        for facet, tally in tallies.items()
                    }
                    for name, tallies in old.elements.items()
                },
            )

        return EvidenceStore(history(self.vendor), history(self.twin))

    def save(self, path: Path) -> None:
        """Write the file whole, through a temporary file, so a reader never sees half of it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(self.as_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> EvidenceStore:
        """Read an evidence file, checked; :class:`InputError` (one line) when it is not one of ours."""
        data = load_json_file(path, what="evidence file")
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputError(f'{path}: not an evidence file of jobticket-kit (needs "format": {FORMAT})')
        return cls(
            vendor=History.from_dict(data.get(VENDOR), f"{path}: {VENDOR}"),
            twin=History.from_dict(data.get(TWIN), f"{path}: {TWIN}"),
        )

    @classmethod
    def load_or_empty(cls, path: Path | None) -> EvidenceStore:
        """The evidence file at ``path``, or an empty store when there is none yet (a first run)."""
        if path is None or not path.exists():
            return cls()
        return cls.load(path)


def _tally(data: Any, where: str) -> Tally:
    if not isinstance(data, dict):
        raise InputError(f"{where}: must be an object")
    counts = [data.get("sightings"), data.get("runs")]
    if not all(isinstance(value, int) and not isinstance(value, bool) and value >= 1 for value in counts):
        raise InputError(f"{where}: sightings and runs must be positive integers")
    first, last = data.get("first_seen"), data.get("last_seen")
    if not isinstance(first, str) or not isinstance(last, str):
        raise InputError(f"{where}: first_seen and last_seen must be ISO 8601 times")
    _time(first, f"{where}.first_seen")
    _time(last, f"{where}.last_seen")
    return Tally(int(data["sightings"]), int(data["runs"]), first, last)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _time(text: str, where: str) -> None:
    try:
        parse_time(text)
    except ValueError:
        raise InputError(f"{where}: not an ISO 8601 time") from None
