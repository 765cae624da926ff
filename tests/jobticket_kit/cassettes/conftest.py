"""Fixtures of the cassette tests: the committed set, loaded once, and the pinned spec's operations."""

from __future__ import annotations

import pytest
import yaml

from jobticket_kit.cassettes.layout import Cassette, cassette_files, default_cassette_dir, load_cassette
from jobticket_kit.spec.validation import default_spec_path


@pytest.fixture(scope="session")
def committed() -> dict[str, Cassette]:
    """Every committed cassette by scenario name."""
    return {path.stem: load_cassette(path) for path in cassette_files(default_cassette_dir())}


@pytest.fixture(scope="session")
def spec_operations() -> dict[str, set[int]]:
    """operationId -> documented status codes of every path operation in the pinned spec."""
    document = yaml.safe_load(default_spec_path().read_text(encoding="utf-8"))
    operations: dict[str, set[int]] = {}
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operations[operation["operationId"]] = {int(code) for code in operation["responses"]}
    return operations
