"""``jobticket`` / ``python -m jobticket``: the HR roster sync as HR-integration teams run it.

    jobticket roster plan ROSTER.csv --integration ID [--output PLAN.json] [--map hrId=Personalnummer,...]
                                     [--encoding utf-8|cp1252|latin-1] [--absences ABSENCES.csv]
                                     [--absences-encoding utf-8|cp1252|latin-1]
    jobticket roster apply PLAN.json [--allow-large-offboarding] [--allow-large-billing]
                                     [--allow-unchecked-integration]

``plan`` reads the CSV (and the absences, from two of its columns or a second file), reads the
integration, lists the company's employees once, prints the readable plan and saves it (0600); it sends
nothing. ``apply`` sends exactly that plan after re-reading the
integration and checking its fingerprint. Credentials come from JOBTICKET_BASE_URL, JOBTICKET_USERNAME
and JOBTICKET_PASSWORD. Exit codes (:data:`EXIT_CODES`): 0 sent (or planned, no guard refusing), 1 refused
by a guard (nothing sent), 2 bad input (nothing sent), 3 the API, the network or the pacer store failed
(nothing sent), 4 sent, but something after sending failed (the history's record, the output), 5 sent
without an answer: whether it was applied is unknown, 6 sent and accepted, but the integration read back
differs from the plan (an incident). Every message is one line naming
the flag, file or answer at fault. Standard library only (besides the client itself), so a team that
vendors the client runs it without installing more. ``--out`` (the previous spelling of ``--output``)
still works, hidden from the help, with a warning.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from .._base import DEFAULTS
from .._client import JobTicket
from .._exceptions import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    HistoryError,
    LinkedTwiceError,
    PacerStoreError,
    PaginationError,
    PermissionDeniedError,
    PlanFileError,
    RosterError,
    RosterFileError,
    SyncIncidentError,
    SyncOutcomeUnknownError,
    SyncRefusedError,
    UnexpectedResponseError,
    UnknownIntegrationError,
)
from .._logging import logger
from ..variables import BASE_URL, PASSWORD, USERNAME
from ._csv import ENCODINGS, encoding_name, parse_mapping, read_export
from ._escape import terminal
from ._files import same_file
from ._guards import DEFAULT_MAX_NEW_BILLED, DEFAULT_MAX_NEW_BILLED_RATIO, OVERRIDES, BillingLimits
from ._history import DEFAULT_PERIOD_DAYS, DEFAULT_PERIOD_LIMIT, MAX_PERIOD_DAYS, OffboardingHistory
from ._plan import RosterPlan, is_plan_file
from ._report import PLAN_FORMATS, flag, write_plan
from ._validation import checked_rows
from ._workflow import apply_plan, plan_roster

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

__all__ = ["EXIT_CODES", "main"]

SENT, REFUSED, BAD_INPUT, FAILED, SENT_BUT, UNKNOWN, INCIDENT = 0, 1, 2, 3, 4, 5, 6
EXIT_CODES = {
    SENT: "sent (apply), or planned with no guard refusing (plan)",
    REFUSED: "refused by a guard, or already applied: nothing was sent",
    BAD_INPUT: "bad input (an argument, a file, the credentials): nothing was sent",
    FAILED: "the API, the network or the pacer store failed: nothing was sent",
    SENT_BUT: "sent, but something after sending failed (history, output): look before resending",
    UNKNOWN: "the sync went out and no answer came: whether it was applied is unknown",
    INCIDENT: "sent and accepted, but the integration read back differs from the plan: an incident",
}
_MAX_SYNC_ID = 200
_API_FAILURES = (
    APIStatusError,
    APIConnectionError,
    PaginationError,
    UnexpectedResponseError,
    PacerStoreError,
    LinkedTwiceError,
)
_MAX_ID = 2**63 - 1


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line naming the argument (argparse prints the usage first, over lines)."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: {terminal(message)} (see {self.prog} --help)\n")


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


def _number(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def _ratio(text: str) -> float:
    value = _number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be a share between 0 and 1 (0 % and 100 %), got {text!r}")
    return value


def _days(text: str) -> float:
    value = _number(text) if not text.endswith("%") else math.nan
    if not 0 < value <= MAX_PERIOD_DAYS:
        raise argparse.ArgumentTypeError(
            f"must be a number of days, more than 0 and at most {MAX_PERIOD_DAYS:.0f}, got {text!r}"
        )
    return value


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 999999999, got {text!r}")
    return int(text)


def _integration(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= _MAX_ID:
        raise argparse.ArgumentTypeError(
            f"must be the integration's numeric ID (a positive integer), got {text!r}"
        )
    return int(text)


def _sync_id(text: str) -> str:
    if not text.strip() or len(text) > _MAX_SYNC_ID or not text.isprintable():
        raise argparse.ArgumentTypeError(
            f"must be printable text of 1 to {_MAX_SYNC_ID} characters, got {text!r}"
        )
    return text


def _encoding(text: str) -> str:
    try:
        return encoding_name(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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
        help=f"the rolling period of --period-limit (default 7 days, at most {MAX_PERIOD_DAYS:.0f})",
    )  # fmt: skip
    parser.add_argument(
        "--max-new-billed", type=_count, default=DEFAULT_MAX_NEW_BILLED, metavar="N",
        help="cost guard: refuse a sync newly billing more employees than the larger of N and "
        f"--max-new-billed-ratio of those billed now (default {DEFAULT_MAX_NEW_BILLED})",
    )  # fmt: skip
    parser.add_argument(
        "--max-new-billed-ratio", type=_ratio, default=DEFAULT_MAX_NEW_BILLED_RATIO, metavar="SHARE",
        help="cost guard: the share of the employees billed now (default 10%%)",
    )  # fmt: skip
    parser.add_argument(
        "--allow-large-offboarding", action="store_true",
        help="accept an offboarding above a guard's limit (the explicit override; recorded)",
    )  # fmt: skip
    parser.add_argument(
        "--allow-large-billing", action="store_true",
        help="accept more newly billed employees than the cost guard's limit (recorded)",
    )  # fmt: skip
    parser.add_argument(
        "--allow-unchecked-integration", action="store_true",
        help="accept a plan whose integration the API key cannot read (view-hr-integrations; recorded)",
    )  # fmt: skip
    parser.add_argument(
        "--format", choices=PLAN_FORMATS, default="text", help="how to print the plan (default text)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``jobticket`` command line."""
    parser = _Parser(
        prog="jobticket",
        description="JobTicket+ HR roster sync: plan from your HR export, approve, then send exactly "
        f"that plan. Credentials: {BASE_URL}, {USERNAME}, {PASSWORD}.",
        epilog="exit codes: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items()),
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
        "--output", type=Path, metavar="PLAN.json",
        help="where to save the plan (default ROSTER.plan.json); never one of the inputs",
    )  # fmt: skip
    plan.add_argument("--out", type=Path, dest="output", action=_DeprecatedOut, help=argparse.SUPPRESS)
    plan.add_argument(
        "--map", default="", metavar="FIELD=HEADER,...",
        help="read a field from a differently named column, e.g. hrId=Personalnummer,email=E-Mail",
    )  # fmt: skip
    plan.add_argument(
        "--encoding", type=_encoding, default="utf-8", metavar="NAME",
        help=f"the file's encoding: {', '.join(ENCODINGS)} (default utf-8, a byte-order mark accepted; "
        "cp1252 for Windows and older Excel exports)",
    )  # fmt: skip
    plan.add_argument(
        "--absences", type=Path, metavar="ABSENCES.csv",
        help="absences, one per row: the employee's hrId, absenceStart and absenceEnd (empty: open-ended), "
        "by those headers or the ones --map names; every employee then sends their complete list. Without "
        "it, absenceStart/absenceEnd columns of the roster give one absence per employee",
    )  # fmt: skip
    plan.add_argument(
        "--absences-encoding", type=_encoding, metavar="NAME",
        help="the absences file's encoding, when it differs from the roster's (default: --encoding)",
    )  # fmt: skip
    plan.add_argument("--sync-id", type=_sync_id, help="the syncId to send (default: generated)")
    _guard_options(plan)
    apply = steps.add_parser(
        "apply", help="send PLAN.json exactly, after checking the integration did not change"
    )
    apply.add_argument("plan", type=Path, metavar="PLAN.json")
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


