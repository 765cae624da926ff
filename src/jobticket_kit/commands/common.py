"""What several subcommands share: the refusal they end with and the option names of the vocabulary."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from jobticket_kit.checkout import Layout
from jobticket_kit.folders import output_folder_problem

__all__ = ["PROG", "CommandError", "CommandFailed", "OutputFolder", "output_dir_option", "root_option"]

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


class OutputFolder(click.Path):
    """A folder to write into: refused at once when it is a file, sits under one, or is not writable."""

    def __init__(self) -> None:
        super().__init__(path_type=Path, file_okay=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The path, or click's usage error naming why nothing can be written there."""
        path = super().convert(value, param, ctx)
        problem = output_folder_problem(Path(os.fsdecode(path)))
        if problem is not None:
            self.fail(problem, param, ctx)
        return path


def output_dir_option(
    *, help: str, default: Path | None = None, deprecated: str = "--report-dir"
) -> Callable[[_Decorated], _Decorated]:
    """``--output-dir DIR``, the one name of every folder of reports, and its old name: hidden, it warns."""

    def decorate(command: _Decorated) -> _Decorated:
        folder = OutputFolder()
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
        callback=_checkout,
        metavar="DIR",
        help=f"{help}  [default: the current folder]",
    )


def _checkout(ctx: click.Context, param: click.Parameter, root: Path) -> Path:
    """A folder holding the kit's pinned spec; anything else is refused before a tool starts on it."""
    spec = Layout(root.resolve()).spec
    if not spec.is_file():
        raise click.BadParameter(
            f"{root} is not a checkout of the kit (no {spec.relative_to(root.resolve())})", ctx, param
        )
    return root


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
