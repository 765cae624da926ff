"""The command-line arguments of a contract run, shared by scripts/contract and scripts/nightly."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from jobticket_kit.contract.runner import run_suite

if TYPE_CHECKING:
    from jobticket_kit.contract.results import SuiteResult

__all__ = ["add_run_arguments", "run_from_arguments"]


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


def run_from_arguments(args: argparse.Namespace) -> SuiteResult:
    """Run the suite as the parsed options say."""
    return run_suite(
        report_dir=args.report_dir,
        baseline=args.baseline,
        pytest_args=args.pytest_args,
        operations=args.operation,
    )
