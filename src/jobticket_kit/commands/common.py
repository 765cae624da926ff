"""What several subcommands share: the refusal they end with and the option names of the vocabulary."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

__all__ = ["PROG", "CommandError", "CommandFailed", "output_dir_option", "root_option"]

PROG = "jobticket-kit"
_Decorated = TypeVar("_Decorated", bound=Callable[..., Any])


class CommandError(click.ClickException):
    """Refused input: the subcommand stops with one line (its name, then ``message``) and exit 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        context = click.get_current_context(silent=True)
        self.command_path = context.command_path if context is not None else PROG


class CommandFailed(CommandError):
    """The tool started and failed (a recording scenario, say): one line and exit 1."""

    exit_code = 1


def output_dir_option(
    *, help: str, default: Path | None = None, deprecated: str = "--report-dir"
) -> Callable[[_Decorated], _Decorated]:
    """``--output-dir DIR``, the one name of every folder of reports, and its old name: hidden, it warns."""

    def decorate(command: _Decorated) -> _Decorated:
        folder = click.Path(path_type=Path, file_okay=False)
        command = click.option(
            deprecated,
            "deprecated_output_dir",
            type=folder,
            hidden=True,
            expose_value=False,
            callback=_deprecated_alias_of("--output-dir", "output_dir"),
        )(command)
        return click.option(
            "--output-dir",
            "output_dir",
            type=folder,
            default=default,
            show_default=default is not None,
            metavar="DIR",
            help=help,
        )(command)

    return decorate


def root_option(*, help: str) -> Callable[[_Decorated], _Decorated]:
    """``--root DIR``: the checkout a spec command works on (default: the current folder)."""
    return click.option(
        "--root",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        default=Path(),
        metavar="DIR",
        help=f"{help}  [default: the current folder]",
    )


def _deprecated_alias_of(
    replacement: str, name: str
) -> Callable[[click.Context, click.Parameter, Any], None]:
    """A callback that warns and gives the value to ``name`` (the last of the two on the line wins)."""

    def alias(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None or ctx.get_parameter_source(param.name or "") is not ParameterSource.COMMANDLINE:
            return
        old = next(option for option in param.opts if option.startswith("--"))
        warnings.warn(
            f"{old} is deprecated and goes away in the next release; use {replacement}",
            FutureWarning,
            stacklevel=1,
        )
        ctx.params[name] = value
        ctx.set_parameter_source(name, ParameterSource.COMMANDLINE)

    return alias
