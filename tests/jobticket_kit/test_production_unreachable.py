"""No way around the host check: proxies, the pacer store, update-spec and the twin's webhooks.

Every test runs under a guard that refuses and records every non-loopback lookup and connection
(``tests/network_guard.py``), in-process or in the child process of the real command line, and points
one of those routes at the production host: no attempt may name it (nor any other non-loopback host).
The guard itself is shown to see a lookup, and a staging-like run through a legitimate proxy still works.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import requests

from jobticket import ConfigurationError, JobTicket
from jobticket.variables import PACER_STORE
from jobticket_kit import variables
from jobticket_kit.checkout import project_root
from jobticket_kit.cli import main as kit
from jobticket_kit.contract.meter import RequestMeter
from jobticket_kit.contract.operations import load_spec
from jobticket_kit.contract.origins import OtherOriginRefused
from jobticket_twin import FakeClock, TwinConfig, WebhookReceiver, create_app
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import free_port, in_process_client
from tests.helpers.loopback import LoopbackServer, forward_proxy
from tests.helpers.twins import Twin
from tests.network_guard import PRODUCTION_HOST, Attempt, network_guard, read_attempts

from .contract.conftest import contract_env, run_contract

__all__ = ["network_guard"]  # the fixture

ROOT = project_root()
GUARD = ROOT / "tests" / "network_guard.py"
# Spellings of production any HTTP library (or a forgiving reader) maps to the host.
PRODUCTION_PROXIES = [
    f"http://{PRODUCTION_HOST}:443",
    f"{PRODUCTION_HOST}:3128",
    "http://user:pw@v1-api.ticket-plus%2Eapp:8080",
    "socks5://v1-api\u3002ticket-plus\u3002app:1080",
    "http://V1-API.Ticket-Plus.App.:80",
]
PRODUCTION_URLS = [
    f"https://{PRODUCTION_HOST}/openapi.yaml",
    "https://v1-api.ticket-plus%2Eapp/openapi.yaml",
    "https://v1-api\uff0eticket-plus\uff0eapp/openapi.yaml",
    "https://v1-api.ticket-plus.app\\@127.0.0.1/openapi.yaml",
]
ADMIN = SEED_KEYS["admin"]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*variables.ALL_VARIABLES, *_proxy_variables()):
        monkeypatch.delenv(name, raising=False)


def _proxy_variables() -> list[str]:
    names = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
    return [spelling for name in names for spelling in (name, name.lower())]


def _no_attempt(attempts: list[Attempt]) -> None:
    assert not [attempt for attempt in attempts if attempt.is_production], attempts
    assert attempts == []  # nothing else off loopback either


# -- in-process, under the guard ------------------------------------------------------------------------


@pytest.mark.parametrize("proxy", PRODUCTION_PROXIES)
@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "http_proxy", "ALL_PROXY"])
@pytest.mark.parametrize("command", ["contract", "nightly", "record-cassettes"])
def test_a_proxy_variable_naming_production_stops_every_tool(
    command: str,
    variable: str,
    proxy: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    network_guard: list[Attempt],
) -> None:
    monkeypatch.setenv(variable, proxy)
    assert kit([command, "--output-dir", str(tmp_path / "out")]) == 2
    line = capsys.readouterr().err.strip()
    assert line == (
        f"jobticket-kit {command}: refused: {variable} names the production host; our tooling never "
        "sends anything to or through it"
    )
    assert "pw" not in line
    assert not (tmp_path / "out").exists()
    _no_attempt(network_guard)


def test_the_meter_checks_the_proxy_requests_will_really_use(network_guard: list[Attempt]) -> None:
    """A proxy handed to requests any other way than the environment is checked where it is used."""
    refused: dict[str, int] = {}
    meter = RequestMeter("http://127.0.0.1:9", load_spec(), {}, clock=FakeClock(), refused=refused)
    with meter, requests.Session() as session:
        session.trust_env = False
        with pytest.raises(OtherOriginRefused, match="names the production host"):
            session.get(
                "http://127.0.0.1:9/health", proxies={"http": f"http://{PRODUCTION_HOST}:3128"}, timeout=5
            )
    assert refused == {"proxy": 1}
    _no_attempt(network_guard)


@pytest.mark.parametrize("url", PRODUCTION_URLS)
def test_update_spec_never_fetches_from_production(
    url: str, capsys: pytest.CaptureFixture[str], network_guard: list[Attempt]
) -> None:
    assert kit(["update-spec", url, "--root", str(ROOT)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rejected: ")
    assert "production host" in err or "refused" in err
    _no_attempt(network_guard)


def test_update_spec_checks_the_proxy_it_would_fetch_through(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], network_guard: list[Attempt]
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://{PRODUCTION_HOST}:3128")
    with LoopbackServer() as spec_server:
        assert kit(["update-spec", spec_server.url("/openapi.yaml"), "--root", str(ROOT)]) == 2
    assert spec_server.request_lines == []
    assert "HTTP_PROXY names the production host" in capsys.readouterr().err
    _no_attempt(network_guard)


def test_update_spec_fetches_over_https_only_off_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    assert kit(["update-spec", "http://specs.example.com/openapi.yaml", "--root", str(ROOT)]) == 2
    assert "a spec is fetched over https (plain http on loopback only)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "store",
    [
        f"redis://{PRODUCTION_HOST}:6379/0",
        "rediss://:secret@v1-api.ticket-plus%2Eapp:6380",
        "redis://cache.example.com@v1-api\u3002ticket-plus\u3002app",
        f"redis://?host={PRODUCTION_HOST}",
    ],
)
def test_the_pacer_store_is_never_on_production(
    store: str, monkeypatch: pytest.MonkeyPatch, network_guard: list[Attempt]
) -> None:
    monkeypatch.setenv(PACER_STORE, store)
    with pytest.raises(
        ConfigurationError, match="the API's production host is never a pacer store"
    ) as raised:
        JobTicket("http://127.0.0.1:9", username=ADMIN.key_id, password=ADMIN.secret)
    assert "secret" not in str(raised.value)
    with pytest.raises(ConfigurationError, match="production host"):
        JobTicket("http://127.0.0.1:9", username="u", password="p", pacer_store=store)
    _no_attempt(network_guard)


@pytest.mark.parametrize("url", [url.replace("/openapi.yaml", "/hook") for url in PRODUCTION_URLS[:3]])
def test_the_twin_never_delivers_webhooks_to_production(
    url: str, capsys: pytest.CaptureFixture[str], network_guard: list[Attempt]
) -> None:
    with pytest.raises(ValueError, match="production host"):
        WebhookReceiver(url, "whsec")
    assert kit(["twin", "--webhook", f"{url}=whsec"]) == 2
    assert "a webhook URL on the API's production host is refused" in capsys.readouterr().err
    with in_process_client(create_app(TwinConfig(clock=FakeClock()))) as control:
        answer = control.post("/_twin/webhooks", json={"url": url, "secret": "whsec"})
        assert answer.status_code == 422
        assert "production host" in answer.json()["errors"]["url"][0]
        changed = control.post("/_twin/employees/42/subscription", json={"status": "paused"})
        assert changed.status_code == 200
        assert control.get("/_twin/webhooks").json()["deliveries"] == []
    _no_attempt(network_guard)


def test_the_guard_sees_a_lookup(network_guard: list[Attempt]) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"https://{PRODUCTION_HOST}/health", trust_env=False)
    assert network_guard == [Attempt("getaddrinfo", PRODUCTION_HOST)]
    network_guard.clear()  # seen: the fixture's own check is not the point here


# -- the real command lines, in a guarded child process ----------------------------------------------------


def _guarded(log: Path, *command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GUARD), str(log), *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _without_proxies(env: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name not in _proxy_variables()}


@pytest.mark.slow
@pytest.mark.twin(rate_limit=0)
@pytest.mark.parametrize("command", ["contract", "record-cassettes"])
def test_the_tools_look_nothing_up_with_production_proxies(command: str, twin: Twin, tmp_path: Path) -> None:
    env = _without_proxies(contract_env(twin.base_url))
    env.update(HTTPS_PROXY=f"https://{PRODUCTION_HOST}", HTTP_PROXY="v1-api.ticket-plus%2Eapp:80")
    log = tmp_path / "attempts.jsonl"
    completed = _guarded(log, "-m", "jobticket_kit", command, "--output-dir", str(tmp_path / "out"), env=env)
    assert completed.returncode == 2, completed.stderr[-2000:]
    assert completed.stderr.count("\n") == 1
    assert "names the production host" in completed.stderr
    assert not (tmp_path / "out").exists()
    _no_attempt(read_attempts(str(log)))


@pytest.mark.slow
def test_update_spec_looks_nothing_up_for_a_production_url(tmp_path: Path) -> None:
    log = tmp_path / "attempts.jsonl"
    for url in PRODUCTION_URLS[:2]:
        completed = _guarded(log, "-m", "jobticket_kit", "update-spec", url, env=contract_env())
        assert completed.returncode == 2, completed.stderr[-2000:]
    env = {**contract_env(), "HTTPS_PROXY": f"http://{PRODUCTION_HOST}:3128"}
    completed = _guarded(
        log, "-m", "jobticket_kit", "update-spec", "https://specs.example.com/x.yaml", env=env
    )
    assert completed.returncode == 2
    assert "HTTPS_PROXY names the production host" in completed.stderr
    _no_attempt(read_attempts(str(log)))


def test_a_client_with_a_production_pacer_store_looks_nothing_up(tmp_path: Path) -> None:
    log = tmp_path / "attempts.jsonl"
    code = (
        "from jobticket import JobTicket, ConfigurationError\n"
        "try:\n"
        "    JobTicket('http://127.0.0.1:9', username='u', password='p').health()\n"
        "except ConfigurationError as error:\n"
        "    print(error)\n"
    )
    env = {**contract_env(), PACER_STORE: f"redis://{PRODUCTION_HOST}:6379/0"}
    completed = _guarded(log, "-c", code, env=env)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "the API's production host is never a pacer store" in completed.stdout
    _no_attempt(read_attempts(str(log)))


@pytest.mark.slow
def test_a_twin_process_delivers_to_loopback_and_never_to_production(tmp_path: Path) -> None:
    log = tmp_path / "attempts.jsonl"
    env = contract_env()
    refused = _guarded(log, "-m", "jobticket_twin", "--webhook", f"https://{PRODUCTION_HOST}/hook=s", env=env)
    assert refused.returncode == 2
    assert "a webhook URL on the API's production host is refused" in refused.stdout + refused.stderr
    with LoopbackServer() as receiver:
        port = free_port()
        command = [sys.executable, str(GUARD), str(log), "-m", "jobticket_twin", "--port", str(port)]
        command += ["--webhook", f"{receiver.url('/hook')}=whsec"]
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            control = _wait_for(f"http://127.0.0.1:{port}")
            production = {"url": f"https://{PRODUCTION_HOST}/h", "secret": "s"}
            assert control.post("/_twin/webhooks", json=production).status_code == 422
            changed = control.post("/_twin/employees/42/subscription", json={"status": "paused"})
            assert changed.status_code == 200
            _wait_until(lambda: receiver.request_lines == ["POST /hook"])
        finally:
            child.terminate()
            child.wait(timeout=30)
    _no_attempt(read_attempts(str(log)))


def test_the_guard_of_a_child_process_records_a_lookup(tmp_path: Path) -> None:
    log = tmp_path / "attempts.jsonl"
    code = (
        f"import socket\ntry:\n    socket.getaddrinfo('{PRODUCTION_HOST}', 443)\nexcept OSError:\n    pass\n"
    )
    assert _guarded(log, "-c", code, env=contract_env()).returncode == 0
    assert read_attempts(str(log)) == [Attempt("getaddrinfo", PRODUCTION_HOST)]


@pytest.mark.slow
@pytest.mark.twin(rate_limit=0)
def test_a_run_through_a_legitimate_proxy_still_works(twin: Twin, tmp_path: Path) -> None:
    """What a user behind a corporate proxy expects: the run goes through it, and passes."""
    with LoopbackServer(forward_proxy()) as proxy:
        env = {**_without_proxies(contract_env(twin.base_url)), "HTTP_PROXY": proxy.base_url}
        outcome = run_contract(env, tmp_path / "reports", "contract_tests/test_filters.py")
    assert outcome.code == 0, outcome.output[-3000:]
    assert outcome.results["verdict"] == "contract holds"
    relayed = [line for line in proxy.request_lines if line.startswith(f"GET {twin.base_url}/employees")]
    assert len(relayed) >= 5, proxy.request_lines


def _wait_for(base_url: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, trust_env=False, timeout=5)
    _wait_until(lambda: _answers(client))
    return client


def _answers(client: httpx.Client) -> bool:
    try:
        return client.get("/_twin/webhooks").status_code == 200
    except httpx.TransportError:
        return False


def _wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)