def _overrides(args: argparse.Namespace) -> dict[str, bool]:
    return {keyword: bool(getattr(args, keyword)) for keyword in OVERRIDES}


def _billing(args: argparse.Namespace) -> BillingLimits:
    return BillingLimits(args.max_new_billed, args.max_new_billed_ratio)


def for_command_line(message: str) -> str:
    """A library message in command-line words: ``pass allow_large_billing=True`` names the flag."""
    for keyword in OVERRIDES:
        message = message.replace(f"{keyword}=True", flag(keyword))
    return terminal(message)


def _output(args: argparse.Namespace) -> Path:
    """The plan's path: never an input of the command, nor a file that is not a plan."""
    path: Path = args.output or args.roster.with_name(args.roster.stem + ".plan.json")
    history = _history(path, args).path
    inputs = [("the roster file", args.roster), ("the offboarding history", history)]
    if args.absences is not None:
        inputs.append(("the absences file", args.absences))
    for name, input_path in inputs:
        if same_file(path, input_path):
            raise PlanFileError(f"--output {path}: names {name}, an input; name another file for the plan")
    if path.is_dir():
        raise PlanFileError(f"--output {path}: is a folder; name a file for the plan")
    if path.exists() and not is_plan_file(path):
        raise PlanFileError(
            f"--output {path}: exists and is not a roster plan, so it is not overwritten; name another file"
        )
    return path


