"""Where things live in a checkout of the kit, found in one place for every tool and test."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Layout", "project_root"]


def project_root() -> Path:
    """The checkout: beside this source tree, or the working directory when the kit is installed."""
    source_root = Path(__file__).resolve().parents[2]
    return source_root if (source_root / "openapi").is_dir() else Path.cwd()


@dataclass(frozen=True)
class Layout:
    """The paths of one checkout: the spec and its generator inputs, the generated code, the distribution."""

    root: Path

    @classmethod
    def current(cls) -> Layout:
        """The checkout these tools run in."""
        return cls(project_root())

    @property
    def spec(self) -> Path:
        """The pinned OpenAPI description."""
        return self.root / "openapi" / "jobticket.openapi.yaml"

    @property
    def config(self) -> Path:
        """openapi-python-client's configuration."""
        return self.root / "openapi" / "generator.yaml"

    @property
    def templates(self) -> Path:
        """Our overrides of the generator's templates."""
        return self.root / "openapi" / "templates"

    @property
    def lock(self) -> Path:
        """What produced the generated package: spec hash and tool versions."""
        return self.root / "openapi" / "generation.lock.json"

    @property
    def distribution(self) -> Path:
        """The vendorable client distribution: hand-written ``jobticket`` and ``jobticket_twin``."""
        return self.root / "client"

    @property
    def generated(self) -> Path:
        """Everything the generator writes, and nothing else: compared byte for byte by ``--check``."""
        return self.root / "generated"

    @property
    def generated_package(self) -> Path:
        """The one package in ``generated/``, which the distribution's build hook ships beside ours."""
        return self.generated / "jobticket_api"

    @property
    def cassettes(self) -> Path:
        """The committed cassettes, recorded from the twin."""
        return self.root / "contract_tests" / "cassettes"
