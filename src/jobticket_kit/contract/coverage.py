"""What the run reached: every operation x every documented status that can be caused on demand.

A status can be caused on demand when a request of ours makes the API answer it: success, 400, 401,
403 (one key per missing permission), 404, 409 and 422, and 429 only on the rate-limit probe's
operation (the one key the run may lock). Server errors, and the few statuses that need a state no
single request can create, are documented but not on demand.
"""

from __future__ import annotations

from collections.abc import Mapping

from jobticket_kit.contract.operations import ContractSpec

__all__ = ["NOT_ON_DEMAND", "PROBE_OPERATION", "coverage_table", "on_demand_statuses"]

PROBE_OPERATION = "listEmployees"
_ON_DEMAND = frozenset({400, 401, 403, 404, 409, 422})
NOT_ON_DEMAND = {
    ("triggerHrSync", 409): "needs two syncs of one integration at the same moment (O-28)",
    ("healthCheck", 503): "needs an unhealthy service",
}
REACHED = "reached"


def on_demand_statuses(spec: ContractSpec) -> dict[str, list[int]]:
    """Per operation id, the documented statuses a request of the run can cause."""
    table: dict[str, list[int]] = {}
    for operation in spec.operations:
        documented = spec.raw["paths"][operation.path][operation.method].get("responses", {})
        statuses = []
        for code in sorted(int(code) for code in documented if str(code).isdigit()):
            if (operation.operation_id, code) in NOT_ON_DEMAND:
                continue
            probe = code == 429 and operation.operation_id == PROBE_OPERATION
            if 200 <= code < 300 or code in _ON_DEMAND or probe:
                statuses.append(code)
        table[operation.operation_id] = statuses
    return table


def coverage_table(spec: ContractSpec, reached: Mapping[tuple[str, int], int]) -> dict[str, dict[str, str]]:
    """Per operation and on-demand status: ``reached (n)`` or ``not reached``."""
    table: dict[str, dict[str, str]] = {}
    for operation_id, statuses in on_demand_statuses(spec).items():
        row = {}
        for status in statuses:
            count = reached.get((operation_id, status), 0)
            row[str(status)] = f"{REACHED} ({count})" if count else "not reached"
        table[operation_id] = row
    return table
