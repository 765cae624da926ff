"""The regeneration check sees every byte of ``generated/`` that differs, and nothing there is ours."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jobticket_kit.checkout import project_root
from jobticket_kit.cli import main as kit
from jobticket_kit.spec.generation import Layout, check, generate, lock_json, tree_differences

ROOT = project_root()


def copy_checkout(source: Path, target: Path) -> Layout:
    """The generator's inputs and the committed generated folder, nothing else."""
    for part in ("openapi", "generated"):
        shutil.copytree(source / part, target / part, ignore=shutil.ignore_patterns("__pycache__"))
    return Layout(target)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    return copy_checkout(ROOT, tmp_path_factory.mktemp("checkout"))


def test_a_hand_edit_is_caught(checkout: Layout, tmp_path: Path) -> None:
    edited = tmp_path / "generated"
    shutil.copytree(checkout.generated, edited)
    model = edited / "jobticket_api" / "models" / "employee.py"
    model.write_text(model.read_text() + "\n# hand edit\n")
    (edited / "jobticket_api" / "extra.py").write_text("")
    (edited / "jobticket_api" / "py.typed").unlink()
    assert tree_differences(checkout.generated, edited) == [
        "differs: jobticket_api/models/employee.py",
        "missing: jobticket_api/py.typed",
        "unexpected: jobticket_api/extra.py",
    ]


def test_the_committed_folder_is_what_the_generator_writes(checkout: Layout) -> None:
    assert check(checkout) == []


def test_the_check_fails_on_a_hand_edit_an_extra_file_and_a_missing_file(
    checkout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = copy_checkout(checkout.root, tmp_path)
    client = edited.generated_package / "client.py"
    client.write_bytes(client.read_bytes().replace(b"timeout", b"timeout ", 1))
    # Beside the package too: all of generated/ is the generator's, nothing hand-written may sit there.
    (edited.generated / "README.md").write_text("hand-written\n")
    (edited.generated_package / "api" / "health" / "__init__.py").unlink()
    assert kit(["generate", "--check", "--root", str(edited.root)]) == 1
    printed = capsys.readouterr()
    assert printed.err.splitlines() == [
        "generated/: differs: jobticket_api/client.py",
        "generated/: missing: jobticket_api/api/health/__init__.py",
        "generated/: unexpected: README.md",
    ]
    assert printed.out == "regeneration check: FAILED\n"


def test_a_missing_generated_folder_fails_the_check(checkout: Layout, tmp_path: Path) -> None:
    emptied = copy_checkout(checkout.root, tmp_path)
    shutil.rmtree(emptied.generated)
    assert check(emptied) == ["generated/ is missing: run scripts/generate"]


def test_a_spec_change_without_regeneration_is_caught(checkout: Layout, tmp_path: Path) -> None:
    changed = copy_checkout(checkout.root, tmp_path)
    spec = changed.spec.read_text().replace("summary: Get Employee", "summary: Get One Employee", 1)
    changed.spec.write_text(spec)
    problems = check(changed)
    assert any("generation.lock.json is stale" in problem for problem in problems)
    assert "generated/: differs: jobticket_api/api/employees/get_employee.py" in problems


def test_lock_records_spec_hash_output_and_pinned_tools(checkout: Layout, tmp_path: Path) -> None:
    lock = json.loads(lock_json(checkout))
    assert set(lock) == {"spec", "spec_sha256", "output", "openapi-python-client", "ruff", "python"}
    assert len(lock["spec_sha256"]) == 64
    assert lock["output"] == "generated/jobticket_api"


def test_the_generator_alone_writes_the_package_and_its_marker(checkout: Layout, tmp_path: Path) -> None:
    output = tmp_path / "generated"
    (output / "jobticket_api").mkdir(parents=True)
    (output / "jobticket_api" / "stale.py").write_text("")
    generate(checkout, output)
    # --meta none: no pyproject, README or client layer, no tool cache; py.typed comes from the
    # generator's own post hook (openapi/generator.yaml), not from a file we add afterwards.
    assert sorted(path.name for path in output.iterdir()) == ["jobticket_api"]
    package = output / "jobticket_api"
    assert sorted(path.name for path in package.iterdir()) == [
        "__init__.py",
        "api",
        "client.py",
        "errors.py",
        "models",
        "py.typed",
        "types.py",
    ]
    assert (package / "py.typed").read_text() == "# Marker file for PEP 561"
