"""Where the cassettes live and how one is read, shared by recording, replay, scanning and drift checks.

A cassette is vcrpy's YAML format with a ``metadata`` mapping (which vcrpy 9 keeps beside the
interactions): scenario, description, operation, recorded-from and the spec it was recorded under.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from vcr.serialize import deserialize  # type: ignore[import-untyped]
from vcr.serializers import yamlserializer  # type: ignore[import-untyped]

from jobticket_kit.checkout import Layout

__all__ = [
    "INDEX_NAME",
    "REMOTE_SET",
    "TWIN_ORIGIN",
    "Cassette",
    "Interaction",
    "SpecIdentity",
    "cassette_files",
    "cassette_sets",
    "default_cassette_dir",
    "load_cassette",
]

INDEX_NAME = "index.yaml"
# Recordings from a remote target (staging) live beside the twin set, never in place of it: the twin set
# is what CI re-records byte for byte; the staging set is scanned, drift-checked and replayable.
REMOTE_SET = "staging"
# Every twin recording is rewritten to the origin `scripts/twin` serves on, so bytes never depend on
# the free port a recording happened to get.
TWIN_ORIGIN = "http://127.0.0.1:8090"


def default_cassette_dir() -> Path:
    """The committed cassettes of the checkout these tools run in."""
    return Layout.current().cassettes


def cassette_sets(root: Path | None = None) -> list[Path]:
    """The committed sets: the twin set and, when one was committed, the staging set."""
    root = root or default_cassette_dir()
    return [root, *([root / REMOTE_SET] if (root / REMOTE_SET).is_dir() else [])]


def cassette_files(directory: Path) -> list[Path]:
    """The cassettes of ``directory`` in a stable order (the index is not a cassette)."""
    return sorted(path for path in directory.glob("*.yaml") if path.name != INDEX_NAME)


@dataclass(frozen=True)
class Interaction:
    """One recorded request and its response, as vcrpy replays them."""

    method: str
    uri: str
    request_body: bytes | None
    status: int
    response_headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of a response header (case-insensitive), or None."""
        for key, values in self.response_headers.items():
            if key.lower() == name.lower() and values:
                return values[0]
        return None


@dataclass(frozen=True)
class Cassette:
    """A loaded cassette: its file, metadata and interactions in recorded order."""

    path: Path
    metadata: dict[str, Any]
    interactions: tuple[Interaction, ...]

    @property
    def name(self) -> str:
        """The scenario name (the file name without ``.yaml``)."""
        return self.path.stem


def load_cassette(path: Path) -> Cassette:
    """Read a cassette exactly the way vcrpy does when it replays one."""
    requests, responses, *metadata = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    interactions = tuple(
        Interaction(
            method=request.method,
            uri=request.uri,
            request_body=request.body_bytes,
            status=int(response["status"]["code"]),
            response_headers={key: list(values) for key, values in response["headers"].items()},
            body=response["body"]["string"] or b"",
        )
        for request, response in zip(requests, responses, strict=True)
    )
    return Cassette(path, dict(metadata[0]) if metadata else {}, interactions)


@dataclass(frozen=True)
class SpecIdentity:
    """Which spec a cassette was recorded under: ``info.version`` and the file's SHA-256."""

    version: str
    sha256: str

    @classmethod
    def of(cls, spec_path: Path) -> SpecIdentity:
        """Read the identity of the spec file at ``spec_path``."""
        raw = spec_path.read_bytes()
        document = yaml.safe_load(raw)
        return cls(str(document["info"]["version"]), hashlib.sha256(raw).hexdigest())
