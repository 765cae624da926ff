"""Working assumption O-15 on a fake clock: rolling window, 429 + Retry-After, block, recovery."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from jobticket_twin import FakeClock, TwinConfig, create_app
from jobticket_twin.ratelimit import RateLimiter
from jobticket_twin.testing import in_process_client
from tests.jobticket_twin.helpers import BASE_URL, auth, spec_checked

LIMIT = 5


@pytest.fixture
def limited(clock: FakeClock) -> Iterator[httpx.Client]:
    app = create_app(TwinConfig(clock=clock, rate_limit=LIMIT, window_seconds=60, block_seconds=300))
    with in_process_client(app, BASE_URL) as client:
        yield spec_checked(client)


def _spend(client: httpx.Client, count: int, key: str = "admin") -> list[int]:
    return [client.get("/employees/42", auth=auth(key)).status_code for _ in range(count)]


def test_the_request_over_the_limit_is_429_with_retry_after_and_error_body(limited: httpx.Client) -> None:
    assert _spend(limited, LIMIT) == [200] * LIMIT
    response = limited.get("/employees", auth=auth())
    assert response.status_code == 429
    assert response.headers["retry-after"] == "300"
    assert "message" in response.json()
    assert not any(name.lower().startswith("x-ratelimit") for name in response.headers)


def test_the_block_lasts_its_full_length_and_then_the_window_starts_empty(
    limited: httpx.Client, clock: FakeClock
) -> None:
    _spend(limited, LIMIT + 1)
    clock.advance(100)
    blocked = limited.get("/employees/42", auth=auth())
    assert (blocked.status_code, blocked.headers["retry-after"]) == (429, "200")
    clock.advance(199.5)
    assert limited.get("/employees/42", auth=auth()).headers["retry-after"] == "1"
    clock.advance(0.5)
    assert _spend(limited, LIMIT + 1) == [200] * LIMIT + [429]


def test_rejected_requests_neither_count_nor_extend_the_block(
    limited: httpx.Client, clock: FakeClock
) -> None:
    _spend(limited, LIMIT + 1)
    for _ in range(20):
        clock.advance(10)
        assert limited.get("/employees/42", auth=auth()).status_code == 429
    clock.advance(100)
    assert limited.get("/employees/42", auth=auth()).status_code == 200


def test_the_window_rolls(limited: httpx.Client, clock: FakeClock) -> None:
    _spend(limited, 3)
    clock.advance(30)
    _spend(limited, 2)
    clock.advance(30)  # the first three are now 60 s old and leave the window
    assert _spend(limited, 3) == [200, 200, 200]
    assert _spend(limited, 1) == [429]


def test_invalid_credentials_and_health_checks_do_not_count(limited: httpx.Client) -> None:
    for _ in range(3 * LIMIT):
        assert limited.get("/employees", auth=(auth()[0], "wrong")).status_code == 401
        assert limited.get("/health", auth=auth()).status_code == 200
    assert _spend(limited, LIMIT) == [200] * LIMIT


def test_health_answers_while_the_key_is_blocked(limited: httpx.Client) -> None:
    _spend(limited, LIMIT + 1)
    assert limited.get("/health", auth=auth()).status_code == 200


def test_forbidden_requests_count_because_the_credentials_are_valid(limited: httpx.Client) -> None:
    statuses = [limited.get("/hr-integrations", auth=auth("reader")).status_code for _ in range(LIMIT + 1)]
    assert statuses == [403] * LIMIT + [429]


def test_each_key_has_its_own_budget(limited: httpx.Client) -> None:
    _spend(limited, LIMIT + 1)
    assert _spend(limited, LIMIT, key="reader") == [200] * LIMIT


def test_the_default_limit_is_100_per_minute(client: httpx.Client) -> None:
    assert _spend(client, 100, key="rate-limit-probe") == [200] * 100
    assert _spend(client, 1, key="rate-limit-probe") == [429]


def test_rate_limit_zero_turns_the_limit_off(clock: FakeClock) -> None:
    with in_process_client(create_app(TwinConfig(clock=clock, rate_limit=0)), BASE_URL) as client:
        assert set(_spend(spec_checked(client), 150)) == {200}


def test_retry_after_is_whole_seconds_from_1_to_the_block_length() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limit=1, window=60, block=300, clock=clock)
    assert limiter.hit("k") is None
    assert limiter.hit("k") == 300
    clock.advance(299.99)
    assert limiter.hit("k") == 1
