"""Which API our tooling may talk to, as the settings read it from the environment."""

from __future__ import annotations

import pytest

from jobticket_kit.settings import KitSettings
from jobticket_kit.target import DestructiveNotAllowed, ProductionRefused, Target, TargetError
from tests.jobticket.test_hosts import MALFORMED, PRODUCTION_SPELLINGS, no_network

__all__ = ["no_network"]  # the fixture, shared with the client's host tests

STAGING = "https://v1-api-staging.ticket-plus.app"
CREDENTIALS = {"JOBTICKET_USERNAME": "key", "JOBTICKET_PASSWORD": "secret"}


def _target(env: dict[str, str]) -> Target:
    return KitSettings.from_env(env).target


def test_unset_base_url_means_the_twin() -> None:
    target = _target({})
    assert target.is_twin
    assert target.require_destructive() is None


@pytest.mark.parametrize(
    "url",
    [
        "https://v1-api.ticket-plus.app",
        "http://v1-api.ticket-plus.app/",
        "https://V1-API.Ticket-Plus.App:443/employees",
        "https://v1-api.ticket-plus.app./",
    ],
)
def test_production_is_refused_however_it_is_spelled(url: str) -> None:
    with pytest.raises(ProductionRefused, match="production host"):
        _target({"JOBTICKET_BASE_URL": url, **CREDENTIALS})


@pytest.mark.parametrize("url", PRODUCTION_SPELLINGS)
def test_production_is_refused_as_the_http_libraries_read_it(url: str, no_network: list[object]) -> None:
    with pytest.raises(ProductionRefused, match="production host"):
        _target({"JOBTICKET_BASE_URL": url, **CREDENTIALS})


@pytest.mark.parametrize("url", [url for url in MALFORMED if url.strip()])
def test_malformed_urls_are_refused_before_any_lookup(url: str, no_network: list[object]) -> None:
    with pytest.raises(TargetError, match="JOBTICKET_BASE_URL") as raised:
        _target({"JOBTICKET_BASE_URL": url, **CREDENTIALS})
    assert "\n" not in str(raised.value)


def test_named_environments_read_as_the_client_reads_them() -> None:
    with pytest.raises(ProductionRefused, match="production host"):
        _target({"JOBTICKET_BASE_URL": "production", **CREDENTIALS})
    assert _target({"JOBTICKET_BASE_URL": "staging", **CREDENTIALS}).base_url == STAGING


def test_staging_needs_credentials() -> None:
    with pytest.raises(TargetError, match="JOBTICKET_USERNAME and JOBTICKET_PASSWORD"):
        _target({"JOBTICKET_BASE_URL": STAGING})
    target = _target({"JOBTICKET_BASE_URL": STAGING + "/", **CREDENTIALS})
    assert (target.base_url, target.is_twin) == (STAGING, False)


def test_plain_http_only_on_loopback() -> None:
    with pytest.raises(TargetError, match="https://"):
        _target({"JOBTICKET_BASE_URL": "http://v1-api-staging.ticket-plus.app", **CREDENTIALS})
    assert _target({"JOBTICKET_BASE_URL": "http://127.0.0.1:8090", **CREDENTIALS}).base_url


@pytest.mark.parametrize(
    "extra",
    [{}, {"JOBTICKET_ALLOW_DESTRUCTIVE": "1"}, {"JOBTICKET_SANDBOX_INTEGRATION_ID": "7"}],
)
def test_destructive_calls_on_staging_need_both_opt_ins(extra: dict[str, str]) -> None:
    target = _target({"JOBTICKET_BASE_URL": STAGING, **CREDENTIALS, **extra})
    with pytest.raises(DestructiveNotAllowed, match="JOBTICKET_ALLOW_DESTRUCTIVE=1"):
        target.require_destructive()


def test_destructive_calls_on_staging_use_the_sandbox_integration() -> None:
    env = {
        "JOBTICKET_BASE_URL": STAGING,
        **CREDENTIALS,
        "JOBTICKET_ALLOW_DESTRUCTIVE": "1",
        "JOBTICKET_SANDBOX_INTEGRATION_ID": "7",
    }
    assert _target(env).require_destructive() == 7


def test_bad_sandbox_integration_is_named() -> None:
    with pytest.raises(TargetError, match="JOBTICKET_SANDBOX_INTEGRATION_ID must be a positive integer"):
        _target({"JOBTICKET_SANDBOX_INTEGRATION_ID": "seven"})
