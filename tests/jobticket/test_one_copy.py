"""Each package has one home: ``client/jobticket``, ``client/jobticket_twin`` and the generator's
``generated/jobticket_api``, under pytest and in a plain interpreter alike (the editable install reads
both folders in place)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jobticket
import jobticket_api
import jobticket_twin
from jobticket_kit.checkout import Layout

LAYOUT = Layout.current()
HOMES = {
    "jobticket": LAYOUT.distribution.resolve(),
    "jobticket_twin": LAYOUT.distribution.resolve(),
    "jobticket_api": LAYOUT.generated.resolve(),
}


def test_pytest_imports_the_checkout_folders() -> None:
    for package in (jobticket, jobticket_api, jobticket_twin):
        assert Path(package.__file__ or "").resolve().parent.parent == HOMES[package.__name__]


def test_the_environment_itself_resolves_the_same_files(tmp_path: Path) -> None:
    # A plain interpreter of this environment, started elsewhere (no checkout on sys.path): what the
    # tox environments and scripts/ run.
    code = "import jobticket, jobticket_api, jobticket_twin as twin\n"
    code += "for p in (jobticket, jobticket_api, twin): print(p.__name__, p.__file__)"
    printed = subprocess.run(
        [sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    resolved = {name: Path(file).resolve().parent.parent for name, file in (line.split() for line in printed)}
    assert resolved == HOMES


def test_the_distribution_folder_holds_no_generated_package() -> None:
    # The generated code lives in generated/ alone; a copy in client/ would shadow or contradict it.
    assert not (LAYOUT.distribution / "jobticket_api" / "__init__.py").exists()
