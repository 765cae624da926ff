"""``jobticket-kit nightly-issues NIGHTLY_JSON``: one GitHub issue per nightly failure, through ``gh``."""

from __future__ import annotations

from pathlib import Path

import click

from jobticket_kit.commands.common import CommandError

__all__ = ["nightly_issues"]


@click.command(name="nightly-issues", short_help="One GitHub issue per nightly failure (gh).")
@click.argument("nightly_json", metavar="NIGHTLY_JSON", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="List the open issues, print the gh commands, change nothing.")
@click.option("--repo", metavar="OWNER/NAME", help="The repository (default: gh's, the current one).")
@click.option("--label", default="nightly-contract", show_default=True, help="The label of the issues kept.")
@click.option("--run-url", metavar="URL", help="Link to tonight's run, put in every issue and comment.")
@click.option(
    "--summary",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="summary.md to append the issues' section to (with a link to each issue).",
)
def nightly_issues(  # noqa: PLR0917 - click passes every option as an argument
    nightly_json: Path, dry_run: bool, repo: str | None, label: str, run_url: str | None, summary: Path | None
) -> int:
    """Keep one GitHub issue per failure fingerprint of NIGHTLY_JSON (what `jobticket-kit nightly` wrote).

    Opens an issue for a new contract drift, auth or our-own-bug failure, and for an outage or a 429
    only once it has lasted 3 nights in a row; comments while a failure lasts; closes an issue on the
    first night with a verdict that no longer has its failure (a night without a verdict closes
    nothing). Needs the GitHub CLI `gh`, logged in (GH_TOKEN). Exit 0: done; 1: a gh call failed (the
    others were still made); 2: bad input, or gh could not list the issues.
    """
    from jobticket_kit import nightly_issues as issues
    from jobticket_kit.inputs import InputError
    from jobticket_kit.nightly import load_nightly

    try:
        nightly = load_nightly(nightly_json)
    except InputError as exc:
        raise CommandError(str(exc)) from None
    try:
        return issues.run(
            nightly,
            issues.Gh(repo),
            label=label,
            dry_run=dry_run,
            run_url=run_url,
            summary=summary,
            echo=click.echo,
        )
    except issues.GhError as exc:
        raise CommandError(str(exc)) from None
