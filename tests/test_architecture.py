"""ARCHITECTURE.md's import rules hold: layers import only downward, and only the kit imports ``requests``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Each layer: where its modules are, and what they must never import (a name and everything below it).
LAYERS: dict[str, tuple[Path, tuple[str, ...]]] = {
    "jobticket_api": (
        ROOT / "generated" / "jobticket_api",
        ("jobticket", "jobticket_twin", "jobticket_kit", "requests"),
    ),
    "jobticket": (
        ROOT / "client" / "jobticket",
        ("jobticket.roster", "jobticket_twin", "jobticket_kit", "requests"),
    ),
    "jobticket.roster": (
        ROOT / "client" / "jobticket" / "roster",
        ("jobticket_twin", "jobticket_kit", "requests"),
    ),
    "jobticket_twin": (ROOT / "client" / "jobticket_twin", ("jobticket.roster", "jobticket_kit", "requests")),
}
#: ``python -m jobticket`` runs the roster command line; the client's own modules never import it.
ENTRY_POINTS = {ROOT / "client" / "jobticket" / "__main__.py"}


def module_name(path: Path, package_root: Path) -> str:
    parts = list(path.relative_to(package_root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, package_root: Path) -> set[str]:
    """Every module an ``import`` or ``from … import`` of this file names, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module_name(path, package_root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def violations(layer: str) -> list[str]:
    folder, forbidden = LAYERS[layer]
    package_root = ROOT / "client" / "jobticket" if layer.startswith("jobticket.") else folder
    found = []
    for path in sorted(folder.rglob("*.py")):
        inner = layer == "jobticket" and (folder / "roster") in path.parents
        if inner or path in ENTRY_POINTS:
            continue
        for name in sorted(imported_names(path, package_root)):
            if any(name == bad or name.startswith(f"{bad}.") for bad in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_what_is_below_it(layer: str) -> None:
    assert violations(layer) == []


def test_a_forbidden_import_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "jobticket"
    (package / "roster").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "_client.py").write_text("from .roster import _plan\nimport httpx\n")
    (package / "_twin_user.py").write_text("if True:\n    from jobticket_twin.kit import TwinKit\n")
    (package / "roster" / "__init__.py").write_text("from .._client import x\n")
    monkeypatch.setitem(LAYERS, "jobticket", (package, LAYERS["jobticket"][1]))
    monkeypatch.setattr("tests.test_architecture.ROOT", tmp_path)
    assert violations("jobticket") == [
        "jobticket/_client.py imports jobticket.roster",
        "jobticket/_client.py imports jobticket.roster._plan",
        "jobticket/_twin_user.py imports jobticket_twin.kit",
        "jobticket/_twin_user.py imports jobticket_twin.kit.TwinKit",
    ]
