"""Fixtures: an in-process twin on a fake clock whose every response is validated against openapi/."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from jobticket_twin import FakeClock, TwinConfig, create_app
from jobticket_twin.testing import in_process_client
from tests.jobticket_twin.helpers import BASE_URL, spec_checked

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx
    from starlette.applications import Starlette

    from jobticket_twin.state import TwinState


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(clock: FakeClock) -> TwinConfig:
    return TwinConfig(clock=clock)


@pytest.fixture
def app(config: TwinConfig) -> Starlette:
    return create_app(config)


@pytest.fixture
def client(app: Starlette) -> Iterator[httpx.Client]:
    """An httpx client on the in-process twin (lifespan running), every API response spec-checked."""
    with in_process_client(app, BASE_URL) as http:
        yield spec_checked(http)


@pytest.fixture
def state(app: Starlette) -> TwinState:
    twin: TwinState = app.state.twin
    return twin


# The testing kit's fixtures, also when this checkout's client was installed before its pytest11 entry
# point existed (an entry-point registration of the same plugin is simply overridden by these).
from jobticket_twin.pytest_plugin import jobticket_twin, jobticket_twin_config  # noqa: E402, F401
