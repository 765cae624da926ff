"""``jobticket-kit generate [--check]``: regenerate the client from openapi/, or prove it is current."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["generate"]


@click.command(short_help="Regenerate the client from openapi/ (--check).")
@click.option(
    "--check", is_flag=True, help="Change nothing; exit 1 if the generated client differs in any byte."
)
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path(),
    metavar="DIR",
    help="The checkout to work on.  [default: the current folder]",
)
def generate(check: bool, root: Path) -> int:
    """Regenerate the client package from openapi/ with the pinned generator (--check: only compare)."""
    from jobticket_kit.spec import generation

    return generation.run(root, check_only=check)
