"""The schemathesis side of the suite: its configuration, the loaded schema and the stateful machine.

Settings that matter for safety and budget (field notes):
- the coverage phase sends no undocumented methods (``unexpected-methods = []``);
- examples are bounded and derandomized, so a run is reproducible and its request count predictable;
- positive data may get 422 from Trigger HR Sync, whose uniqueness and date-order rules (O-21) no
  JSON schema can express;
- fuzzing never re-sends with no, wrong or malformed credentials: the named auth checks prove 401
  and 403 for every operation, so the Authorization header is not a generated parameter
  (``with-security-parameters = false``) and the ``ignored_auth`` check, which re-sends each case
  without and with made-up credentials, is off.
Destructive operations are fuzzed on the twin only (the plugin deselects them elsewhere), and the
state machine leaves them out on any other target, so captured ids never reach a destructive call.
"""

from __future__ import annotations

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.stateful.state_machine import APIStateMachine
from schemathesis.schemas import BaseSchema

from jobticket_kit.contract.fuzz_filters import drop_disguised_id_lists
from jobticket_kit.contract.operations import ContractSpec
from jobticket_kit.contract.run_state import REQUEST_TIMEOUT, ContractRun

__all__ = ["contract_schema", "destructive_labels", "schemathesis_config", "state_machine"]


def schemathesis_config(run: ContractRun) -> SchemathesisConfig:
    """The schemathesis configuration of one run (target, credential and example budget)."""
    sync_statuses = ["204", "404", "422", "429"]
    return SchemathesisConfig.from_dict(
        {
            "seed": 0,
            "suppress-health-check": ["all"],
            # No crash cache: each run stands alone, and one target's failures never replay on another.
            "cache": {"enabled": False},
            "base-url": run.base_url,
            "request-timeout": REQUEST_TIMEOUT,
            "auth": {"basic": {"username": run.main.username, "password": run.main.password}},
            "generation": {
                "mode": "all",
                "max-examples": run.max_examples,
                "deterministic": True,
                "database": "none",
                "no-shrink": not run.is_twin,
                "with-security-parameters": False,
            },
            "checks": {"ignored_auth": {"enabled": False}},
            "phases": {
                "examples": {"enabled": True, "fill-missing": True},
                "coverage": {"enabled": True, "unexpected-methods": []},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": run.stateful_steps},
            },
            "output": {"sanitization": {"enabled": True}},
            "operations": [
                {
                    "include-operation-id": "triggerHrSync",
                    "checks": {"positive_data_acceptance": {"expected-statuses": sync_statuses}},
                },
            ],
        }
    )


def contract_schema(run: ContractRun) -> BaseSchema:
    """The pinned spec loaded for this run's target, without the ``ids`` false positives (fuzz_filters)."""
    schema = schemathesis.openapi.from_path(run.spec.path, config=schemathesis_config(run))
    schema.hook("filter_query")(drop_disguised_id_lists)
    return schema


def state_machine(run: ContractRun, schema: BaseSchema) -> type[APIStateMachine]:
    """The link-driven state machine; destructive operations only when the twin is the target."""
    if not run.is_twin:
        destructive = [op.operation_id for op in run.spec.operations if op.destructive]
        schema = schema.exclude(operation_id=destructive)
    return schema.as_state_machine()


def destructive_labels(spec: ContractSpec) -> set[str]:
    """Schemathesis labels (``POST /path``) of the operations marked ``x-destructive``."""
    return {op.label for op in spec.operations if op.destructive}
