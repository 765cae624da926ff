"""``jobticket-kit generate [--check]``: regenerate the client from openapi/, or prove it is current."""

from __future__ import annotations

from pathlib import Path

import click

from jobticket_kit.commands.common import root_option

__all__ = ["generate"]


@click.command(short_help="Regenerate the client from openapi/ (--check).")
@click.option(
    "--check", is_flag=True, help="Change nothing; exit 1 if the generated client differs in any byte."
)
@root_option(help="The checkout to work on.")
def generate(check: bool, root: Path) -> int:
    """Regenerate the client package from openapi/ with the pinned generator (--check: only compare)."""
    from jobticket_kit.spec import generation

    return generation.run(root, check_only=check)
