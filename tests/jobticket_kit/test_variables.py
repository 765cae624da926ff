"""Every ``JOBTICKET_*`` name has one definition, and nothing in the tree uses a name that has none."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

from jobticket.variables import CLIENT_VARIABLES
from jobticket_kit import variables
from jobticket_kit.checkout import project_root

ROOT = project_root()
NAME = re.compile(r"JOBTICKET_[A-Z_]+")
DEFINITION = re.compile(r"^[A-Z_]+\s*=\s*\"(JOBTICKET_[A-Z_]+)\"", re.MULTILINE)


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    return [ROOT / name for name in listed if name and (ROOT / name).is_file()]


def test_every_name_used_anywhere_is_registered() -> None:
    used: set[str] = set()
    for path in _tracked_text_files():
        try:
            used |= set(NAME.findall(path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    assert used, "the scan found no variable at all"
    assert used <= set(variables.ALL_VARIABLES), sorted(used - set(variables.ALL_VARIABLES))


def test_each_name_is_defined_by_one_assignment() -> None:
    sources = [*(ROOT / "client").rglob("*.py"), *(ROOT / "src").rglob("*.py")]
    definitions = Counter(
        name for path in sources for name in DEFINITION.findall(path.read_text(encoding="utf-8"))
    )
    assert set(definitions) == set(variables.ALL_VARIABLES)
    assert {name for name, count in definitions.items() if count > 1} == set()


def test_the_registry_holds_the_client_names_and_no_name_twice() -> None:
    assert set(CLIENT_VARIABLES) <= set(variables.ALL_VARIABLES)
    assert len(set(variables.ALL_VARIABLES)) == len(variables.ALL_VARIABLES)
