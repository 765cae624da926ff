"""Set up one contract run from the environment: the twin (started here) or a remote target.

Against the twin the budget paces on the twin's fake clock: the twin keeps its documented limit
(100 per minute) and the run keeps under it at 80 per minute without waiting a real second. Against a
remote target the budget paces on the wall clock at ``JOBTICKET_CONTRACT_PER_MINUTE`` per
``JOBTICKET_CONTRACT_WINDOW`` seconds for the whole run (default 80 per 60 s; more than 90, or another
window, only on loopback, where a test twin may run with a scaled window), and spends at most
``JOBTICKET_CONTRACT_BUDGET`` requests (default 500; the twin run has no cap unless it is set).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from jobticket_kit import variables
from jobticket_kit.contract.budget import DEFAULT_LIMIT, DEFAULT_PER_MINUTE, RequestBudget
from jobticket_kit.contract.ledger import AssumptionLedger
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.run_state import ContractRun, Credential, set_current_run
from jobticket_kit.hosts import origin_of
from jobticket_kit.target import Target, TargetError
from jobticket_twin import FakeClock, TwinConfig
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import running_twin

__all__ = [
    "BUDGET_VAR",
    "KEYS_VAR",
    "MAX_EXAMPLES_VAR",
    "OUT_OF_SCOPE",
    "PER_MINUTE_VAR",
    "TOLERANT_VAR",
    "WINDOW_VAR",
    "limited_keys",
    "open_run",
]

KEYS_VAR = variables.LIMITED_KEYS
PER_MINUTE_VAR = variables.CONTRACT_PER_MINUTE
WINDOW_VAR = variables.CONTRACT_WINDOW
BUDGET_VAR = variables.CONTRACT_BUDGET
MAX_EXAMPLES_VAR = variables.CONTRACT_MAX_EXAMPLES
TOLERANT_VAR = variables.CONTRACT_TOLERANT
_SAFE_REMOTE_PER_MINUTE = 90
_WINDOW_SECONDS = 60
_TWIN_MAX_EXAMPLES = 100
_REMOTE_MAX_EXAMPLES = 5
_TWIN_STATEFUL_EXAMPLES = 30
_MAIN_TWIN_KEY = "admin"
_WEBHOOKS = (
    "webhook deliveries are not API responses: they need a public capture endpoint (see the facts file)"
)
OUT_OF_SCOPE = {
    "O-29": _WEBHOOKS,
    "O-30": _WEBHOOKS,
    "O-31": _WEBHOOKS,
    "O-37": "billing is not observable through the API",
}


@contextmanager
def open_run(target: Target, env: Mapping[str, str] | None = None) -> Iterator[ContractRun]:
    """Yield the run for ``target``; the twin lives exactly as long as the block."""
    env = os.environ if env is None else env
    spec = load_spec()
    ledger = AssumptionLedger(spec.open_points)
    for point, reason in OUT_OF_SCOPE.items():
        ledger.note(point, reason)
    if target.is_twin:
        clock = FakeClock()
        with running_twin(TwinConfig(clock=clock)) as twin:
            budget = RequestBudget(
                per_minute=DEFAULT_PER_MINUTE,
                clock=clock,
                limit=_int(env, BUDGET_VAR, 0) or None,
            )
            keys = {
                name: Credential(name, *twin.credentials(name))
                for name in SEED_KEYS
                if name != _MAIN_TWIN_KEY
            }
            run = ContractRun(
                spec=spec,
                base_url=twin.base_url,
                main=Credential("main", *twin.credentials(_MAIN_TWIN_KEY)),
                budget=budget,
                ledger=ledger,
                target_label="local twin (started by the run)",
                is_twin=True,
                destructive_allowed=True,
                keys=keys,
                max_examples=_int(env, MAX_EXAMPLES_VAR, _TWIN_MAX_EXAMPLES),
                stateful_examples=_TWIN_STATEFUL_EXAMPLES,
                tolerant=env.get(TOLERANT_VAR) == "1",
            )
            with _installed(run):
                yield run
        return
    assert target.base_url
    assert target.username
    assert target.password
    run = ContractRun(
        spec=spec,
        base_url=target.base_url,
        main=Credential("main", target.username, target.password),
        budget=RequestBudget(
            per_minute=_per_minute(target.base_url, env),
            window_seconds=_window(target.base_url, env),
            limit=_int(env, BUDGET_VAR, DEFAULT_LIMIT),
        ),
        ledger=ledger,
        target_label=target.base_url,
        destructive_allowed=target.allow_destructive and target.sandbox_integration_id is not None,
        sandbox_integration=target.sandbox_integration_id,
        keys=limited_keys(env),
        max_examples=_int(env, MAX_EXAMPLES_VAR, _REMOTE_MAX_EXAMPLES),
        tolerant=env.get(TOLERANT_VAR) == "1",
    )
    with _installed(run):
        yield run


@contextmanager
def _installed(run: ContractRun) -> Iterator[None]:
    set_current_run(run)
    try:
        yield
    finally:
        set_current_run(None)


def _window(base_url: str, env: Mapping[str, str]) -> int:
    value = _int(env, WINDOW_VAR, _WINDOW_SECONDS)
    if value != _WINDOW_SECONDS and not origin_of(base_url).is_loopback:
        raise TargetError(
            f"{WINDOW_VAR}={value}: the API counts requests per 60 s, so only a loopback target "
            "(a twin with a scaled window) may be paced over another window"
        )
    return value


def _per_minute(base_url: str, env: Mapping[str, str]) -> int:
    value = _int(env, PER_MINUTE_VAR, DEFAULT_PER_MINUTE)
    if value > _SAFE_REMOTE_PER_MINUTE and not origin_of(base_url).is_loopback:
        raise TargetError(
            f"{PER_MINUTE_VAR}={value} is above {_SAFE_REMOTE_PER_MINUTE}; the API blocks a key for "
            "5 minutes at 100 per minute, so only a loopback target may go faster"
        )
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise TargetError(f"{name} must be a positive integer, got {raw!r}")
    return int(raw)


def limited_keys(env: Mapping[str, str]) -> dict[str, Credential]:
    """Parse ``JOBTICKET_LIMITED_KEYS``: a JSON object name -> [username, password].

    Names are ``without-<permission>`` (a key lacking exactly that permission), ``disabled`` and
    ``rate-limit-probe``; each one present lets the matching checks run on this target.
    """
    raw = env.get(KEYS_VAR, "").strip()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise TargetError(f"{KEYS_VAR} must be a JSON object name -> [username, password]") from None
    if not isinstance(data, dict):
        raise TargetError(f"{KEYS_VAR} must be a JSON object name -> [username, password]")
    keys: dict[str, Credential] = {}
    for name, pair in data.items():
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) and part for part in pair)
        ):
            raise TargetError(f"{KEYS_VAR}: entry {name!r} must be [username, password]")
        keys[str(name)] = Credential(str(name), pair[0], pair[1])
    return keys
