"""``jobticket`` / ``python -m jobticket``: the HR roster sync as HR-integration teams run it.

    jobticket roster plan ROSTER.csv --integration ID [--output PLAN.json] [--map hrId=Personalnummer,...]
    jobticket roster apply PLAN.json [--allow-large-offboarding]

``plan`` reads the CSV, lists the integration's employees once, prints the readable plan and saves it;
``apply`` sends exactly that plan after re-reading the integration and checking its fingerprint.
Credentials come from JOBTICKET_BASE_URL, JOBTICKET_USERNAME and JOBTICKET_PASSWORD. Exit codes: 0 sent
(or planned), 1 refused by a guard, 2 bad input, 3 the API or the network failed. Standard library only
(besides the client itself), so a team that vendors the client runs it without installing more.
``--out`` (the previous spelling of ``--output``) still works, hidden from the help, with a warning.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .._base import DEFAULTS
from .._client import JobTicket
from .._exceptions import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    HistoryError,
    NotFoundError,
    PermissionDeniedError,
    PlanFileError,
    RosterError,
    RosterFileError,
    SyncRefusedError,
    UnknownIntegrationError,
)
from .._logging import logger
from ..variables import BASE_URL, PASSWORD, USERNAME
from ._csv import CsvRoster, parse_mapping, read_roster_csv
from ._history import DEFAULT_PERIOD_DAYS, DEFAULT_PERIOD_LIMIT, OffboardingHistory
from ._plan import RosterPlan
from ._report import PLAN_FORMATS, render_plan
from ._validation import checked_rows
from ._workflow import apply_plan, plan_roster

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

__all__ = ["main"]

SENT, REFUSED, BAD_INPUT, FAILED = 0, 1, 2, 3


class _DeprecatedOut(argparse.Action):
    """``--out``, the option's previous name: still accepted, with a warning to use ``--output``."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        sys.stderr.write("jobticket: --out is deprecated and will be removed; use --output\n")
        setattr(namespace, self.dest, values)


