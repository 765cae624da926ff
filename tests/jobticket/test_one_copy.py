"""``jobticket`` has one home, ``client/jobticket``: under pytest and in a plain interpreter alike."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jobticket
import jobticket_api
import jobticket_twin
from jobticket_kit.checkout import Layout

DISTRIBUTION = Layout.current().distribution.resolve()


def test_pytest_imports_the_distribution_folder() -> None:
    for package in (jobticket, jobticket_api, jobticket_twin):
        assert Path(package.__file__ or "").resolve().parent.parent == DISTRIBUTION


def test_the_environment_itself_resolves_the_same_files(tmp_path: Path) -> None:
    # A plain interpreter of this environment, started elsewhere (no checkout on sys.path): what the
    # tox environments and scripts/ run.
    code = "import jobticket, jobticket_api; print(jobticket.__file__); print(jobticket_api.__file__)"
    printed = subprocess.run(
        [sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split()
    assert [Path(line).resolve().parent.parent for line in printed] == [DISTRIBUTION, DISTRIBUTION]