def _plan(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    plan_path = _output(args)
    roster = read_export(
        args.roster,
        parse_mapping(args.map),
        encoding=args.encoding,
        absences=args.absences,
        absences_encoding=args.absences_encoding,
    )
    rows = checked_rows(roster)
    source, lines, encoding, ignored = roster.source, roster.lines, roster.encoding, roster.ignored
    absences, absences_ignored = roster.absences_source, roster.absences_ignored
    del roster  # the rows are kept once, as validated
    if ignored:
        err.write(f"columns not sent (not sync fields): {terminal(', '.join(ignored))}\n")
    if absences_ignored:
        err.write(
            f"{terminal(absences or '')}: columns not sent (only hrId and the dates are read): "
            f"{terminal(', '.join(absences_ignored))}\n"
        )
    given: dict[str, Any] = {**_overrides(args), "absences_source": absences}
    with _client(env) as client:
        plan = plan_roster(
            client,
            args.integration,
            rows,
            sync_id=args.sync_id,
            max_offboard_ratio=args.max_offboard_ratio,
            billing=_billing(args),
            history=_history(plan_path, args),
            on_page=Progress(err),
            source=source,
            lines=lines,
            encoding=encoding,
            **given,
        )
    plan.save(plan_path)
    write_plan(plan, args.format, out, plan.guards)
    out.flush()
    refused = [guard for guard in plan.guards if guard.refusal is not None]
    for guard in refused:
        err.write(f"refused: {for_command_line(guard.refusal or '')}\n")
    if refused:
        err.write(f"plan saved to {terminal(str(plan_path))} for review; nothing was sent\n")
        return REFUSED
    flags = "".join(f" {flag(keyword)}" for keyword, on in _overrides(args).items() if on)
    err.write(
        f"plan saved to {terminal(str(plan_path))}; nothing was sent. Review it, then send exactly this "
        f"plan with:\n  python -m jobticket roster apply {terminal(str(plan_path))}{flags}\n"
    )
    return SENT


def _apply(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    plan = RosterPlan.load(args.plan)
    history = _history(args.plan, args)
    with _client(env) as client:
        result = apply_plan(
            client,
            plan,
            max_offboard_ratio=args.max_offboard_ratio,
            billing=_billing(args),
            history=history,
            on_page=Progress(err),
            **_overrides(args),
        )
    err.write(
        f"sent: syncId {terminal(result.sync_id)} to integration {plan.integration_id} "
        f"({result.plan.summary()})\n"
    )
    err.flush()
    code = SENT
    if result.overrides:
        err.write(f"overrides recorded: {', '.join(flag(name) for name in result.overrides)}\n")
    if not result.recorded:
        err.write(
            f"sent, but not recorded in {terminal(str(history.path))}: "
            f"{terminal(result.record_error or '')}; the guard over time and the already-applied check "
            "do not know of this sync\n"
        )
        code = SENT_BUT
    try:
        write_plan(plan.with_plan(result.plan), args.format, out, plan.guards)
        out.flush()
    except (OSError, ValueError) as error:
        err.write(f"sent, but the plan could not be printed: {terminal(str(error))}\n")
        code = SENT_BUT
    return code


def _failed(step: str, error: Exception) -> tuple[int, str]:
    """The exit code and one line for an error of the API, the network or the pacer store."""
    sync_answer = (
        isinstance(error, APIStatusError)
        and step == "apply"
        and getattr(getattr(error.response, "request", None), "method", "") == "POST"
    )
    if sync_answer:
        return FAILED, (
            f"the API refused the sync: {error}; nothing was applied (a refused sync changes nothing, "
            "working assumption O-21)"
        )
    if isinstance(error, LinkedTwiceError):
        return FAILED, str(error)
    if isinstance(error, PaginationError):
        return FAILED, f"the employee listing is not provably complete: {error}; nothing was sent"
    if isinstance(error, UnexpectedResponseError):
        return FAILED, f"the API answered something this client cannot use: {error}; nothing was sent"
    if isinstance(error, PacerStoreError):
        return FAILED, f"the pacer store cannot be used: {error}; nothing was sent"
    return FAILED, f"the API call failed: {error}; nothing was sent"


def _run(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    step: Callable[[argparse.Namespace, Mapping[str, str], TextIO, TextIO], int]
    step = _plan if args.step == "plan" else _apply
    try:
        return step(args, env, out, err)
    except SyncRefusedError as refused:
        err.write(f"refused, nothing was sent: {for_command_line(str(refused))}\n")
        return REFUSED
    except SyncOutcomeUnknownError as unknown:
        err.write(f"{terminal(str(unknown))}\n")
        return UNKNOWN
    except SyncIncidentError as incident:  # sent and accepted, but the read-back differs: ids only
        err.write(f"{terminal(str(incident))}\n")
        return INCIDENT
    except RosterFileError as error:
        err.write("".join(f"{terminal(str(problem))}\n" for problem in error.problems[:100]))
        if len(error.problems) > 100:
            err.write(f"... and {len(error.problems) - 100} more\n")
        err.write("nothing was sent\n")
        return BAD_INPUT
    except (RosterError, PlanFileError, HistoryError, ConfigurationError, UnknownIntegrationError) as error:
        err.write(f"{for_command_line(str(error))}\nnothing was sent\n")
        return BAD_INPUT
    except (AuthenticationError, PermissionDeniedError) as error:
        err.write(
            f"the API key was refused: {terminal(str(error))} (check {USERNAME}, {PASSWORD} and its "
            "permissions); nothing was sent\n"
        )
        return BAD_INPUT
    except _API_FAILURES as error:
        code, line = _failed(args.step, error)
        err.write(f"{terminal(line)}\n")
        return code


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
