"""The contract suite's runner: does a target API honour openapi/? (``jobticket-kit contract``).

``run_suite()`` runs ``contract_tests/`` against the twin (default) or the target named by
``JOBTICKET_BASE_URL``/``USERNAME``/``PASSWORD`` and returns a :class:`SuiteResult`; the exit code is
0 when the contract holds, 1 when it is broken and 2 when no verdict was possible.
"""

from jobticket_kit.contract.results import Failure, SuiteResult, Verdict
from jobticket_kit.contract.runner import run_suite

__all__ = ["Failure", "SuiteResult", "Verdict", "run_suite"]
