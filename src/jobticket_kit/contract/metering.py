"""What a contract run's meter tells whom: the budget, the check's journal, the redactor, and more.

:func:`metered` builds the run's :class:`~jobticket_kit.contract.meter.RequestMeter` with its
observers:

- :class:`Budgeted`: every attempt asks the run's :class:`RequestBudget` for a slot (it paces, counts
  and may refuse), every final answer is counted by status, and a 429 stops the run, as does an answer
  the meter refused (too large, too deep, too slow).
- :class:`Journaled`: every attempt goes to the :class:`Journal`, the evidence of the check in
  progress that a failure entry names and reproduces.
- :class:`Learning`: the redactor learns the personal values of every JSON answer, so the reports can
  leave them out. Request bodies are not learned from: the run sends generated or synthetic data only,
  and learning schemathesis' short random strings would blank out ordinary text (ids, counts).
- any further observers the caller passes (the evidence about the vendor's API a run keeps).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jobticket_kit.contract.budget import RequestBudget
from jobticket_kit.contract.journal import Exchange, Journal
from jobticket_kit.contract.meter import Answer, MeterObserver, Outgoing, RequestMeter
from jobticket_kit.contract.operations import ContractSpec
from jobticket_kit.privacy.redact import Redactor
from jobticket_kit.settings import DEFAULT_REQUEST_DEADLINE

__all__ = ["Budgeted", "Journaled", "Learning", "metered"]


class Budgeted(MeterObserver):
    """The budget's view: a slot per attempt, answers counted per status, a stop at a 429."""

    def __init__(self, budget: RequestBudget) -> None:
        self.budget = budget

    def sending(self, request: Outgoing, *, retry: bool) -> None:
        """Wait for a slot; raise once the run is blocked or its budget spent."""
        self.budget.acquire(request.credential, request.label, retry=retry)

    def answered(self, request: Outgoing, answer: Answer) -> None:
        """Count what the answer reached; raise :class:`~budget.TargetBlocked` at a 429."""
        self.budget.observe(
            request.credential,
            f"{request.method} {request.path}",
            answer.status,
            answer.headers.get("Retry-After"),
            operation=request.label,
        )

    def refused(self, request: Outgoing, reason: str) -> None:
        """Halt the run: a target whose answers break the run's bounds can be neither judged nor probed."""
        self.budget.halt(f"the target's answer was refused: {reason}")


class Journaled(MeterObserver):
    """Every attempt, in the journal of the check in progress."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def sending(self, request: Outgoing, *, retry: bool) -> None:
        """A retry supersedes the answer before it, which was therefore not final."""
        if retry:
            self.journal.retrying()

    def attempted(self, request: Outgoing, status: int | None, error: str | None) -> None:
        """Record the attempt and what came of it."""
        self.journal.record(
            Exchange(
                request.method,
                request.url,
                request.credential,
                request.operation,
                status,
                error,
                request.content_type,
                request.body,
            )
        )


class Learning(MeterObserver):
    """The redactor learns from every JSON answer that was read (streamed downloads are not)."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor

    def answered(self, request: Outgoing, answer: Answer) -> None:
        """Learn the personal values of a JSON body."""
        if "json" in answer.content_type and answer.body is not None:
            self.redactor.learn_body(answer.body)


def metered(
    budget: RequestBudget,
    spec: ContractSpec,
    names: Mapping[str, str],
    base_url: str,
    refused: dict[str, int] | None = None,
    *,
    journal: Journal | None = None,
    observers: Sequence[MeterObserver] = (),
    deadline: float = DEFAULT_REQUEST_DEADLINE,
) -> RequestMeter:
    """The meter of a run: within ``budget``, journaled if ``journal`` is given, plus ``observers``.

    Enter it (``with metered(...):``) to meter every request of the block; a request to another
    origin than ``base_url``'s is counted by origin in ``refused`` and never sent. ``deadline`` is the
    seconds one attempt may take, its answer read included.
    """
    recorders = [Journaled(journal)] if journal is not None else []
    return RequestMeter(
        base_url,
        spec,
        names,
        clock=budget.clock,
        observers=[Budgeted(budget), *recorders, *observers],
        refused=refused,
        deadline=deadline,
    )
