"""Schemathesis over every operation: examples, coverage, positive and negative fuzzing, and links.

All of schemathesis' checks that fit apply (status codes, content types, response schemas and
headers, positive acceptance, negative rejection, missing and ignored auth). Destructive operations
are fuzzed on the twin only; the plugin deselects them on any other target.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings
from schemathesis import Case

from jobticket_kit.contract.fuzzing import contract_schema, state_machine
from jobticket_kit.contract.run_state import ContractRun, current_run

pytestmark = pytest.mark.fuzz

schema = contract_schema(current_run())


@schema.parametrize()
def test_api(case: Case[Any]) -> None:
    case.call_and_validate()


def test_stateful_links(contract_run: ContractRun) -> None:
    """Follow the spec's links: employee → documents → download, integration → sync → employees."""
    machine = state_machine(contract_run, schema)
    machine.run(
        settings=settings(
            max_examples=contract_run.stateful_examples,
            stateful_step_count=contract_run.stateful_steps,
            deadline=None,
            derandomize=True,
            database=None,
        )
    )
