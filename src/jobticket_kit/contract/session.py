"""Set up one contract run from the kit's settings: the twin (started here) or a remote target.

Against the twin the budget paces on the twin's fake clock: the twin keeps its documented limit
(100 per minute) and the run keeps under it at 80 per minute without waiting a real second. Against a
remote target the budget paces on the wall clock at ``JOBTICKET_CONTRACT_RATE_LIMIT`` per
``JOBTICKET_CONTRACT_WINDOW`` seconds for the whole run and spends at most ``JOBTICKET_CONTRACT_BUDGET``
requests (:mod:`jobticket_kit.settings` holds the defaults and the rules).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from jobticket_kit.contract.budget import RequestBudget
from jobticket_kit.contract.ledger import AssumptionLedger
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.run_state import ContractRun, Credential, set_current_run
from jobticket_kit.settings import DEFAULT_RATE_LIMIT, KitSettings
from jobticket_twin import FakeClock, TwinConfig
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import running_twin

__all__ = ["OUT_OF_SCOPE", "open_run"]

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
def open_run(settings: KitSettings) -> Iterator[ContractRun]:
    """Yield the run for the settings' target; the twin lives exactly as long as the block."""
    target, contract = settings.target, settings.contract
    spec = load_spec()
    ledger = AssumptionLedger(spec.open_points)
    for point, reason in OUT_OF_SCOPE.items():
        ledger.note(point, reason)
    if target.is_twin:
        clock = FakeClock()
        with running_twin(TwinConfig(clock=clock)) as twin:
            budget = RequestBudget(per_minute=DEFAULT_RATE_LIMIT, clock=clock, limit=contract.budget)
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
                max_examples=contract.max_examples,
                stateful_examples=_TWIN_STATEFUL_EXAMPLES,
                tolerant=contract.tolerant,
                request_deadline=settings.request_deadline,
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
            per_minute=contract.rate_limit, window_seconds=contract.window, limit=contract.budget
        ),
        ledger=ledger,
        target_label=target.base_url,
        destructive_allowed=target.allow_destructive and target.sandbox_integration_id is not None,
        sandbox_integration=target.sandbox_integration_id,
        keys={name: Credential(name, *pair) for name, pair in settings.limited_keys.items()},
        max_examples=contract.max_examples,
        tolerant=contract.tolerant,
        budget_is_default=contract.budget_is_default,
        request_deadline=settings.request_deadline,
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
