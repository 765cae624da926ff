"""What ``jobticket-kit contract`` and ``jobticket-kit nightly`` share: a run's options, checked, then run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jobticket_kit.checkout import project_root
from jobticket_kit.contract.baseline import Baseline, BaselineError
from jobticket_kit.contract.lifecycle import DEFAULT_BASELINE
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.runner import run_suite
from jobticket_kit.settings import KitSettings
from jobticket_kit.target import TargetError

if TYPE_CHECKING:
    from jobticket_kit.contract.results import SuiteResult
    from jobticket_kit.evidence.freshness import Freshness

__all__ = ["RunOptions", "input_problem", "run_contract"]


@dataclass(frozen=True)
class RunOptions:
    """What a run checks and where its reports go (None: the suite's defaults)."""

    output_dir: Path | None = None
    baseline: Path | None = None
    operations: tuple[str, ...] = ()
    pytest_args: tuple[str, ...] = ()


def input_problem(options: RunOptions) -> str | None:
    """Check the settings and the baseline before anything is sent or written: the one-line problem, or None.

    A command that gets a problem prints it and exits 2, leaving every file (reports included) as it was.
    """
    try:
        KitSettings.from_env()
    except TargetError as exc:
        return f"refused: {exc}"
    if options.baseline is not None and not options.baseline.is_file():
        return f"bad baseline: {options.baseline}: no such file"
    try:
        Baseline.load(options.baseline or project_root() / DEFAULT_BASELINE)
    except BaselineError as exc:
        return f"bad baseline: {exc}"
    known = {operation.operation_id for operation in load_spec().operations}
    unknown = sorted(set(options.operations) - known)
    if unknown:
        return (
            f"--operation {', '.join(unknown)}: not an operationId of the spec ({', '.join(sorted(known))})"
        )
    return None


def run_contract(options: RunOptions, freshness: Freshness | None = None) -> SuiteResult:
    """Run the suite as the options say; ``freshness`` (a nightly's evidence) orders and sizes its plan."""
    return run_suite(
        report_dir=options.output_dir,
        baseline=options.baseline,
        pytest_args=options.pytest_args,
        operations=options.operations,
        freshness=freshness,
    )
