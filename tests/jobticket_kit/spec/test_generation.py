"""The regeneration check sees every byte that differs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jobticket_kit.checkout import project_root
from jobticket_kit.spec.generation import Layout, check, generate, lock_json, tree_differences

ROOT = project_root()


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """A copy of the generator's inputs and of the committed distribution."""
    root = tmp_path_factory.mktemp("checkout")
    for part in ("openapi", "client"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    return Layout(root)


def test_a_hand_edit_is_caught(checkout: Layout, tmp_path: Path) -> None:
    edited = tmp_path / "jobticket_api"
    shutil.copytree(checkout.generated, edited)
    model = edited / "models" / "employee.py"
    model.write_text(model.read_text() + "\n# hand edit\n")
    (edited / "extra.py").write_text("")
    (edited / "py.typed").unlink()
    assert tree_differences(checkout.generated, edited) == [
        "differs: models/employee.py",
        "missing: py.typed",
        "unexpected: extra.py",
    ]


@pytest.mark.slow
def test_a_spec_change_without_regeneration_is_caught(checkout: Layout, tmp_path: Path) -> None:
    changed = Layout(tmp_path)
    for part in ("openapi", "client"):
        shutil.copytree(checkout.root / part, tmp_path / part)
    spec = changed.spec.read_text().replace("summary: Get Employee", "summary: Get One Employee", 1)
    changed.spec.write_text(spec)
    problems = check(changed)
    assert any("generation.lock.json is stale" in problem for problem in problems)
    assert "client/jobticket_api/: differs: api/employees/get_employee.py" in problems


def test_lock_records_spec_hash_and_pinned_tools(checkout: Layout, tmp_path: Path) -> None:
    lock = json.loads(lock_json(checkout))
    assert set(lock) == {"spec", "spec_sha256", "openapi-python-client", "ruff", "python"}
    assert len(lock["spec_sha256"]) == 64
    generate(checkout, tmp_path / "jobticket_api")
    assert (tmp_path / "jobticket_api" / "py.typed").exists()
    # The generator owns jobticket_api alone: no pyproject, README or client layer comes out of it.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["jobticket_api"]
    assert not (tmp_path / "jobticket_api" / "pyproject.toml").exists()
