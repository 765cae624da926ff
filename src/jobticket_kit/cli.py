"""``jobticket-kit``: one command line for every tool of the kit; ``scripts/`` holds one-line wrappers.

Each subcommand lives in :mod:`jobticket_kit.commands` (the twin's comes from ``jobticket_twin.cli``,
which the client distribution runs as ``python -m jobticket_twin``). A usage error or refused input is
one line, ``<command>: <problem>``, and exit 2; a deprecation is one line, ``<prog>: warning: ...``;
``--help`` works on the group and on every subcommand.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, TextIO

import click

from jobticket import ConfigurationError
from jobticket_kit.commands.bench import bench
from jobticket_kit.commands.common import PROG, CommandError
from jobticket_kit.commands.config import config
from jobticket_kit.commands.contract import contract
from jobticket_kit.commands.drift import drift
from jobticket_kit.commands.generate import generate
from jobticket_kit.commands.nightly import nightly
from jobticket_kit.commands.nightly_issues import nightly_issues
from jobticket_kit.commands.record_cassettes import record_cassettes
from jobticket_kit.commands.scan import scan
from jobticket_kit.commands.update_spec import update_spec
from jobticket_kit.target import TargetError
from jobticket_twin.cli import twin

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["kit", "main"]


@click.group(name=PROG, context_settings={"help_option_names": ["-h", "--help"]})
def kit() -> None:
    """The JobTicket+ client and contract-test kit: contract checks, the twin, spec and cassette tools.

    Every command targets the local twin unless JOBTICKET_BASE_URL (with JOBTICKET_USERNAME and
    JOBTICKET_PASSWORD) names another API; production is always refused. `jobticket-kit config` shows
    the variables.
    """


for _command in (
    contract,
    nightly,
    nightly_issues,
    twin,
    generate,
    update_spec,
    record_cassettes,
    scan,
    drift,
    bench,
    config,
):
    kit.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit code (the console script exits with it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("default", FutureWarning)
        warnings.showwarning = _show_warning
        try:
            code = kit.main(args=argv, prog_name=PROG, standalone_mode=False)
        except click.exceptions.NoArgsIsHelpError as error:
            click.echo(error.ctx.get_help() if error.ctx else error.format_message(), err=True)
            return 2
        except click.UsageError as error:
            path = error.ctx.command_path if error.ctx else PROG
            _refuse(f"{path}: {error.format_message().rstrip('.')}; see '{path} --help'")
            return error.exit_code
        except CommandError as error:
            _refuse(f"{error.command_path}: {error.format_message()}")
            return error.exit_code
        except click.ClickException as error:
            _refuse(f"{PROG}: {error.format_message()}")
            return error.exit_code
        except (TargetError, ConfigurationError) as error:  # a variable breaks its rule (the client's too)
            _refuse(f"{PROG}: refused: {error}")
            return 2
        except click.Abort:
            _refuse(f"{PROG}: aborted")
            return 130
    return code if isinstance(code, int) else 0


def _refuse(message: str) -> None:
    click.echo(" ".join(message.split()), err=True)


def _show_warning(  # noqa: PLR0917 - the signature warnings.showwarning is called with
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """One line per warning (a deprecation), instead of Python's file:line and source."""
    _refuse(f"{PROG}: warning: {message}")
