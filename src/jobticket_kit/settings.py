"""Every environment variable of the kit's tooling, read and checked in one place.

A command reads :class:`KitSettings` once, before it sends or writes anything. A variable that breaks its
rule raises :class:`SettingsError`: one line naming the variable and the rule (the command line turns it
into exit 2), never echoing a secret. A deprecated name still works for one release and warns
(``FutureWarning``, which Python shows by default) naming the variable that replaces it.

The client's variables (``JOBTICKET_BASE_URL``, ``_USERNAME``, ``_PASSWORD``) are read as the client reads
them, with ``requests``' reading of the URL added (:mod:`jobticket_kit.hosts`), except that an unset URL
means the local twin. The proxy variables the HTTP libraries honour pass the same host check
(:mod:`jobticket_kit.proxies`). ``docs/configuration.md``
holds the table :func:`markdown_table` makes from :data:`VARIABLES` (``jobticket-kit config --markdown``);
a test compares the two.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jobticket._bounds import json_depth
from jobticket_kit import variables
from jobticket_kit.folders import output_folder_problem
from jobticket_kit.hosts import origin_of
from jobticket_kit.proxies import check_environment_proxies
from jobticket_kit.target import Target, TargetError, read_base_url

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DEFAULT_FRESH_DAYS",
    "DEFAULT_MIN_RUNS",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_REQUEST_DEADLINE",
    "DEFAULT_WINDOW",
    "FRESH_NIGHT_BUDGET",
    "MAX_DIGITS",
    "REMOTE_BUDGET",
    "REMOTE_MAX_EXAMPLES",
    "SAFE_REMOTE_RATE_LIMIT",
    "TWIN_MAX_EXAMPLES",
    "VARIABLES",
    "ContractSettings",
    "EvidenceSettings",
    "KitSettings",
    "SettingsError",
    "Variable",
    "contract_output_dir",
    "markdown_table",
    "request_deadline",
]

DEFAULT_RATE_LIMIT = 80  # requests per window for a whole contract run: below the documented 100 per key
DEFAULT_WINDOW = 60  # seconds: the API counts requests per rolling minute
SAFE_REMOTE_RATE_LIMIT = 90  # the API blocks a key for 5 minutes at 100 per minute
REMOTE_BUDGET = 500  # requests of a full remote run (limited keys and destructive opt-in included)
# A nightly whose evidence is fresh: every on-demand status, stalest checks first. 300 before issue 18's
# time-of-use sandbox guard, which lists the company before each raw destructive request and reads every
# sync back (3 requests each against the twin's 250 employees: about 65 a night). On the twin 330 is the
# least that still reaches every on-demand status (320 misses three 422s); 350 leaves a margin.
FRESH_NIGHT_BUDGET = 350
DEFAULT_MIN_RUNS = 2  # runs that must see an observation before the overlay proposes a change
DEFAULT_FRESH_DAYS = 7  # evidence younger than this is fresh; the rate-limit probe waits until it is not
TWIN_MAX_EXAMPLES = 100
REMOTE_MAX_EXAMPLES = 5
MAX_DIGITS = 9  # every count and id of ours fits; more is a typo or an attack, not a setting
MAX_LIMITED_KEYS_CHARS = 65_536  # a few keys are ~100 characters each
_MAX_LIMITED_KEYS_DEPTH = 2  # an object of [username, password] pairs
_ASCII_DIGITS = re.compile(r"[0-9]+")
_SHOWN = 40
DEFAULT_REQUEST_DEADLINE = 60  # seconds: twice the read timeout, for an honest but slow answer


class SettingsError(TargetError):
    """A variable breaks its rule; the message names the variable and the rule, in one line."""


@dataclass(frozen=True)
class Variable:
    """One variable as the configuration page documents it."""

    name: str
    default: str
    read_by: str
    meaning: str

    @property
    def deprecated_names(self) -> tuple[str, ...]:
        """Older names still read, with a warning."""
        return variables.DEPRECATED_NAMES.get(self.name, ())


_REMOTE_RUN = "`contract`, `nightly` (remote target)"
_OFF_TWIN = "`contract`, `nightly`, `record-cassettes`"

#: Every variable, in the order of the configuration page.
VARIABLES: tuple[Variable, ...] = (
    Variable(
        variables.BASE_URL,
        "unset: the local twin",
        "the client; every kit command",
        "`staging`, `production` or an `https://` URL (`http://` on loopback only). The kit's commands "
        "refuse production however it is spelled and, when it is unset, start their own local twin.",
    ),
    Variable(
        variables.USERNAME,
        "none",
        "the client; every kit command; `twin`",
        "API key ID; needed with `JOBTICKET_BASE_URL`. The twin accepts it, with `JOBTICKET_PASSWORD`, as "
        "one more key with every permission.",
    ),
    Variable(
        variables.PASSWORD,
        "none",
        "the client; every kit command; `twin`",
        "API key secret; never printed, logged or written to a report.",
    ),
    Variable(
        variables.PACER_STORE,
        "`file`",
        "the client",
        "Where the client keeps its pacing state: `memory`, `file`, `file:<absolute dir>` or `redis://…` "
        "(the `[redis]` extra). Read by the client alone.",
    ),
    Variable(
        variables.SANDBOX_INTEGRATION_ID,
        "none",
        _OFF_TWIN,
        "A positive integer: the HR integration, holding only the kit's synthetic employees, that "
        "destructive checks (HR sync) may change off the twin.",
    ),
    Variable(
        variables.ALLOW_DESTRUCTIVE,
        "`0`",
        _OFF_TWIN,
        "`1` lets destructive checks run on `JOBTICKET_SANDBOX_INTEGRATION_ID` off the twin (both are "
        "needed); `0` or unset: never.",
    ),
    Variable(
        variables.LIMITED_KEYS,
        "none",
        _OFF_TWIN,
        'A JSON object name → `["username", "password"]` of extra keys (`without-<permission>`, '
        "`disabled`, `rate-limit-probe`); each one lets the checks that need it run.",
    ),
    Variable(
        variables.CONTRACT_RATE_LIMIT,
        f"`{DEFAULT_RATE_LIMIT}`",
        _REMOTE_RUN,
        "Requests per window for the whole run, all keys together (a positive integer); above "
        f"{SAFE_REMOTE_RATE_LIMIT} only on a loopback target. A run on its own twin paces at "
        f"{DEFAULT_RATE_LIMIT} per {DEFAULT_WINDOW} s on the twin's clock.",
    ),
    Variable(
        variables.CONTRACT_WINDOW,
        f"`{DEFAULT_WINDOW}`",
        _REMOTE_RUN,
        "Seconds the rate limit counts over (a positive integer); another value only on a loopback "
        "target (a twin with a scaled window).",
    ),
    Variable(
        variables.CONTRACT_BUDGET,
        f"`{REMOTE_BUDGET}` remote (a nightly with evidence: `{FRESH_NIGHT_BUDGET}`, plus the rate-limit "
        "probe's reserve when it is due); no cap on the twin",
        "`contract`, `nightly`",
        "The most requests the run may send (a positive integer).",
    ),
    Variable(
        variables.CONTRACT_MAX_EXAMPLES,
        f"`{REMOTE_MAX_EXAMPLES}` remote; `{TWIN_MAX_EXAMPLES}` on the twin",
        "`contract`, `nightly`",
        "Schemathesis examples per operation (a positive integer).",
    ),
    Variable(
        variables.CONTRACT_TOLERANT,
        "`0`",
        "`contract`, `nightly`",
        "`1`: failures that only refute an open point of the spec go to the assumption ledger, not the "
        "verdict (tolerant mode).",
    ),
    Variable(
        variables.EVIDENCE_MIN_RUNS,
        f"`{DEFAULT_MIN_RUNS}`",
        "`nightly`",
        "Runs against a real target that must see an observation before `spec-overlay.yaml` proposes a "
        "change (a positive integer).",
    ),
    Variable(
        variables.EVIDENCE_FRESH_DAYS,
        f"`{DEFAULT_FRESH_DAYS}`",
        "`nightly`",
        "Days after which evidence about the vendor's API is stale (a positive integer): the nightly spends "
        "its budget on the stalest checks first and runs the rate-limit probe only once its evidence is "
        "this old.",
    ),
    Variable(
        variables.REQUEST_DEADLINE,
        f"`{DEFAULT_REQUEST_DEADLINE}`",
        "`contract`, `nightly`, `update-spec`",
        "Seconds one request of the kit may take in all, its answer read included (a positive integer): "
        "every request of a contract run and `update-spec`'s download. A target that drips its answer is "
        "cut there, and the run ends without a verdict.",
    ),
    Variable(
        variables.CONTRACT_OUTPUT_DIR,
        "`reports/contract`",
        "`pytest contract_tests`",
        "Where a plain pytest run of the contract suite writes its reports (`jobticket-kit contract` "
        "takes `--output-dir`).",
    ),
)


@dataclass(frozen=True)
class ContractSettings:
    """How a contract run paces, caps and judges itself; the defaults are those of a run on the twin."""

    rate_limit: int = DEFAULT_RATE_LIMIT
    window: int = DEFAULT_WINDOW
    budget: int | None = None  # None: no cap
    budget_is_default: bool = True  # not set by JOBTICKET_CONTRACT_BUDGET: a nightly may spend less
    max_examples: int = TWIN_MAX_EXAMPLES
    tolerant: bool = False
    output_dir: Path | None = None  # None: the suite's default folder


@dataclass(frozen=True)
class EvidenceSettings:
    """How the nightly turns evidence into proposals and decides what is stale."""

    min_runs: int = DEFAULT_MIN_RUNS
    fresh_days: int = DEFAULT_FRESH_DAYS


@dataclass(frozen=True)
class KitSettings:
    """What the kit's variables say, checked; ``KitSettings()`` is the local twin with every default."""

    target: Target = field(default_factory=Target)
    limited_keys: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    contract: ContractSettings = field(default_factory=ContractSettings)
    evidence: EvidenceSettings = field(default_factory=EvidenceSettings)
    request_deadline: int = DEFAULT_REQUEST_DEADLINE

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> KitSettings:
        """Read and check every kit variable of ``env`` (default: this process's environment)."""
        source = os.environ if env is None else env
        check_environment_proxies(source)
        reader = _Reader(source)
        target = Target(
            base_url=read_base_url(reader.text(variables.BASE_URL)),
            username=reader.text(variables.USERNAME) or None,
            password=reader.text(variables.PASSWORD) or None,
            sandbox_integration_id=reader.positive_int(variables.SANDBOX_INTEGRATION_ID),
            allow_destructive=reader.flag(variables.ALLOW_DESTRUCTIVE),
        )
        target.check()
        return cls(
            target=target,
            limited_keys=_limited_keys(reader),
            contract=_contract(reader, target),
            evidence=EvidenceSettings(
                min_runs=reader.positive_int(variables.EVIDENCE_MIN_RUNS) or DEFAULT_MIN_RUNS,
                fresh_days=reader.positive_int(variables.EVIDENCE_FRESH_DAYS) or DEFAULT_FRESH_DAYS,
            ),
            request_deadline=request_deadline(env),
        )


