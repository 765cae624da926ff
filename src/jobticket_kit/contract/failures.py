"""A failed check as failure entries: operation, check, status, a one-line message, a reproduction.

Each entry names the operation, the check, the status the check got (from the journal's last
exchange), a one-line message that never quotes a response value (:mod:`evidence`) and a
reproduction: the request that showed the failure as ``curl`` or, when that cannot be replayed by
hand, the command that runs the check again. A schemathesis failure gives one entry per distinct
check and title. Entries are redacted as they are made, so nothing later sees a raw value.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator

import pytest

from jobticket_kit.contract.assumptions import LedgerKeeper
from jobticket_kit.contract.evidence import curl_command, one_line, schemathesis_message, with_evidence
from jobticket_kit.contract.items import check_name, node_id, open_points, operation_label, operation_of
from jobticket_kit.contract.results import Failure
from jobticket_kit.contract.run_state import ContractRun
from jobticket_kit.privacy.redact import Redactor

__all__ = ["FailureEntries"]


class FailureEntries:
    """Makes the redacted failure entries of the checks of one run."""

    def __init__(
        self, run: ContractRun, ledger: LedgerKeeper, redactor: Redactor, rerun_command: str
    ) -> None:
        self.run = run
        self.ledger = ledger
        self.redactor = redactor
        self.rerun_command = rerun_command

    def of(self, item: pytest.Item, error: BaseException | None, when: str, longrepr: str) -> list[Failure]:
        """The entries of ``item`` failing with ``error`` in phase ``when`` (``longrepr`` without one)."""
        return [self.redactor.redacted(failure) for failure in self._entries(item, error, when, longrepr)]

    def _entries(
        self, item: pytest.Item, error: BaseException | None, when: str, longrepr: str
    ) -> Iterator[Failure]:
        rerun = self.rerun(item)
        points = tuple(open_points(item))
        evidence = self.run.journal.last
        status = evidence.status if evidence is not None else None
        reproduction = (None if self.run.is_twin else curl_command(evidence)) or rerun
        spec = self.run.spec
        found = getattr(error, "exceptions", None)
        if found and all(hasattr(failure, "checks") for failure in found):
            seen: set[tuple[str, str]] = set()
            for failure in found:
                check = failure.checks[0] if failure.checks else type(failure).__name__
                if (check, failure.title) in seen:
                    continue
                seen.add((check, failure.title))
                yield Failure(
                    test=node_id(item),
                    operation=spec.operation_id_of(failure.operation),
                    check=check,
                    title=failure.title,
                    message=with_evidence(schemathesis_message(failure), evidence),
                    reproduction=reproduction,
                    open_points=self.ledger.refuted_by(failure, check, points),
                    status=getattr(failure, "status_code", None) or status,
                    rerun=rerun,
                )
            return
        text = _exception_text(error) if error is not None else longrepr
        yield Failure(
            test=node_id(item),
            operation=operation_of(item) or spec.operation_id_of(operation_label(item)),
            check=check_name(item) if when == "call" else f"{check_name(item)} ({when})",
            title=one_line(text, limit=200) or "failed",
            message=with_evidence(one_line(text), evidence),
            reproduction=reproduction,
            open_points=points,
            status=status,
            rerun=rerun,
        )

    def rerun(self, item: pytest.Item) -> str:
        """The command that runs this one check again."""
        label = operation_label(item)
        if label is None:
            return f"{self.rerun_command} {shlex.quote(item.nodeid)}"
        operation = self.run.spec.operation_id_of(label)
        return f"{self.rerun_command} --operation {operation} {shlex.quote(item.nodeid)}"


def _exception_text(error: BaseException) -> str:
    """``Type: message``; for an assertion, its own message (the part pytest's rewrite puts first)."""
    text = str(error).strip()
    if isinstance(error, AssertionError):
        # pytest's rewrite appends "assert ..." and "+ where ..." lines that quote the values compared
        # (names, dates of birth): keep the check's own message, or the bare assertion's first line.
        own = text.split("\nassert ", 1)[0] if "\nassert " in text else text.split("\n", 1)[0]
        return own.strip() or "assertion failed"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