def _ratio(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a share such as 0.10 or 10%, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (0 % and 100 %), got {text!r}")
    return value


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of days, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 days, got {text!r}")
    return value


def _integration(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"must be the integration's numeric ID (a positive integer), got {text!r}"
        )
    return int(text)


def _guard_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-offboard-ratio", type=_ratio, default=DEFAULTS["max_offboard_ratio"], metavar="SHARE",
        help="refuse a sync offboarding more than this share of the active linked employees (default 10%%)",
    )  # fmt: skip
    parser.add_argument(
        "--period-limit", type=_ratio, default=DEFAULT_PERIOD_LIMIT, metavar="SHARE",
        help="refuse when the offboarding within --period-days would exceed this share (default 10%%)",
    )  # fmt: skip
    parser.add_argument(
        "--period-days", type=_days, default=DEFAULT_PERIOD_DAYS, metavar="DAYS",
        help="the rolling period of --period-limit (default 7 days)",
    )  # fmt: skip
    parser.add_argument(
        "--format", choices=PLAN_FORMATS, default="text", help="how to print the plan (default text)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``jobticket`` command line."""
    parser = argparse.ArgumentParser(
        prog="jobticket",
        description="JobTicket+ HR roster sync: plan from your HR export, approve, then send exactly "
        f"that plan. Credentials: {BASE_URL}, {USERNAME}, {PASSWORD}.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    roster = commands.add_parser("roster", help="plan and send an HR roster sync")
    steps = roster.add_subparsers(dest="step", required=True)
    plan = steps.add_parser("plan", help="read ROSTER.csv, print the plan and save it; sends nothing")
    plan.add_argument("roster", type=Path, metavar="ROSTER.csv")
    plan.add_argument(
        "--integration", type=_integration, required=True, metavar="ID", help="the HR integration ID"
    )
    plan.add_argument(
        "--output", type=Path, metavar="PLAN.json", help="where to save the plan (default ROSTER.plan.json)"
    )
    plan.add_argument("--out", type=Path, dest="output", action=_DeprecatedOut, help=argparse.SUPPRESS)
    plan.add_argument(
        "--map", default="", metavar="FIELD=HEADER,...",
        help="read a field from a differently named column, e.g. hrId=Personalnummer,email=E-Mail",
    )  # fmt: skip
    plan.add_argument("--sync-id", help="the syncId to send (default: generated)")
    _guard_options(plan)
    apply = steps.add_parser(
        "apply", help="send PLAN.json exactly, after checking the integration did not change"
    )
    apply.add_argument("plan", type=Path, metavar="PLAN.json")
    apply.add_argument(
        "--allow-large-offboarding", action="store_true",
        help="send even when a guard refuses the offboarding (the explicit override)",
    )  # fmt: skip
    _guard_options(apply)
    return parser


class Progress:
    """Prints ``listing employees: page 12 of 103`` to stderr while a large listing runs."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.interactive = stream.isatty()

    def __call__(self, page: int, total_pages: int) -> None:
        if total_pages < 2:
            return
        step = max(1, total_pages // 10)
        if self.interactive:
            end = "\n" if page >= total_pages else ""
            self.stream.write(f"\rlisting employees: page {page} of {total_pages}{end}")
        elif page == 1 or page % step == 0 or page >= total_pages:
            self.stream.write(f"listing employees: page {page} of {total_pages}\n")
        self.stream.flush()


def _client(env: Mapping[str, str]) -> JobTicket:
    return JobTicket(env=env)


def _history(plan_path: Path, args: argparse.Namespace) -> OffboardingHistory:
    return OffboardingHistory.beside(plan_path, limit=args.period_limit, days=args.period_days)


def _plan(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    roster = read_roster_csv(args.roster, parse_mapping(args.map))
    rows = checked_rows(roster)
    if roster.ignored:
        err.write(f"columns not sent (not sync fields): {', '.join(roster.ignored)}\n")
    plan_path = args.output or args.roster.with_name(args.roster.stem + ".plan.json")
    with _client(env) as client:
        _check_integration(client, args.integration)
        plan = _make_plan(args, client, rows, roster, plan_path=plan_path, err=err)
    plan.save(plan_path)
    out.write(render_plan(plan, args.format, plan.guards))
    refused = [guard for guard in plan.guards if guard.refusal is not None]
    for guard in refused:
        err.write(f"a guard would refuse this plan: {guard.refusal}\n")
    err.write(
        f"plan saved to {plan_path}; nothing was sent. Review it, then send exactly this plan with:\n"
        f"  python -m jobticket roster apply {plan_path}\n"
    )
    return REFUSED if refused else SENT


def _make_plan(
    args: argparse.Namespace,
    client: JobTicket,
    rows: list[dict[str, Any]],
    roster: CsvRoster,
    *,
    plan_path: Path,
    err: TextIO,
) -> RosterPlan:
    return plan_roster(
        client,
        args.integration,
        rows,
        sync_id=args.sync_id,
        max_offboard_ratio=args.max_offboard_ratio,
        history=_history(plan_path, args),
        on_page=Progress(err),
        source=roster.source,
        lines=roster.lines,
    )


def _check_integration(client: JobTicket, integration_id: int) -> None:
    """A wrong ID would plan everyone as new (and billed): check it exists when the key may read it."""
    try:
        client.get_hr_integration(integration_id)
    except PermissionDeniedError:
        return  # the sync needs four permissions; view-hr-integrations is not one of them
    except NotFoundError:
        raise UnknownIntegrationError(
            f"--integration {integration_id}: no HR integration with this ID"
        ) from None


def _apply(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    plan = RosterPlan.load(args.plan)
    with _client(env) as client:
        result = apply_plan(
            client,
            plan,
            max_offboard_ratio=args.max_offboard_ratio,
            allow_large_offboarding=args.allow_large_offboarding,
            history=_history(args.plan, args),
            on_page=Progress(err),
        )
    out.write(render_plan(plan.with_plan(result.plan), args.format))
    err.write(
        f"sent: syncId {result.sync_id} to integration {plan.integration_id} ({result.plan.summary()})\n"
    )
    return SENT


def _run(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    step: Callable[[argparse.Namespace, Mapping[str, str], TextIO, TextIO], int]
    step = _plan if args.step == "plan" else _apply
    try:
        return step(args, env, out, err)
    except SyncRefusedError as refused:
        reason = str(refused).replace("pass allow_large_offboarding=True", "pass --allow-large-offboarding")
        err.write(f"refused, nothing was sent: {reason}\n")
        return REFUSED
    except RosterFileError as error:
        err.write(f"{error}\nnothing was sent\n")
        return BAD_INPUT
    except (RosterError, PlanFileError, HistoryError, ConfigurationError, UnknownIntegrationError) as error:
        err.write(f"{error}\nnothing was sent\n")
        return BAD_INPUT
    except (AuthenticationError, PermissionDeniedError) as error:
        err.write(f"the API key was refused: {error} (check {USERNAME}, {PASSWORD} and its permissions)\n")
        return BAD_INPUT
    except (APIStatusError, APIConnectionError) as error:
        sending = (
            " If it was the sync itself, check the integration before sending again."
            if args.step == "apply"
            else ""
        )
        err.write(f"the API call failed: {error}.{sending}\n")
        return FAILED


def _log_to(stream: TextIO) -> logging.Handler:
    """Warnings (retries, waits) go to stderr; refusals are reported by the command itself, once."""
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("jobticket: %(message)s"))
    handler.addFilter(lambda record: record.module != "_hr_sync_flow" or record.levelno < logging.ERROR)
    return handler


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.step == "plan" and args.map:
        try:
            parse_mapping(args.map)
        except ValueError as error:
            parser.error(str(error))
    handler = _log_to(sys.stderr)
    logger.addHandler(handler)
    try:
        return _run(args, os.environ if env is None else env, sys.stdout, sys.stderr)
    finally:
        logger.removeHandler(handler)
