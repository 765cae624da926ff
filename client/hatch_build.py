"""Build hook: every wheel and sdist of this distribution carries the generated ``jobticket_api``.

In a checkout the package lives in ``../generated/jobticket_api`` (generator output only, never edited
here); an sdist holds its own copy beside its ``PKG-INFO``, so the unpacked sdist is one folder that
builds and installs on its own. An editable install ships no copy: ``dev-mode-dirs`` puts ``generated/``
itself on ``sys.path``, so a regeneration is seen at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE = "jobticket_api"


def generated_package(root: Path) -> Path:
    """Where the generated package is: inside an unpacked sdist, else in the checkout's ``generated/``."""
    source = root / PACKAGE if (root / "PKG-INFO").is_file() else root.parent / "generated" / PACKAGE
    if not (source / "__init__.py").is_file():
        message = f"the generated package is missing: {source} (run scripts/generate in the kit)"
        raise FileNotFoundError(message)
    return source


class GeneratedPackageHook(BuildHookInterface[BuilderConfig]):
    """Add the generated package to the artifact, under its own name."""

    PLUGIN_NAME = "generated-package"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Force-include the generated package (an editable install reads it in place instead)."""
        if version != "editable":
            build_data["force_include"][str(generated_package(Path(self.root)))] = PACKAGE
