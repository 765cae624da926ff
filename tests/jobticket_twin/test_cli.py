"""``python -m jobticket_twin`` (also ``jobticket-kit twin``): options, the key table, a clean stop."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from typing import Any

import httpx
import pytest

from jobticket_twin.cli import _listening_socket, build_config, credentials_table, main, twin
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import twin_process
from tests.jobticket_twin.helpers import spec_checked


def options(argv: list[str]) -> dict[str, Any]:
    return twin.make_context("twin", argv).params


def test_arguments_become_the_config() -> None:
    parsed = options(["--port", "0", "--seed", "3", "--rate-limit", "0", "--faults", "error=0.1,seed=1"])
    config = build_config(parsed, env={"JOBTICKET_USERNAME": "u", "JOBTICKET_PASSWORD": "p"})
    assert (config.seed, config.rate_limit, config.extra_credentials) == (3, 0, ("u", "p"))
    assert config.employees == 250
    assert build_config(options(["--employees", "200000"]), env={}).employees == 200_000
    assert config.faults is not None
    assert config.faults.error == 0.1
    assert build_config(options([]), env={}).extra_credentials is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--faults", "error=5"], "'--faults': fault item error must be from 0 to 1"),
        (["--rate-limit", "-1"], "'--rate-limit': -1 is not in the range x>=0"),
        (["--port", "70000"], "'--port': 70000 is not in the range 0<=x<=65535"),
        (["--webhook", "no-secret"], "'--webhook': must be URL=SECRET"),
        (["--employees", "10"], "'--employees': 10 is not in the range 250<=x<=5000000"),
    ],
)
def test_bad_arguments_exit_with_a_message_naming_the_option(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_the_credentials_table_lists_every_key() -> None:
    table = credentials_table()
    for key in SEED_KEYS.values():
        assert key.key_id in table
        assert key.secret in table


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_server_prints_its_url_and_keys_serves_and_stops_cleanly(stop: signal.Signals) -> None:
    admin = SEED_KEYS["admin"]
    env = {"JOBTICKET_USERNAME": "ci-user", "JOBTICKET_PASSWORD": "ci-password"}
    with twin_process(env=env) as twin:
        with httpx.Client(base_url=twin.base_url, trust_env=False) as client:
            response = spec_checked(client).get(
                "/employees", params={"perPage": 100}, auth=(admin.key_id, admin.secret)
            )
            assert response.status_code == 200
            page = response.json()["data"]
            assert len(page["data"]) == 100
            assert page["data"][0]["_links"]["self"]["href"] == f"{twin.base_url}/employees/1"
            assert client.get("/hr-integrations", auth=("ci-user", "ci-password")).status_code == 200
        twin.process.send_signal(stop)
        output, _ = twin.process.communicate(timeout=15)
    assert twin.process.returncode == 0
    assert output.splitlines()[0].startswith(f"JobTicket+ twin on {twin.base_url}")
    assert admin.secret in output
    assert "JOBTICKET_USERNAME/JOBTICKET_PASSWORD are accepted too" in output
    assert "ci-password" not in output
    assert output.rstrip().endswith("twin stopped")
    assert "Traceback" not in output


@pytest.mark.slow
def test_port_0_prints_the_port_the_os_chose() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "jobticket_twin", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.match(r"JobTicket\+ twin on (http://127\.0\.0\.1:(\d+)) ", first)
        assert match is not None, first
        assert int(match.group(2)) > 0
        admin = SEED_KEYS["admin"]
        response = httpx.get(
            f"{match.group(1)}/employees/1", auth=(admin.key_id, admin.secret), trust_env=False, timeout=10
        )
        assert response.status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=15)
    assert process.returncode == 0, output
    assert output.rstrip().endswith("twin stopped")


def test_the_twin_listens_on_a_socket_that_says_it_is_tcp() -> None:
    # asyncio turns Nagle off (TCP_NODELAY) only for connections of such a socket; without it each answer
    # on a kept-alive connection waited 40 ms, and 100 requests outlasted a scaled 3-s rate-limit window.
    with _listening_socket("127.0.0.1", 0) as listening:
        assert listening.proto == socket.IPPROTO_TCP
        assert listening.getsockname()[1] > 0
