"""Regenerate ``generated/`` from ``openapi/``; prove the committed folder is exactly what it makes.

``generated/`` holds what openapi-python-client writes (``--meta none``: the ``jobticket_api`` package,
its ``py.typed`` written by a post hook of ``openapi/generator.yaml``) and nothing else, so the check
regenerates into a temporary folder and compares all of it, like the generator's own golden-record
test: a hand edit, an extra file or a missing one fails. The generator, ruff and Python versions are
recorded in ``openapi/generation.lock.json`` beside the spec's sha256.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from jobticket_kit.checkout import Layout

__all__ = ["Layout", "check", "generate", "lock_data", "lock_json", "run", "tree_differences"]


def lock_data(layout: Layout) -> dict[str, str]:
    """Describe what produced the generated package: the spec's hash and the tools that shape its bytes."""
    return {
        "spec": layout.spec.relative_to(layout.root).as_posix(),
        "spec_sha256": hashlib.sha256(layout.spec.read_bytes()).hexdigest(),
        "output": layout.generated_package.relative_to(layout.root).as_posix(),
        "openapi-python-client": version("openapi-python-client"),
        "ruff": version("ruff"),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
    }


def lock_json(layout: Layout) -> str:
    """Render the lock file's content."""
    return json.dumps(lock_data(layout), indent=2) + "\n"


def generate(layout: Layout, output: Path, spec: Path | None = None) -> None:
    """Write all generator output to ``output`` (a ``generated`` folder), replacing what was there.

    ``spec`` generates from another description than the checkout's (a candidate not yet pinned).
    """
    # The generator's --overwrite keeps files it did not make; start clean so nothing stale survives.
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path",
        str(spec or layout.spec),
        "--config",
        str(layout.config),
        "--custom-template-path",
        str(layout.templates),
        "--meta",
        "none",
        "--output-path",
        str(output / layout.generated_package.name),
        "--overwrite",
        "--fail-on-warning",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"openapi-python-client failed:\n{result.stdout}{result.stderr}")


def tree_differences(expected: Path, actual: Path) -> list[str]:
    """List every file that is missing, extra or different between two trees (relative paths)."""
    differences: list[str] = []
    comparison = filecmp.dircmp(expected, actual, ignore=["__pycache__", ".ruff_cache", ".mypy_cache"])
    _collect(comparison, Path(), differences)
    return sorted(differences)


def _collect(comparison: filecmp.dircmp[str], prefix: Path, out: list[str]) -> None:
    out.extend(f"missing: {prefix / name}" for name in comparison.left_only)
    out.extend(f"unexpected: {prefix / name}" for name in comparison.right_only)
    # dircmp compares shallowly (size and mtime); compare contents so no byte goes unseen.
    for name in comparison.common_files:
        if not filecmp.cmp(Path(comparison.left) / name, Path(comparison.right) / name, shallow=False):
            out.append(f"differs: {prefix / name}")
    for name, sub in comparison.subdirs.items():
        _collect(sub, prefix / name, out)


def check(layout: Layout) -> list[str]:
    """Regenerate into a temporary folder and return how the committed tree and lock differ."""
    problems: list[str] = []
    recorded = json.loads(layout.lock.read_text()) if layout.lock.exists() else {}
    if recorded != lock_data(layout):
        problems.append(f"{layout.lock.name} is stale: recorded {recorded}, now {lock_data(layout)}")
    label = layout.generated.relative_to(layout.root).as_posix()
    if not layout.generated.is_dir():
        return [*problems, f"{label}/ is missing: run scripts/generate"]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / layout.generated.name
        generate(layout, fresh)
        problems.extend(f"{label}/: {line}" for line in tree_differences(fresh, layout.generated))
    return problems


def run(root: Path, *, check_only: bool) -> int:
    """Regenerate the client from the spec, or (``check_only``) prove that it is current: exit 0 or 1."""
    layout = Layout(root.resolve())
    if check_only:
        problems = check(layout)
        for problem in problems:
            print(problem, file=sys.stderr)
        label = layout.generated.relative_to(layout.root).as_posix()
        print("regeneration check:", "FAILED" if problems else f"{label}/ matches openapi/")
        return 1 if problems else 0
    generate(layout, layout.generated)
    layout.lock.write_text(lock_json(layout), encoding="utf-8")
    print(f"regenerated {layout.generated} from {layout.spec.name}")
    return 0
