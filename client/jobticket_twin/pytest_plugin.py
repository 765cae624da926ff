"""pytest plugin of the client distribution: the ``jobticket_twin`` fixture (``[testing]`` extra).

Registered through the ``pytest11`` entry point, so installing ``jobticket-api-client[testing]`` is
enough::

    def test_active_employees(jobticket_twin):
        with jobticket_twin.client() as client:
            assert any(e.subscription.status == "active" for e in client.list_employees())

Override the ``jobticket_twin_config`` fixture to start from another ``TwinConfig`` (seed, rate limit,
faults). The entry point is registered by every install, extra or not, so loading this module imports
nothing beyond pytest and the light ``jobticket_twin`` package: a project without the extra runs pytest
unchanged, and a test that asks for the fixture there fails with one line naming the extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jobticket_twin.config import TwinConfig
    from jobticket_twin.kit import TwinKit

__all__ = ["TESTING_EXTRA_MODULES", "jobticket_twin", "jobticket_twin_config"]

# What the [testing] extra brings that the fixture imports (pytest is there already).
TESTING_EXTRA_MODULES = frozenset({"starlette", "uvicorn", "anyio", "click"})


@pytest.fixture
def jobticket_twin_config() -> TwinConfig | None:
    """The config of the ``jobticket_twin`` fixture (None: seed 0, the API's rate limit); override it."""
    return None


@pytest.fixture
def jobticket_twin(jobticket_twin_config: TwinConfig | None) -> Iterator[TwinKit]:
    """A fresh in-process twin with seed data, connected clients on a fake clock and its controls."""
    try:
        from jobticket_twin.kit import in_process_twin  # noqa: PLC0415 - only when used: needs the extra
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in TESTING_EXTRA_MODULES:
            raise
        missing = error.name
    else:
        with in_process_twin(jobticket_twin_config) as twin:
            yield twin
        return
    # Outside the except block: one line, with no chained traceback of the failed import.
    pytest.fail(
        f"the jobticket_twin fixture needs the [testing] extra ({missing} is not installed): "
        "pip install 'jobticket-api-client[testing]'",
        pytrace=False,
    )
