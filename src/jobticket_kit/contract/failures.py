"""A failed check as failure entries: operation, check, status, a one-line message, a reproduction.

Each entry names the operation, the check, the status the check got (from the journal's last
exchange), a one-line message that never quotes a response value (:mod:`evidence`) and a
reproduction: the request that showed the failure as ``curl`` or, when that cannot be replayed by
hand, the command that runs the check again. A schemathesis failure gives one entry per distinct
check and title. Entries are redacted as they are made, so nothing later sees a raw value.

Each entry also carries its outage evidence, if the check saw any (:meth:`Journal.outage`): a 5xx,
a lost connection or an unreadable body, after the meter's retries. A schemathesis failure is judged
by its own answer (a 5xx, or a JSON body the meter could not read either). A shared setup (a fixture
of module or wider scope) that fails is raised again, the same exception, in every check using it:
:class:`SharedSetups` turns that into one entry, classed by the evidence of the check that ran it.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from schemathesis.core.failures import MalformedJson

from jobticket_kit.contract.assumptions import LedgerKeeper
from jobticket_kit.contract.evidence import curl_command, one_line, schemathesis_message, with_evidence
from jobticket_kit.contract.items import check_name, node_id, open_points, operation_label, operation_of
from jobticket_kit.contract.journal import Exchange
from jobticket_kit.contract.meter import CONNECTION_FAULTS
from jobticket_kit.contract.results import Failure
from jobticket_kit.contract.run_state import ContractRun
from jobticket_kit.privacy.redact import Redactor

__all__ = ["FailureEntries", "SharedSetups", "failed_fixture"]


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
        journal = self.run.journal
        evidence = journal.last
        outage = journal.outage
        status = evidence.status if evidence is not None else None
        reproduction = (None if self.run.is_twin else curl_command(evidence)) or rerun
        spec = self.run.spec
        found = getattr(error, "exceptions", None)
        if found and any(hasattr(failure, "checks") for failure in found):
            seen: set[tuple[str, str]] = set()
            for failure in found:
                if not hasattr(failure, "checks"):  # an error beside the checks' failures: a lost answer
                    text = _exception_text(failure)
                    if (type(failure).__name__, "") in seen:
                        continue
                    seen.add((type(failure).__name__, ""))
                    yield Failure(
                        test=node_id(item),
                        operation=spec.operation_id_of(operation_label(item)),
                        check=check_name(item),
                        title=one_line(text, limit=200) or type(failure).__name__,
                        message=with_evidence(one_line(text), evidence),
                        reproduction=reproduction,
                        open_points=points,
                        status=status,
                        rerun=rerun,
                        outage_evidence=_connection_fault(failure) or (outage.describe() if outage else None),
                    )
                    continue
                check = failure.checks[0] if failure.checks else type(failure).__name__
                if (check, failure.title) in seen:
                    continue
                seen.add((check, failure.title))
                answered = getattr(failure, "status_code", None) or status
                yield Failure(
                    test=node_id(item),
                    operation=spec.operation_id_of(failure.operation),
                    check=check,
                    title=failure.title,
                    message=with_evidence(schemathesis_message(failure), evidence),
                    reproduction=reproduction,
                    open_points=self.ledger.refuted_by(failure, check, points),
                    status=answered,
                    rerun=rerun,
                    outage_evidence=_schemathesis_outage(failure, answered, outage),
                    from_schemathesis=True,
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
            outage_evidence=(outage.describe() if outage is not None else None) or _connection_fault(error),
            fixture=failed_fixture(item, error) if when == "setup" else None,
        )

    def rerun(self, item: pytest.Item) -> str:
        """The command that runs this one check again."""
        label = operation_label(item)
        if label is None:
            return f"{self.rerun_command} {shlex.quote(item.nodeid)}"
        operation = self.run.spec.operation_id_of(label)
        return f"{self.rerun_command} --operation {operation} {shlex.quote(item.nodeid)}"


def _connection_fault(error: BaseException | None) -> str | None:
    """``no answer (<fault>)`` when ``error`` is a lost connection or a timeout, else None."""
    if isinstance(error, CONNECTION_FAULTS):
        return f"no answer ({type(error).__name__})"
    return None


def _schemathesis_outage(failure: Any, status: int | None, outage: Exchange | None) -> str | None:
    """The outage evidence of one schemathesis failure: its own 5xx, or a body nobody could read."""
    if status is not None and status >= 500:
        return f"HTTP {status}"
    if isinstance(failure, MalformedJson) and outage is not None and outage.status is not None:
        return outage.describe()
    return None


def failed_fixture(item: pytest.Item, error: BaseException | None) -> str | None:
    """``<scope>::<name>`` of the shared fixture (module scope or wider) that raised ``error``, if one did.

    pytest keeps a failed fixture's exception and raises that same object in every check that uses
    the fixture; the fixture's definition says which one it is.
    """
    info = getattr(item, "_fixtureinfo", None)
    if error is None or info is None:
        return None
    for name, definitions in info.name2fixturedefs.items():
        for definition in definitions:
            cached = definition.cached_result
            if cached is None or cached[2] is None or cached[2][0] is not error:
                continue
            if definition.scope in ("session", "package"):
                return f"{definition.scope}::{name}"
            if definition.scope in ("module", "class"):
                return f"{item.nodeid.split('::', 1)[0]}::{name}"
            return None
    return None


class SharedSetups:
    """One entry per failed shared setup, however many checks it made fail."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[BaseException, Failure]] = {}

    def known(self, error: BaseException | None) -> Failure | None:
        """The entry already made for this very exception (a shared setup raising it again), if any."""
        seen = self._seen.get(id(error)) if error is not None else None
        return seen[1] if seen is not None and seen[0] is error else None

    def remember(self, error: BaseException | None, failure: Failure) -> None:
        """Keep the entry of a shared setup's failure (it names its fixture)."""
        if error is not None and failure.fixture is not None:
            self._seen[id(error)] = (error, failure)

    def affecting(self, error: BaseException, failure: Failure, test: str) -> Failure:
        """The entry again, naming one more check that failed in the same setup."""
        updated = replace(failure, affects=(*failure.affects, test))
        self._seen[id(error)] = (error, updated)
        return updated


def _exception_text(error: BaseException) -> str:
    """``Type: message``; for an assertion, its own message (the part pytest's rewrite puts first)."""
    text = str(error).strip()
    if isinstance(error, AssertionError):
        # pytest's rewrite appends "assert ..." and "+ where ..." lines that quote the values compared
        # (names, dates of birth): keep the check's own message, or the bare assertion's first line.
        own = text.split("\nassert ", 1)[0] if "\nassert " in text else text.split("\n", 1)[0]
        return own.strip() or "assertion failed"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
