"""The command-line arguments of a contract run, shared by scripts/contract and scripts/nightly."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from jobticket_kit.checkout import project_root
from jobticket_kit.contract.baseline import Baseline, BaselineError
from jobticket_kit.contract.lifecycle import DEFAULT_BASELINE
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.runner import run_suite
from jobticket_kit.target import Target, TargetError

if TYPE_CHECKING:
    from jobticket_kit.contract.results import SuiteResult

__all__ = ["add_run_arguments", "input_problem", "run_from_arguments"]


def add_run_arguments(parser: argparse.ArgumentParser, *, default_report_dir: Path | None = None) -> None:
    """Add the options that choose what a run checks and where its reports go."""
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=default_report_dir,
        help="where junit.xml, summary.md, results.json go",
    )
    parser.add_argument(
        "--baseline", type=Path, help="accepted deviations (default contract_tests/baseline.yaml)"
    )
    parser.add_argument(
        "--operation", action="append", default=[], help="limit schemathesis to this operationId (repeatable)"
    )
    parser.add_argument("pytest_args", nargs="*", help="pytest selection, e.g. a node id from the summary")


def input_problem(args: argparse.Namespace) -> str | None:
    """Check the target and the baseline before anything is sent or written: the one-line problem, or None.

    A CLI that gets a problem prints it and exits 2, leaving every file (reports included) as it was.
    """
    try:
        Target.from_env()
    except TargetError as exc:
        return f"refused: {exc}"
    if args.baseline is not None and not args.baseline.is_file():
        return f"bad baseline: {args.baseline}: no such file"
    try:
        Baseline.load(args.baseline or project_root() / DEFAULT_BASELINE)
    except BaselineError as exc:
        return f"bad baseline: {exc}"
    known = {operation.operation_id for operation in load_spec().operations}
    unknown = sorted(set(args.operation) - known)
    if unknown:
        return (
            f"--operation {', '.join(unknown)}: not an operationId of the spec ({', '.join(sorted(known))})"
        )
    return None


def run_from_arguments(args: argparse.Namespace) -> SuiteResult:
    """Run the suite as the parsed options say."""
    return run_suite(
        report_dir=args.report_dir,
        baseline=args.baseline,
        pytest_args=args.pytest_args,
        operations=args.operation,
    )
