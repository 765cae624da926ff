"""``jobticket-kit scan [PATHS]...``: find credentials and personal data in cassettes before a commit."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["scan"]


@click.command(short_help="Find secrets and personal data in cassettes.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True), metavar="[PATHS]...")
def scan(paths: tuple[Path, ...]) -> int:
    """Scan files and folders (default: contract_tests/cassettes) for secrets and personal data.

    Every file is read, cassettes as vcrpy reads them (bodies decoded, inflated, nested JSON parsed).
    A finding names where and what, never the value. Exit 0: nothing found; 1: findings.
    """
    from jobticket_kit.cassettes.layout import default_cassette_dir
    from jobticket_kit.cassettes.scan import scan_directory, scan_file

    targets = paths or (default_cassette_dir(),)
    findings = [
        finding
        for path in targets
        for finding in (scan_directory(path) if path.is_dir() else scan_file(path))
    ]
    for finding in findings:
        click.echo(str(finding))
    click.echo(f"cassette scan: {len(findings)} finding(s) in {', '.join(map(str, targets))}")
    return 1 if findings else 0
