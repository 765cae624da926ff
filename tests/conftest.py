"""Fixtures every test may use: the pinned spec, loaded once, its documented examples, and a twin.

Every test (and every process a test starts) keeps the client's shared pacing files in a temporary
cache directory, never in the user's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers.twins import Twin, TwinOptions, TwinPool, start_twin
from tests.helpers.virtualenvs import Wheelhouse, build_wheelhouse

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "jobticket.openapi.yaml"


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="session")
def examples(spec: dict[str, Any]) -> dict[str, Any]:
    """The docs' example values, by component example name."""
    return {name: example["value"] for name, example in spec["components"]["examples"].items()}


@pytest.fixture(scope="session", autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as patch:
        cache = tmp_path_factory.mktemp("xdg-cache")
        patch.setenv("XDG_CACHE_HOME", str(cache))
        yield cache


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "twin(**options): how the `twin` fixture starts its twin (see tests.helpers.twins.TwinOptions)",
    )


@pytest.fixture
def twin_options(request: pytest.FixtureRequest) -> TwinOptions:
    """The options of the closest ``@pytest.mark.twin(...)``; override this fixture when they depend on
    other fixtures (a webhook receiver's URL)."""
    marker = request.node.get_closest_marker("twin")
    return TwinOptions(**marker.kwargs) if marker else TwinOptions()


@pytest.fixture(scope="module")
def shared_twins() -> Iterator[TwinPool]:
    """The module's shared twins, stopped after its last test."""
    pool = TwinPool()
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def twin(twin_options: TwinOptions, request: pytest.FixtureRequest) -> Iterator[Twin]:
    """A twin on loopback as ``twin_options`` describe it, stopped after the test (or, when shared, after
    the module, and reset to its seed before each test)."""
    if twin_options.shared:
        pool: TwinPool = request.getfixturevalue("shared_twins")
        shared = pool.get(twin_options)
        shared.reset()
        yield shared
        return
    with start_twin(twin_options) as fresh:
        yield fresh


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Wheelhouse:
    """The client's wheel and everything installing it offline can need (``tests.helpers.virtualenvs``)."""
    return build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))
