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
    default=("tests/jobticket", "tests/jobticket_api", "tests/jobticket_kit/cassettes"),
    show_default=True,
    metavar="PATH",
    help="The client's offline tests to run against the regenerated client (repeatable; slow ones skipped).",
)
def update_spec(
    source: str | None, overlay: Path | None, yes: bool, root: Path, tests: tuple[str, ...]
) -> int:
    """Validate, lint and diff SOURCE (a file or an https:// URL) against the pinned spec.

    With --overlay FILE instead, the new spec is the pinned one with that overlay applied. Prints every
    change as breaking or compatible, then what changes in Python: the new spec is generated in a
    scratch folder and compared with the committed jobticket_api (griffe, the models' constructors) and
    our client is type-checked against it (mypy), naming each jobticket method that breaks. With --yes
    it pins the new spec (version, provenance, CHANGELOG), regenerates the client, checks the cassettes
    and runs the client's offline tests, and says what a person must do. A URL is fetched within
    JOBTICKET_REQUEST_DEADLINE seconds. Exit 0: consistent; 1: something needs attention; 2: the new
    file is rejected; 3: report only, and the change is breaking for the client.
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
    from jobticket_kit.settings import request_deadline
    from jobticket_kit.spec import update

    assert source is not None
    return update.run(source, pin=yes, root=root, tests=tests, deadline=request_deadline())