def contract_output_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """Only the report folder of a plain pytest run, which is needed before the run checks the rest."""
    raw = _Reader(os.environ if env is None else env).text(variables.CONTRACT_OUTPUT_DIR)
    return Path(raw) if raw else None


def request_deadline(env: Mapping[str, str] | None = None) -> int:
    """Only ``JOBTICKET_REQUEST_DEADLINE``, for a command that needs no target (``update-spec``)."""
    reader = _Reader(os.environ if env is None else env)
    return reader.positive_int(variables.REQUEST_DEADLINE) or DEFAULT_REQUEST_DEADLINE


def markdown_table() -> str:
    """The configuration page's table of :data:`VARIABLES`."""
    lines = ["| Variable | Default | Read by | Meaning and rule |", "| --- | --- | --- | --- |"]
    for variable in VARIABLES:
        name = f"`{variable.name}`"
        if variable.deprecated_names:
            old = ", ".join(f"`{old}`" for old in variable.deprecated_names)
            name += f" (formerly {old}, still read with a warning)"
        lines.append(f"| {name} | {variable.default} | {variable.read_by} | {variable.meaning} |")
    return "\n".join(lines) + "\n"


def _contract(reader: _Reader, target: Target) -> ContractSettings:
    """The run's pace, cap and mode; a faster pace or another window only on a loopback target."""
    rate_limit, rate_name = reader.positive_int_named(variables.CONTRACT_RATE_LIMIT)
    window = reader.positive_int(variables.CONTRACT_WINDOW)
    remote = target.base_url is not None
    if target.base_url is not None and not origin_of(target.base_url).is_loopback:
        if window is not None and window != DEFAULT_WINDOW:
            raise SettingsError(
                f"{variables.CONTRACT_WINDOW}={window}: the API counts requests per {DEFAULT_WINDOW} s, so "
                "only a loopback target (a twin with a scaled window) may be paced over another window"
            )
        if rate_limit is not None and rate_limit > SAFE_REMOTE_RATE_LIMIT:
            raise SettingsError(
                f"{rate_name}={rate_limit} is above {SAFE_REMOTE_RATE_LIMIT}; the API blocks a key for "
                "5 minutes at 100 per minute, so only a loopback target may go faster"
            )
    budget = reader.positive_int(variables.CONTRACT_BUDGET)
    budget_is_default = budget is None
    if budget is None and remote:
        budget = REMOTE_BUDGET
    max_examples = reader.positive_int(variables.CONTRACT_MAX_EXAMPLES)
    output_dir, output_name = reader.named(variables.CONTRACT_OUTPUT_DIR)
    problem = output_folder_problem(Path(output_dir)) if output_dir else None
    if problem is not None:
        raise SettingsError(f"{output_name}: {problem}")
    return ContractSettings(
        rate_limit=rate_limit or DEFAULT_RATE_LIMIT,
        window=window or DEFAULT_WINDOW,
        budget=budget,
        budget_is_default=budget_is_default,
        max_examples=max_examples or (REMOTE_MAX_EXAMPLES if remote else TWIN_MAX_EXAMPLES),
        tolerant=reader.flag(variables.CONTRACT_TOLERANT),
        output_dir=Path(output_dir) if output_dir else None,
    )


