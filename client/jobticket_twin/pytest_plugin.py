"""pytest plugin of the distribution's ``[testing]`` extra: the ``jobticket_twin`` fixture.

Registered through the ``pytest11`` entry point, so installing ``jobticket-api-client[testing]`` is
enough::

    def test_active_employees(jobticket_twin):
        with jobticket_twin.client() as client:
            assert any(e.subscription.status == "active" for e in client.list_employees())

Override the ``jobticket_twin_config`` fixture to start from another ``TwinConfig`` (seed, rate limit,
faults). This module imports nothing of the twin until the fixture is used, so a project that installs
the distribution without the extra still runs pytest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jobticket_twin.config import TwinConfig
    from jobticket_twin.kit import TwinKit

__all__ = ["jobticket_twin", "jobticket_twin_config"]


@pytest.fixture
def jobticket_twin_config() -> TwinConfig | None:
    """The config of the ``jobticket_twin`` fixture (None: seed 0, the API's rate limit); override it."""
    return None


@pytest.fixture
def jobticket_twin(jobticket_twin_config: TwinConfig | None) -> Iterator[TwinKit]:
    """A fresh in-process twin with seed data, connected clients on a fake clock and its controls."""
    try:
        from jobticket_twin.kit import in_process_twin  # noqa: PLC0415 - only when used: needs the extra
    except ImportError as error:  # pragma: no cover - depends on what is installed
        raise RuntimeError(
            "the jobticket_twin fixture needs the [testing] extra: "
            f"pip install 'jobticket-api-client[testing]' ({error})"
        ) from error
    with in_process_twin(jobticket_twin_config) as twin:
        yield twin
