"""``jobticket-kit config``: what the kit's variables amount to here, or their table for the docs."""

from __future__ import annotations

import click

from jobticket_kit.commands.common import CommandError
from jobticket_kit.settings import KitSettings, markdown_table
from jobticket_kit.target import TargetError

__all__ = ["config"]


@click.command(short_help="Check the kit's variables; print their table.")
@click.option("--markdown", is_flag=True, help="Print the table of every variable (docs/configuration.md).")
def config(markdown: bool) -> int:
    """Check the kit's variables in this environment and show what they amount to (no secret shown).

    Exit 2 when a variable breaks its rule, naming the variable and the rule.
    """
    if markdown:
        click.echo(markdown_table(), nl=False)
        return 0
    try:
        settings = KitSettings.from_env()
    except TargetError as exc:
        raise CommandError(f"refused: {exc}") from None
    target, contract = settings.target, settings.contract
    rows = {
        "target": target.base_url or "the local twin (each command starts its own)",
        "credentials": "set" if target.username else "not set",
        "sandbox integration": str(target.sandbox_integration_id or "none"),
        "destructive checks": "allowed" if target.allow_destructive else "not allowed",
        "limited keys": ", ".join(sorted(settings.limited_keys)) or "none",
        "contract pace": f"{contract.rate_limit} requests per {contract.window} s",
        "contract budget": f"{contract.budget} requests" if contract.budget else "no cap",
        "examples per operation": str(contract.max_examples),
        "tolerant mode": "on" if contract.tolerant else "off",
        "pytest contract_tests reports": str(contract.output_dir or "reports/contract"),
    }
    for name, value in rows.items():
        click.echo(f"{name:30} {value}")
    return 0
