"""The request meter's evidence observer: every answer of a contract run, read against the spec.

:class:`EvidenceObserver` sits in the run's meter beside the budget, the journal and the redactor
(:mod:`jobticket_kit.contract.metering`), so it sees every final answer, whoever asked: schemathesis,
a named check, the client's guarded sync. It counts per spec element what the answer shows
(:mod:`~jobticket_kit.evidence.walk`). At the end of the run :meth:`EvidenceObserver.finish` adds the
run's verdict on each open point (the assumption ledger) and withholds every name or value that the
run's redactor knows as personal, then hands over the run's :class:`RunEvidence`.

An observation of an open point comes from the ledger, so a new one is one step in the check that
makes it (p24's absences, say): mark the check ``@pytest.mark.open_point("O-22")``, or record finer
evidence with ``contract_run.ledger.observe("O-22", "absence_is_recorded", ok)``. The run's evidence
then counts, on ``open-point O-22``, the verdict (``confirmed``, ``refuted``, ``not-exercised``) and
each check's own (``confirmed-by:<check>``, ``refuted-by:<check>``); accumulation, freshness, the
budget's order and the reviewer's page take it from there.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from jobticket_kit.contract.meter import Answer, MeterObserver, Outgoing
from jobticket_kit.evidence.store import RunEvidence, element_id
from jobticket_kit.evidence.walk import SpecView, observe_answer, pointer_parts
from jobticket_kit.privacy.tokens import quotable_name, quotable_token

if TYPE_CHECKING:
    from jobticket_kit.contract.ledger import LedgerRow
    from jobticket_kit.contract.operations import ContractSpec
    from jobticket_kit.privacy.redact import Redactor

__all__ = ["LEDGER_FACETS", "EvidenceObserver", "withhold_personal"]

#: How the ledger's verdicts on an open point are counted (facets of ``open-point O-n``).
LEDGER_FACETS = {"confirmed": "confirmed", "refuted": "refuted", "not exercised": "not-exercised"}
_FIELD_NAMES = re.compile(r"[.\[\]]+")


class EvidenceObserver(MeterObserver):
    """Counts what every answer of one run shows, per spec element (thread-safe)."""

    def __init__(self, spec: ContractSpec, *, kind: str, target: str, observed_at: str) -> None:
        self.spec = spec
        self._view = SpecView(spec.raw)
        self._evidence = RunEvidence(observed_at, kind, target, str(spec.raw["info"]["version"]))
        self._lock = threading.Lock()

    def answered(self, request: Outgoing, answer: Answer) -> None:
        """Count the answer of a request the spec has an operation for (anything else says nothing)."""
        if request.operation is None:
            return
        operation = self.spec.operation(request.operation)
        with self._lock:
            observe_answer(
                self._evidence,
                self._view,
                (operation.operation_id, operation.path, operation.method),
                status=answer.status,
                headers=answer.headers,
                body=answer.body,
                content_type=answer.content_type,
            )

    def finish(self, redactor: Redactor, ledger: Iterable[LedgerRow]) -> RunEvidence:
        """The run's evidence: the ledger's verdicts added, every name or value the redactor knows withheld.

        A run that saw no answer has no evidence (its ledger says only "not exercised").
        """
        with self._lock:
            evidence = self._evidence
            if any(name.startswith("response ") for name in evidence.elements):
                for row in ledger:
                    point = element_id("open-point", row.open_point)
                    evidence.add(point, LEDGER_FACETS[str(row.status)])
                    for item in row.evidence:
                        if quotable_name(item.check):
                            verdict = "confirmed-by" if item.confirmed else "refuted-by"
                            evidence.add(point, f"{verdict}:{item.check}")
            withhold_personal(
                evidence,
                keep=redactor.hides_nothing_personal,
                declared=lambda pointer: self._view.node(pointer) is not None,
            )
            return evidence


def withhold_personal(
    evidence: RunEvidence, *, keep: Callable[[str], bool], declared: Callable[[str], bool]
) -> None:
    """Drop every value, header name and undeclared name of ``evidence`` that ``keep`` refuses.

    Names the spec declares (``declared(pointer)``) are the spec's, not the server's: they stay.
    """
    for name in list(evidence.elements):
        kind, _, rest = name.partition(" ")
        if kind == "property" and not declared(rest):
            last = pointer_parts(rest)[-1]
            if not (quotable_name(last) and keep(last)):
                del evidence.elements[name]
                continue
        facets = evidence.elements[name]
        for facet in list(facets):
            label, _, value = facet.partition(":")
            if label == "value":
                allowed = quotable_token(value) and keep(value)
            elif label == "header":
                allowed = quotable_name(value) and keep(value)
            elif label == "field":
                path = value.rpartition(":")[0]
                allowed = all(keep(part) for part in _FIELD_NAMES.split(path) if part)
            else:
                allowed = True
            if not allowed:
                del facets[facet]
