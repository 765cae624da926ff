"""``jobticket-kit drift``: check the recorded responses against the spec, offline."""

from __future__ import annotations

from pathlib import Path

import click

from jobticket_kit.commands.common import CommandError

__all__ = ["drift"]


@click.command(short_help="Check the recorded cassettes against the spec.")
@click.argument(
    "directory",
    required=False,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    metavar="[DIR]",
)
@click.option(
    "--spec",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    metavar="FILE",
    help="The spec to check against.  [default: openapi/jobticket.openapi.yaml]",
)
def drift(directory: Path | None, spec: Path | None) -> int:
    """Validate every recorded response in DIR (default: every committed set) against the spec.

    Each problem names the cassette, the interaction, the operation and the field. Exit 1 on any drift.
    """
    from jobticket_kit.cassettes import drift as cassette_drift
    from jobticket_kit.cassettes.layout import cassette_sets
    from jobticket_kit.spec.validation import default_spec_path

    problem = cassette_drift.input_problem(
        [directory] if directory else cassette_sets(), spec or default_spec_path()
    )
    if problem is not None:
        raise CommandError(problem)
    return cassette_drift.run(directory, spec)
