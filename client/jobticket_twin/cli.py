"""The twin's command: serve it on loopback, print its URL and keys, stop cleanly on Ctrl-C.

This one click command is both ``python -m jobticket_twin`` (the client distribution's own entry,
no kit needed) and ``jobticket-kit twin`` (the kit adds the same object to its group), so its options
are defined once. click comes with the ``[testing]`` extra that the twin needs anyway (uvicorn
requires it too).
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import math
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import click
import uvicorn

from jobticket.variables import PASSWORD as PASSWORD_VAR
from jobticket.variables import USERNAME as USERNAME_VAR
from jobticket_twin.app import create_app
from jobticket_twin.clock import FakeClock
from jobticket_twin.config import MAX_SECONDS, TwinConfig, WebhookReceiver
from jobticket_twin.faults import FaultSpecError, parse_fault_spec
from jobticket_twin.seed import EMPLOYEE_COUNT, SEED_KEYS

__all__ = ["MAX_EMPLOYEES", "Seconds", "build_config", "credentials_table", "main", "twin"]

MAX_EMPLOYEES = 5_000_000  # a typo's extra zeros would fill the memory before the twin answers


def _faults(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        try:
            parse_fault_spec(value)
        except FaultSpecError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None
    return value


def _webhooks(
    ctx: click.Context, param: click.Parameter, value: Sequence[str]
) -> tuple[WebhookReceiver, ...]:
    receivers = []
    for item in value:
        url, sep, secret = item.partition("=")
        if not sep or not url.startswith(("http://", "https://")) or not secret:
            raise click.BadParameter(f"must be URL=SECRET with an http(s) URL, got {url!r}=...", ctx, param)
        try:
            receivers.append(WebhookReceiver(url, secret))
        except ValueError as error:
            raise click.BadParameter(f"{url!r}: {error}", ctx, param) from None
    return tuple(receivers)


def _bind_address(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An interface to bind is an IP address or ``localhost``: a name would be looked up, anywhere."""
    if value == "localhost":
        return value
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise click.BadParameter(
            f"must be an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost, got {value!r}", ctx, param
        ) from None


class Seconds(click.FloatRange):
    """A finite number of seconds in a range (click's FloatRange lets ``nan`` through every bound)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The number, or click's usage error when it is out of range or not finite."""
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{seconds} is not a finite number of seconds", param, ctx)
        return seconds


@click.command(name="twin", short_help="Serve the local twin of the staging API.")
@click.option("--port", type=click.IntRange(0, 65535), default=8090, show_default=True, help="TCP port.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=_bind_address,
    help="Interface to bind (an IP address).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the synthetic data.")
@click.option(
    "--employees",
    type=click.IntRange(min=EMPLOYEE_COUNT, max=MAX_EMPLOYEES),
    default=EMPLOYEE_COUNT,
    show_default=True,
    metavar="N",
    help="Employees of the synthetic company (more than 250: a large company, e.g. 200000).",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    metavar="N",
    help="Requests per window and key; 0 turns the limit off.",
)
@click.option(
    "--window",
    type=Seconds(min=0, min_open=True, max=MAX_SECONDS),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Rate-limit window.",
)
@click.option(
    "--block",
    type=Seconds(min=0, min_open=True, max=MAX_SECONDS),
    default=300.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a key stays blocked after it passes the limit.",
)
@click.option(
    "--faults",
    metavar="SPEC",
    callback=_faults,
    help="Injected faults, e.g. error=0.2,latency=0.05-0.3,seed=1.",
)
@click.option("--fake-clock", is_flag=True, help="Run on a fake clock (POST /_twin/clock/advance moves it).")
@click.option(
    "--webhook",
    "webhooks",
    multiple=True,
    metavar="URL=SECRET",
    callback=_webhooks,
    help="Register a webhook receiver (repeatable).",
)
def twin(port: int, host: str, **options: Any) -> int:
    """Serve the local twin of the JobTicket+ staging API until Ctrl-C.

    JOBTICKET_USERNAME and JOBTICKET_PASSWORD, when both are set, are accepted as one more key with every
    permission.
    """
    config = build_config(options)
    # Bound before anything is printed, so the URL names the port the OS chose for --port 0.
    listening = _listening_socket(host, port)
    port = listening.getsockname()[1]
    base_url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    click.echo(
        f"JobTicket+ twin on {base_url} (seed {config.seed}, {config.employees} employees, "
        f"rate limit {config.rate_limit or 'off'}, "
        f"faults {options['faults'] or 'off'})"
    )
    click.echo(credentials_table())
    if config.extra_credentials is not None:
        click.echo(f"{USERNAME_VAR}/{PASSWORD_VAR} are accepted too, with every permission.")
    admin = SEED_KEYS["admin"]
    click.echo(f"Example: curl -u {admin.key_id}:{admin.secret} '{base_url}/employees?perPage=100'")
    sys.stdout.flush()  # a script reading the URL through a pipe gets it now, not when the twin stops
    # uvicorn shuts down gracefully, then re-raises the signal it caught; let SIGTERM end like Ctrl-C
    # (a KeyboardInterrupt that uvicorn.run absorbs) instead of killing the process before we report.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", access_log=False))
    with contextlib.suppress(KeyboardInterrupt), listening:  # Ctrl-C is the way to stop (uvicorn.run's too)
        server.run(sockets=[listening])
    click.echo("twin stopped")
    return 0


def _listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (a port of the OS's choice for 0), ready for uvicorn to serve.

    It names its protocol: asyncio sets TCP_NODELAY only on connections of a socket that says it is TCP,
    and without it every answer on a kept-alive connection waits out the client's delayed ACK (40 ms).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen()
    except OSError as error:
        listening.close()
        raise click.ClickException(f"--port: cannot listen on {host}:{port}: {error.strerror}") from None
    return listening


def build_config(options: Mapping[str, Any], env: Mapping[str, str] | None = None) -> TwinConfig:
    """Turn the parsed options (and JOBTICKET_USERNAME/PASSWORD, if both are set) into a TwinConfig."""
    env = os.environ if env is None else env
    username, password = env.get(USERNAME_VAR), env.get(PASSWORD_VAR)
    config = TwinConfig(
        seed=options["seed"],
        employees=options["employees"],
        rate_limit=options["rate_limit"],
        window_seconds=options["window"],
        block_seconds=options["block"],
        faults=parse_fault_spec(options["faults"]) if options["faults"] else None,
        extra_credentials=(username, password) if username and password else None,
        webhook_receivers=options["webhooks"],
    )
    return dataclasses.replace(config, clock=FakeClock()) if options["fake_clock"] else config


def credentials_table() -> str:
    """The seeded keys as a fixed-width table (the secrets are fake and local on purpose)."""
    lines = [f"{'key':<30} {'username (API key ID)':<38} {'password (secret)':<42} permissions"]
    for key in SEED_KEYS.values():
        permissions = ",".join(sorted(key.permissions)) if key.enabled else "(disabled key -> 401)"
        lines.append(f"{key.name:<30} {key.key_id:<38} {key.secret:<42} {permissions}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m jobticket_twin``: the same command, standalone (click's usage errors exit 2)."""
    return twin.main(args=argv, prog_name="python -m jobticket_twin")
