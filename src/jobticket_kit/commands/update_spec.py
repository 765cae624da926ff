"""``jobticket-kit update-spec SOURCE [--yes]``: review a new API description, then pin it."""

from __future__ import annotations

from pathlib import Path

import click

from jobticket_kit.commands.common import root_option

__all__ = ["update_spec"]


@click.command(name="update-spec", short_help="Review a new spec; --yes pins it.")
@click.argument("source")
@click.option(
    "--yes", is_flag=True, help="Pin the new spec, regenerate and run the checks (without it: report only)."
)
@root_option(help="The checkout to update.")
@click.option(
    "--tests",
    multiple=True,
    default=("tests",),
    show_default=True,
    metavar="PATH",
    help="Offline tests to run against the regenerated client (repeatable).",
)
def update_spec(source: str, yes: bool, root: Path, tests: tuple[str, ...]) -> int:
    """Validate, lint and diff SOURCE (a file or an https:// URL) against the pinned spec.

    Prints every change as breaking or compatible. With --yes it pins the new spec (version, provenance,
    CHANGELOG), regenerates the client and runs the regeneration check and the offline tests.
    Exit 0: consistent; 1: something needs attention; 2: the new file is rejected.
    """
    from jobticket_kit.spec import update

    return update.run(source, pin=yes, root=root, tests=tests)
