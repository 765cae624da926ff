"""Fixtures every test may use: the pinned spec, loaded once, and its documented examples.

Every test (and every process a test starts) keeps the client's shared pacing files in a temporary
cache directory, never in the user's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

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
