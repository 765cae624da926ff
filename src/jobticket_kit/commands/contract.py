"""``jobticket-kit contract``: the main job. Exit 0 the contract holds, 1 broken, 2 no verdict, 3 incident."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from jobticket_kit.commands.common import CommandError, output_dir_option

if TYPE_CHECKING:
    from jobticket_kit.contract.cli import RunOptions

__all__ = ["checked_run_options", "contract", "run_options"]

_Decorated = TypeVar("_Decorated", bound=Callable[..., Any])


def run_options(*, default_output_dir: Path | None, output_help: str) -> Callable[[_Decorated], _Decorated]:
    """The options that choose what a contract run checks and where its reports go (contract, nightly)."""

    def decorate(command: _Decorated) -> _Decorated:
        command = click.argument("pytest_args", nargs=-1, metavar="[PYTEST_ARGS]...")(command)
        command = click.option(
            "--operation",
            "operations",
            multiple=True,
            metavar="OPERATION_ID",
            help="Limit schemathesis to this operationId (repeatable).",
        )(command)
        command = click.option(
            "--baseline",
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="FILE",
            help="Accepted deviations.  [default: contract_tests/baseline.yaml]",
        )(command)
        return output_dir_option(default=default_output_dir, help=output_help)(command)

    return decorate


def checked_run_options(
    output_dir: Path | None, baseline: Path | None, operations: tuple[str, ...], pytest_args: tuple[str, ...]
) -> RunOptions:
    """The run's options, once the settings, the baseline and the operation ids are known to be good."""
    from jobticket_kit.contract.cli import RunOptions, input_problem

    options = RunOptions(output_dir, baseline, operations, pytest_args)
    problem = input_problem(options)
    if problem is not None:
        raise CommandError(problem)
    return options


@click.command(short_help="Check the target API against openapi/ (exit 0/1/2/3).")
@run_options(
    default_output_dir=None,
    output_help="Where junit.xml, summary.md and results.json go.  [default: reports/contract]",
)
def contract(
    output_dir: Path | None, baseline: Path | None, operations: tuple[str, ...], pytest_args: tuple[str, ...]
) -> int:
    """Check that the target API honours openapi/: the twin, or JOBTICKET_BASE_URL when set.

    PYTEST_ARGS select checks, e.g. a node id from the summary (pytest's own options go after --).
    Exit 0: the contract holds; 1: it is broken; 2: no verdict (target down, blocked, bad credentials,
    refused settings, an answer or a sandbox the run refused); 3: incident (a sync it sent was applied
    otherwise than planned; ids in the summary).
    """
    from jobticket_kit.contract.cli import run_contract

    result = run_contract(checked_run_options(output_dir, baseline, operations, pytest_args))
    click.echo(f"contract verdict: {result.verdict.text} (exit {result.exit_code}): {result.reason}")
    click.echo(f"requests spent: {result.requests_spent}; summary: {result.reports.get('summary', '-')}")
    return result.exit_code
