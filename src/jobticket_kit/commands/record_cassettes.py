"""``jobticket-kit record-cassettes``: record the cassette set from the twin, or from staging."""

from __future__ import annotations

from pathlib import Path

import click

from jobticket_kit.commands.common import CommandError, CommandFailed, output_dir_option

__all__ = ["record_cassettes"]


@click.command(name="record-cassettes", short_help="Record the cassette set (twin or staging).")
@output_dir_option(
    help="Cassette folder.  [default: contract_tests/cassettes, or its staging/ for a remote target]",
    deprecated="--output",
)
@click.option(
    "--skip-unavailable",
    is_flag=True,
    help="Leave out the scenarios the target cannot offer (missing keys, no destructive opt-in).",
)
@click.option("--list", "list_only", is_flag=True, help="List the scenarios and exit.")
def record_cassettes(output_dir: Path | None, skip_unavailable: bool, list_only: bool) -> int:
    """Record the cassette set: the local twin, or JOBTICKET_BASE_URL with its credentials.

    JOBTICKET_LIMITED_KEYS adds the keys of the 401/403/429 scenarios; the sync scenarios need
    JOBTICKET_ALLOW_DESTRUCTIVE=1 and JOBTICKET_SANDBOX_INTEGRATION_ID off the twin. The set is recorded
    and scrubbed in a scratch folder and replaces the old one only when complete.
    Exit 0: recorded; 1: a scenario failed; 2: refused or unreachable before any scenario ran.
    """
    import httpx

    from jobticket_kit.cassettes.record import default_output, record_all
    from jobticket_kit.cassettes.recording_context import IncompleteTarget, RecordingError
    from jobticket_kit.cassettes.scenarios import SCENARIOS
    from jobticket_kit.settings import KitSettings
    from jobticket_kit.target import TargetError

    if list_only:
        for scenario in SCENARIOS:
            click.echo(
                f"{scenario.name:40} {scenario.operation:22} {scenario.status}  {scenario.description}"
            )
        return 0
    try:
        settings = KitSettings.from_env()
        output = output_dir or default_output(settings)
        names = record_all(settings, output, skip_unavailable=skip_unavailable)
    except (IncompleteTarget, TargetError) as exc:  # TargetError: settings, or a sandbox with real people
        raise CommandError(f"refused: {exc}") from None
    except RecordingError as exc:
        raise CommandFailed(str(exc)) from None
    except httpx.HTTPError as exc:  # while discovering ids, before any scenario
        raise CommandError(f"cannot use the target: {type(exc).__name__}") from None
    click.echo(f"record-cassettes: {len(names)} cassettes written to {output}")
    click.echo(
        "Review them before committing: run the offline tests (pytest tests/jobticket_kit/cassettes) "
        "and read the diff."
    )
    return 0
