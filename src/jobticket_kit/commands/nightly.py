"""``jobticket-kit nightly``: the contract run plus nightly.json and what changed since the last night."""

from __future__ import annotations

from pathlib import Path

import click

from jobticket_kit.commands.common import CommandError
from jobticket_kit.commands.contract import checked_run_options, run_options

__all__ = ["nightly"]


@click.command(short_help="The nightly contract check, with nightly.json.")
@run_options(
    default_output_dir=None,
    output_help="Where junit.xml, summary.md, results.json and nightly.json go.  [default: reports]",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="nightly.json of the previous run, to report new and fixed failures (missing: a first run).",
)
@click.option(
    "--evidence",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="evidence.json of earlier runs, to add this run to.  [default: evidence.json beside --previous]",
)
def nightly(
    *,
    output_dir: Path | None,
    baseline: Path | None,
    operations: tuple[str, ...],
    pytest_args: tuple[str, ...],
    previous: Path | None,
    evidence: Path | None,
) -> int:
    """The nightly contract check: the suite within its budget, reports, a verdict read in ten seconds.

    Adds nightly.json (every failure with a stable fingerprint and an outcome class) and puts the
    headline on top of summary.md. Adds the run's evidence about a real target to evidence.json and
    proposes spec changes seen on enough runs: spec-overlay.yaml and spec-overlay.md. Exit codes are the
    contract's: 0 holds, 1 broken, 2 no verdict, 3 incident.
    """
    from jobticket_kit import nightly as nightly_check
    from jobticket_kit.inputs import InputError

    options = checked_run_options(output_dir, baseline, operations, pytest_args)
    try:
        previous_run = nightly_check.load_previous(previous)
    except InputError as exc:  # before the suite runs: a bad file costs no request and changes nothing
        raise CommandError(f"bad --previous: {exc}") from None
    try:
        earlier = nightly_check.previous_evidence(evidence, previous)
    except InputError as exc:
        raise CommandError(f"bad evidence file: {exc}") from None
    return nightly_check.run(options, previous_run, previous, earlier)
