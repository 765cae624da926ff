"""One-line construction from arguments, named environments or the environment; unsafe settings refused."""

from __future__ import annotations

import asyncio
import base64
import re

import httpx
import pytest

import jobticket
from jobticket import AsyncJobTicket, ConfigurationError, Environment, JobTicket

from .fakes import PASSWORD, USERNAME, json_response

ENV = {
    "JOBTICKET_BASE_URL": "https://v1-api-staging.ticket-plus.app/",
    "JOBTICKET_USERNAME": USERNAME,
    "JOBTICKET_PASSWORD": PASSWORD,
}


def capture(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, {"status": "ok"})

    return httpx.MockTransport(handler)


def test_from_env_sends_basic_auth_to_the_configured_host() -> None:
    seen: list[httpx.Request] = []
    with JobTicket.from_env(ENV, transport=capture(seen)) as client:
        client.request("GET", "/employees")
    request = seen[0]
    assert str(request.url) == "https://v1-api-staging.ticket-plus.app/employees"
    expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.headers["User-Agent"] == f"jobticket-python/{jobticket.__version__}"


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("staging", Environment.STAGING.value),
        ("production", Environment.PRODUCTION.value),
        ("PRODUCTION", Environment.PRODUCTION.value),
        (Environment.STAGING, Environment.STAGING.value),
    ],
)
def test_named_environments(name: str | Environment, url: str) -> None:
    seen: list[httpx.Request] = []
    with JobTicket(name, username="u", password="p", transport=capture(seen)) as client:
        client.health()
    assert str(seen[0].url) == f"{url}/health"


def test_explicit_arguments_win_over_the_environment() -> None:
    seen: list[httpx.Request] = []
    with JobTicket.from_env(
        ENV, base_url="http://127.0.0.1:9", username="other", transport=capture(seen)
    ) as c:
        c.request("GET", "/employees")
    assert seen[0].url.host == "127.0.0.1"
    assert (
        seen[0].headers["Authorization"] == "Basic " + base64.b64encode(f"other:{PASSWORD}".encode()).decode()
    )


def test_missing_settings_name_the_variables() -> None:
    with pytest.raises(ConfigurationError) as raised:
        JobTicket.from_env({"JOBTICKET_BASE_URL": "staging"})
    message = str(raised.value)
    assert "JOBTICKET_USERNAME" in message
    assert "JOBTICKET_PASSWORD" in message
    assert "JOBTICKET_BASE_URL" not in message


@pytest.mark.parametrize(
    "url", ["http://v1-api.ticket-plus.app", "http://example.com/api", "ftp://x", "nonsense"]
)
def test_credentials_are_never_sent_over_plain_http_or_odd_schemes(url: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        JobTicket(url, username="u", password="p")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:2"])
def test_plain_http_is_allowed_on_loopback(url: str) -> None:
    JobTicket(url, username="u", password="p").close()


def test_repr_never_shows_the_password() -> None:
    client = JobTicket.from_env(ENV)
    assert PASSWORD not in repr(client)
    assert USERNAME in repr(client)
    client.close()


def test_the_default_timeout_is_finite() -> None:
    client = JobTicket.from_env(ENV)
    timeout = client.http.timeout
    assert timeout.connect == 10.0
    assert timeout.read == 30.0
    client.close()
    assert JobTicket.from_env(ENV, timeout=5).http.timeout.read == 5.0


def test_async_client_is_built_the_same_way() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, {"status": "ok"})

    async def main() -> str | None:
        async with AsyncJobTicket.from_env(ENV, transport=httpx.MockTransport(handler)) as client:
            health = await client.health()
            await client.request("GET", "/employees")
            return str(health.status)

    assert asyncio.run(main()) == "ok"
    assert "Authorization" not in seen[0].headers  # Health Check needs no credentials
    assert seen[1].headers["Authorization"].startswith("Basic ")


@pytest.mark.parametrize(
    ("username", "password", "rule"),
    [
        ("key:id", "secret", "must not contain ':'"),
        ("key-id\n", "secret", "username (API key ID) holds a control character"),
        ("key-id", "hunter2\r\n", "password (API key secret) holds a control character"),
    ],
)
def test_credentials_basic_auth_would_mangle_are_refused_without_quoting_them(
    username: str, password: str, rule: str
) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(rule)) as raised:
        JobTicket("https://v1-api-staging.ticket-plus.app", username=username, password=password)
    assert "hunter2" not in str(raised.value)
    assert "key:id" not in str(raised.value)
