"""``scripts/twin``: serve the twin on loopback, print its URL and keys, stop cleanly on Ctrl-C."""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
from typing import TYPE_CHECKING

import uvicorn

from jobticket.variables import PASSWORD as PASSWORD_VAR
from jobticket.variables import USERNAME as USERNAME_VAR
from jobticket_twin.app import create_app
from jobticket_twin.clock import FakeClock
from jobticket_twin.config import TwinConfig, WebhookReceiver
from jobticket_twin.faults import FaultSpecError, parse_fault_spec
from jobticket_twin.seed import SEED_KEYS

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["build_config", "credentials_table", "main", "parse_args"]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line; bad values exit with a message naming the option."""
    parser = argparse.ArgumentParser(
        prog="scripts/twin", description="Local twin of the JobTicket+ staging API."
    )
    parser.add_argument("--port", type=int, default=8090, help="TCP port (default 8090)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data (default 0)")
    parser.add_argument("--rate-limit", type=int, default=100, help="requests per window and key; 0 = off")
    parser.add_argument(
        "--window", type=float, default=60.0, help="rate-limit window in seconds (default 60)"
    )
    parser.add_argument(
        "--block", type=float, default=300.0, help="block after the limit, seconds (default 300)"
    )
    parser.add_argument("--faults", default=None, help="fault spec, e.g. error=0.2,latency=0.05-0.3,seed=1")
    parser.add_argument(
        "--fake-clock", action="store_true", help="start a fake clock (POST /_twin/clock/advance)"
    )
    parser.add_argument(
        "--webhook", action="append", default=[], metavar="URL=SECRET", help="register a webhook receiver"
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be from 0 to 65535, got {args.port}")
    if args.rate_limit < 0:
        parser.error(f"--rate-limit must be >= 0 (0 turns it off), got {args.rate_limit}")
    if args.faults:
        try:
            parse_fault_spec(args.faults)
        except FaultSpecError as exc:
            parser.error(f"--faults: {exc}")
    for item in args.webhook:
        url, sep, secret = item.partition("=")
        if not sep or not url.startswith(("http://", "https://")) or not secret:
            parser.error(f"--webhook must be URL=SECRET with an http(s) URL, got {item!r}")
    return args


def build_config(args: argparse.Namespace, env: dict[str, str] | None = None) -> TwinConfig:
    """Turn the arguments (and JOBTICKET_USERNAME/PASSWORD, if set) into a TwinConfig."""
    env = dict(os.environ) if env is None else env
    username, password = env.get(USERNAME_VAR), env.get(PASSWORD_VAR)
    receivers = tuple(WebhookReceiver(*item.split("=", 1)) for item in args.webhook)
    config = TwinConfig(
        seed=args.seed,
        rate_limit=args.rate_limit,
        window_seconds=args.window,
        block_seconds=args.block,
        faults=parse_fault_spec(args.faults) if args.faults else None,
        extra_credentials=(username, password) if username and password else None,
        webhook_receivers=receivers,
    )
    return dataclasses.replace(config, clock=FakeClock()) if args.fake_clock else config


def credentials_table() -> str:
    """The seeded keys as a fixed-width table (the secrets are fake and local on purpose)."""
    lines = [f"{'key':<30} {'username (API key ID)':<38} {'password (secret)':<42} permissions"]
    for key in SEED_KEYS.values():
        permissions = ",".join(sorted(key.permissions)) if key.enabled else "(disabled key -> 401)"
        lines.append(f"{key.name:<30} {key.key_id:<38} {key.secret:<42} {permissions}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until Ctrl-C or SIGTERM."""
    args = parse_args(argv)
    config = build_config(args)
    base_url = f"http://{args.host}:{args.port}"
    print(f"JobTicket+ twin on {base_url} (seed {config.seed}, rate limit {config.rate_limit or 'off'}, "
          f"faults {args.faults or 'off'})")  # fmt: skip
    print(credentials_table())
    if config.extra_credentials is not None:
        print(f"{USERNAME_VAR}/{PASSWORD_VAR} are accepted too, with every permission.")
    admin = SEED_KEYS["admin"]
    print(f"Example: curl -u {admin.key_id}:{admin.secret} '{base_url}/employees?perPage=100'")
    sys.stdout.flush()
    # uvicorn shuts down gracefully, then re-raises the signal it caught; let SIGTERM end like Ctrl-C
    # (a KeyboardInterrupt that uvicorn.run absorbs) instead of killing the process before we report.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning", access_log=False)
    print("twin stopped")
    return 0