def _limited_keys(reader: _Reader) -> dict[str, tuple[str, str]]:
    """``JOBTICKET_LIMITED_KEYS``: a JSON object name -> [username, password] (the values never echoed).

    Names are ``without-<permission>`` (a key lacking exactly that permission), ``disabled`` and
    ``rate-limit-probe``; each one present lets the matching checks run on this target.
    """
    name = variables.LIMITED_KEYS
    raw = reader.text(name)
    if not raw:
        return {}
    shape = f"{name} must be a JSON object name -> [username, password]"
    if len(raw) > MAX_LIMITED_KEYS_CHARS:
        raise SettingsError(f"{shape} of at most {MAX_LIMITED_KEYS_CHARS} characters, got {len(raw)}")
    # Measured before parsing: whether the parser's RecursionError comes depends on the interpreter's
    # recursion limit at the time, which a test runner or a library may have raised.
    if json_depth(raw) > _MAX_LIMITED_KEYS_DEPTH:
        raise SettingsError(f"{shape}, not a structure nested this deep")
    try:
        data = json.loads(raw, object_pairs_hook=_unique_members)
    except _DuplicateName as duplicate:
        raise SettingsError(f"{name}: entry {_shown(duplicate.name)} is given twice") from None
    except ValueError:
        raise SettingsError(shape) from None
    if not isinstance(data, dict):
        raise SettingsError(shape)
    keys: dict[str, tuple[str, str]] = {}
    for key, pair in data.items():
        if not _printable(key):
            raise SettingsError(f"{name}: an entry name holds a control character or a lone surrogate")
        if not (isinstance(pair, list) and len(pair) == 2 and all(_usable_secret(part) for part in pair)):
            raise SettingsError(
                f"{name}: entry {_shown(key)} must be [username, password]: two non-empty strings without "
                "control characters"
            )
        keys[key] = (pair[0], pair[1])
    return keys


