"""``jobticket-kit update-spec SOURCE|--overlay FILE [--yes]``: review a new API description, then pin it."""

from __future__ import annotations

from pathlib import Path

import click

from jobticket_kit.commands.common import CommandError, root_option

__all__ = ["update_spec"]


@click.command(name="update-spec", short_help="Review a new spec or an overlay; --yes pins it.")
@click.argument("source", required=False)
@click.option(
    "--overlay",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="An OpenAPI Overlay 1.0 file (the nightly's spec-overlay.yaml) to apply to the pinned spec instead.",
)
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
def update_spec(
    source: str | None, overlay: Path | None, yes: bool, root: Path, tests: tuple[str, ...]
) -> int:
    """Validate, lint and diff SOURCE (a file or an https:// URL) against the pinned spec.

    With --overlay FILE instead, the new spec is the pinned one with that overlay applied. Prints every
    change as breaking or compatible. With --yes it pins the new spec (version, provenance, CHANGELOG),
    regenerates the client and runs the regeneration check and the offline tests.
    Exit 0: consistent; 1: something needs attention; 2: the new file is rejected.
    """
    if source is None and overlay is None:
        context = click.get_current_context()
        argument = next(param for param in context.command.params if param.name == "source")
        raise click.MissingParameter(ctx=context, param=argument, param_hint="'SOURCE'")
    if source is not None and overlay is not None:
        raise CommandError("give either SOURCE or --overlay FILE, not both")
    if overlay is not None:
        from jobticket_kit.spec import overlay as overlay_update

        return overlay_update.run(overlay, pin=yes, root=root, tests=tests)
    from jobticket_kit.spec import update

    assert source is not None
    return update.run(source, pin=yes, root=root, tests=tests)
