"""The public names of a generated package, read from its source, so two versions can be compared.

Reading the source (not importing it) lets us compare the committed client with a regenerated one
side by side, and tell downstream teams exactly which names their code may have to change.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["public_names", "surface_changes"]


def public_names(package: Path) -> set[str]:
    """Every public module, class, function, method and class attribute, as dotted names."""
    names: set[str] = set()
    for source in sorted(package.rglob("*.py")):
        parts = source.relative_to(package.parent).with_suffix("").parts
        if any(part.startswith("_") and part != "__init__" for part in parts):
            continue
        module = ".".join(part for part in parts if part != "__init__")
        names.add(module)
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in tree.body:
            names.update(f"{module}.{name}" for name in _defined_names(node))
    return names


def _defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
        return [node.name]
    if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
        members = [node.name]
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                member = item.target.id
            elif isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                member = item.name
            elif isinstance(item, ast.Assign) and isinstance(item.targets[0], ast.Name):
                member = item.targets[0].id
            else:
                continue
            if not member.startswith("_"):
                members.append(f"{node.name}.{member}")
        return members
    return []


def surface_changes(old: Path, new: Path) -> tuple[list[str], list[str]]:
    """Names removed from and added to the package between two trees: (removed, added)."""
    before = public_names(old)
    after = public_names(new)
    return sorted(before - after), sorted(after - before)