class _DuplicateName(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _unique_members(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object that names no member twice (``json`` would keep the last one silently)."""
    members: dict[str, object] = {}
    for key, value in pairs:
        if key in members:
            raise _DuplicateName(key)
        members[key] = value
    return members


def _printable(text: str) -> bool:
    """No control or format character and no lone surrogate (a JSON escape can make one)."""
    return text.isprintable()


def _usable_secret(part: object) -> bool:
    return isinstance(part, str) and bool(part) and _printable(part)


class _Reader:
    """Reads one environment: trimmed text, deprecated names, numbers and flags, each rule in one line."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def text(self, name: str) -> str:
        """The trimmed value ("" when unset)."""
        return self.named(name)[0]

    def named(self, name: str) -> tuple[str, str]:
        """The trimmed value and the name it was set under: ``name`` or a deprecated one (which warns)."""
        found = [
            (spelling, self._env[spelling].strip())
            for spelling in (name, *variables.DEPRECATED_NAMES.get(name, ()))
            if self._env.get(spelling, "").strip()
        ]
        if not found:
            return "", name
        if len({value for _, value in found}) > 1:
            spellings = " and ".join(spelling for spelling, _ in found)
            raise SettingsError(f"{spellings} are set to different values; set {name} only")
        for spelling, _ in found:
            if spelling != name:
                warnings.warn(f"{spelling} is deprecated; set {name} instead", FutureWarning, stacklevel=1)
        return found[0][1], found[0][0]

    def positive_int(self, name: str) -> int | None:
        """A positive integer, or None when unset."""
        return self.positive_int_named(name)[0]

    def positive_int_named(self, name: str) -> tuple[int | None, str]:
        """A positive integer (None when unset) and the name it was set under.

        ASCII digits only, at most :data:`MAX_DIGITS` of them: ``str.isdigit`` also accepts superscripts
        (``²``), which ``int`` refuses, and other scripts' digits (``١٢``), which it reads; and ``int``
        refuses more than 4,300 digits outright.
        """
        raw, spelling = self.named(name)
        if not raw:
            return None, spelling
        if not (_ASCII_DIGITS.fullmatch(raw) and len(raw) <= MAX_DIGITS and int(raw) >= 1):
            rule = f"at most {MAX_DIGITS} ASCII digits"
            raise SettingsError(f"{spelling} must be a positive integer, got {_shown(raw)} ({rule})")
        return int(raw), spelling

    def flag(self, name: str) -> bool:
        """``1`` on, ``0`` or unset off; anything else is refused rather than guessed."""
        raw, spelling = self.named(name)
        if raw not in ("", "0", "1"):
            raise SettingsError(f"{spelling} must be 1 (on) or 0 (off), got {_shown(raw)}")
        return raw == "1"


def _shown(raw: str) -> str:
    """A refused (non-secret) value as a message quotes it: its repr, cut to a readable length."""
    return repr(raw) if len(raw) <= _SHOWN else f"{raw[:_SHOWN]!r}... ({len(raw)} characters)"
