"""Fresh virtual environments holding the client distribution, installed offline as a downstream team would.

The wheelhouse holds the distribution's wheel built from this checkout, its dependencies with the
``[testing]`` extra at the versions of constraints.txt, pytest and the build backend (``pip download``,
so a re-run is served by pip's cache). Environments are made without pip and installed into by this
environment's pip (``--python``; the interpreter's bundled pip 23.2 cannot read ``git+file:///`` URLs),
with ``--no-index --find-links``: nothing but those files, and no pip configuration of this machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from jobticket_kit.checkout import Layout

__all__ = ["CLEAN", "Wheelhouse", "build_wheelhouse", "new_venv", "pip", "run"]

ROOT = Layout.current().root
# No variable of this session (pip's configuration, PYTHONPATH, the kit's settings) reaches an environment.
CLEAN = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "JOBTICKET_"))}


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command; fail the test with its output unless it exits 0; return what it printed."""
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass(frozen=True)
class Wheelhouse:
    """The files a fresh environment installs from, and pip's environment that allows nothing else."""

    folder: Path
    """The dependencies of ``client[testing]``, pytest and the build backend (not the client itself)."""
    client_wheel: Path
    """The distribution built from this checkout."""
    env: dict[str, str]


def build_wheelhouse(where: Path) -> Wheelhouse:
    """Build the client's wheel into ``where`` and download what installing it can need beside it."""
    pinned = {**CLEAN, "PIP_CONSTRAINT": str(ROOT / "constraints.txt"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    built, folder = where / "client", where / "wheelhouse"
    distribution = Layout.current().distribution
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", built, distribution, env=pinned)
    (client_wheel,) = built.glob("jobticket_api_client-*.whl")
    # The runtime dependencies with the [testing] extra (pytest among them), and what building needs
    # (editables: pip -e).
    run(sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", "-d", folder,
        f"{client_wheel}[testing]", "hatchling", "editables", env=pinned)  # fmt: skip
    for copy in folder.glob("jobticket_api_client-*"):
        copy.unlink()
    offline = {
        **CLEAN,
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(folder),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    return Wheelhouse(folder, client_wheel, offline)


def new_venv(where: Path) -> Path:
    """A fresh virtual environment without pip (install with :func:`pip`); return its python."""
    run(sys.executable, "-m", "venv", "--without-pip", where, env=CLEAN)
    return where / "bin" / "python"


def pip(python: Path, *args: str | Path, env: dict[str, str]) -> str:
    """This environment's pip, acting on the environment of ``python``."""
    return run(sys.executable, "-m", "pip", "--python", python, *args, env=env)
