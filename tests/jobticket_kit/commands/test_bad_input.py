"""Bad input files: one line naming the file and the problem, exit 2, nothing sent, nothing changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobticket_kit import nightly, variables
from jobticket_kit.checkout import project_root
from jobticket_kit.cli import main as kit
from tests.helpers.loopback import LoopbackServer, redirecting

# 342 bytes that a plain safe_load turns into 9**9 strings.
ALIAS_BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)
BINARY = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256))


@pytest.fixture(autouse=True)
def _twin_target(monkeypatch: pytest.MonkeyPatch) -> None:
    """No target configured: the tools would use the twin (and must not get that far)."""
    for name in variables.ALL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _digest(*paths: Path) -> dict[str, str]:
    files = [file for path in paths for file in ([path] if path.is_file() else sorted(path.rglob("*")))]
    return {str(file): hashlib.sha256(file.read_bytes()).hexdigest() for file in files if file.is_file()}


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


BAD_BASELINES: dict[str, str | bytes] = {
    "malformed": "deviations: [\n  - check: x\n",
    "not a mapping": "- check: x\n  reason: y\n",
    "a string": "just text\n",
    "deviations not a list": "deviations: {check: x}\n",
    "binary": BINARY,
    "alias bomb": ALIAS_BOMB,
    "two documents": "deviations: []\n---\ndeviations: []\n",
}


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", BAD_BASELINES)
@pytest.mark.parametrize("tool", ["contract", "nightly"])
def test_a_bad_baseline_is_one_line_and_exit_2(
    case: str, tool: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = _write(tmp_path / "baseline.yaml", BAD_BASELINES[case])
    before = _digest(tmp_path)
    reports = tmp_path / "reports"
    assert kit([tool, "--baseline", str(baseline), "--output-dir", str(reports)]) == 2
    line = _one_line(capsys)
    assert "bad baseline" in line
    assert str(baseline) in line
    assert _digest(tmp_path) == before
    assert not reports.exists()


def test_a_missing_explicit_baseline_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert kit(["contract", "--baseline", str(tmp_path / "nope.yaml"), "--output-dir", str(tmp_path)]) == 2
    assert "no such file" in _one_line(capsys)


def test_an_unknown_operation_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert kit(["contract", "--operation", "getEmploye", "--output-dir", str(tmp_path / "r")]) == 2
    assert "--operation getEmploye: not an operationId" in _one_line(capsys)
    assert not (tmp_path / "r").exists()


BAD_PREVIOUS: dict[str, str | bytes] = {
    "corrupt": '{"format": 1, "failures": [',
    "binary": BINARY,
    "foreign (a results.json)": json.dumps({"verdict": "contract holds", "exit_code": 0, "failures": []}),
    "a list": "[]",
    "failures not a list": json.dumps({"format": 1, "failures": {"a": 1}}),
    "failure without fingerprint": json.dumps({"format": 1, "failures": [{"check": "x"}]}),
    "fingerprint not a string": json.dumps({"format": 1, "failures": [{"fingerprint": 7}]}),
}


@pytest.mark.parametrize("case", BAD_PREVIOUS)
def test_a_bad_previous_file_is_refused_before_the_suite_runs(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = _write(tmp_path / "nightly.json", BAD_PREVIOUS[case])
    before = _digest(tmp_path)

    def suite_must_not_run(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the suite ran before --previous was checked")

    monkeypatch.setattr(nightly, "run_contract", suite_must_not_run)
    assert kit(["nightly", "--previous", str(previous), "--output-dir", str(tmp_path / "reports")]) == 2
    line = _one_line(capsys)
    assert line.startswith("jobticket-kit nightly: bad --previous:")
    assert str(previous) in line
    assert _digest(tmp_path) == before


def test_a_missing_previous_file_is_a_first_run() -> None:
    assert nightly.load_previous(Path("does/not/exist.json")) is None
    assert nightly.load_previous(None) is None


@pytest.fixture
def checkout(tmp_path: Path) -> Iterator[Path]:
    """A copy of the spec folder to point ``update-spec --root`` at; its bytes must not change."""
    root = tmp_path / "checkout"
    shutil.copytree(project_root() / "openapi", root / "openapi")
    before = _digest(root)
    yield root
    assert _digest(root) == before


def _pinned() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(
        (project_root() / "openapi" / "jobticket.openapi.yaml").read_text()
    )
    return document


def _spec_with(**schemas: Any) -> str:
    document = _pinned()
    document["components"]["schemas"].update(schemas)
    return yaml.safe_dump(document, sort_keys=False)


@pytest.mark.parametrize(
    ("case", "content", "problem"),
    [
        ("malformed YAML", "openapi: 3.0.3\ninfo: [\n", "not valid YAML at line"),
        ("binary", BINARY, "a binary file"),
        ("not UTF-8", b"openapi: 3.0.3\ninfo: \xff\xfe\n", "not UTF-8 text"),
        ("not a mapping", "- openapi\n", "not a YAML or JSON object"),
        ("not OpenAPI", "just: text\n", "not an OpenAPI 3.0 or 3.1 document"),
        ("unknown version", "openapi: 9.9.9\ninfo: {title: x, version: '1'}\n", "not an OpenAPI 3.0 or 3.1"),
        ("alias bomb", ALIAS_BOMB, "expands to more than"),
        ("self alias", "a: &a [*a]\n", "a YAML alias refers to itself"),
        (
            "ref cycle",
            _spec_with(
                Loop1={"$ref": "#/components/schemas/Loop2"}, Loop2={"$ref": "#/components/schemas/Loop1"}
            ),
            "$ref cycle: #/components/schemas/Loop",
        ),
        (
            "recursive schema",
            _spec_with(
                Tree={"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Tree"}}}
            ),
            "$ref cycle: #/components/schemas/Tree -> #/components/schemas/Tree",
        ),
        ("dangling ref", _spec_with(Gone={"$ref": "#/components/schemas/NoSuchSchema"}), "points at nothing"),
        ("file ref", _spec_with(Local={"$ref": "file:///etc/hostname"}), "is not local"),
        ("relative file ref", _spec_with(Local={"$ref": "other.yaml#/components/x"}), "is not local"),
    ],
)
def test_update_spec_refuses_bad_files_and_changes_nothing(
    case: str,
    content: str | bytes,
    problem: str,
    checkout: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = _write(tmp_path / "new.yaml", content)
    assert kit(["update-spec", str(source), "--yes", "--root", str(checkout)]) == 2
    line = _one_line(capsys)
    assert line.startswith(f"rejected: {source}")
    assert problem in line


def test_update_spec_never_fetches_a_remote_ref(
    checkout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with LoopbackServer() as remote:
        source = _write(
            tmp_path / "new.yaml", _spec_with(Remote={"$ref": f"{remote.base_url}/schemas.yaml#/Employee"})
        )
        assert kit(["update-spec", str(source), "--yes", "--root", str(checkout)]) == 2
    assert remote.request_lines == []
    assert "is not local: only '#/...' refs inside the file are resolved" in _one_line(capsys)


def test_update_spec_follows_no_redirect(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackServer() as elsewhere, LoopbackServer(redirecting(elsewhere.base_url)) as source:
        assert kit(["update-spec", source.url("/spec.yaml"), "--yes", "--root", str(checkout)]) == 2
    assert elsewhere.request_lines == []
    assert "answered 302: redirects are not followed" in _one_line(capsys)


def test_update_spec_answers_the_alias_bomb_without_a_traceback(tmp_path: Path) -> None:
    # The process scripts/update-spec runs (scripts/_run execs the kit's console script).
    source = _write(tmp_path / "bomb.yaml", ALIAS_BOMB)
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("jobticket-kit")), "update-spec", str(source)],
        cwd=project_root(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert (
        completed.stderr.strip() == f"rejected: {source}: expands to more than 1000000 nodes (YAML aliases)"
    )
    assert completed.stdout == ""
    assert len(ALIAS_BOMB) < 400


DEEP_YAML = "a: " + "[" * 100_000 + "\n"  # libyaml (vcrpy's reader) crashes the process on this


@pytest.mark.parametrize(
    ("case", "content", "problem"),
    [
        ("no servers", "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n", "names no server URL"),
        ("not OpenAPI", "just: text\n", "not valid OpenAPI"),
        ("deep", DEEP_YAML, "nested too deeply"),
        ("binary", BINARY, "a binary file"),
    ],
)
def test_drift_refuses_a_bad_spec_in_one_line(
    case: str, content: str | bytes, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _write(tmp_path / "spec.yaml", content)
    assert kit(["drift", "--spec", str(spec)]) == 2
    line = _one_line(capsys)
    assert line.startswith(f"jobticket-kit drift: {spec}")
    assert problem in line


@pytest.mark.parametrize(
    ("case", "content", "problem"),
    [
        ("malformed", "interactions: [\n", "not valid YAML at line 2"),
        ("wrong shape", "interactions: 5\n", "not a vcrpy cassette (TypeError)"),
        ("deep", DEEP_YAML, "nested too deeply"),
    ],
)
def test_drift_refuses_a_bad_cassette_in_one_line(
    case: str, content: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassette = _write(tmp_path / "bad.yaml", content)
    assert kit(["drift", str(tmp_path)]) == 2
    line = _one_line(capsys)
    assert line.startswith(f"jobticket-kit drift: {cassette}")
    assert problem in line


def test_the_scan_reports_a_file_it_cannot_inspect_instead_of_crashing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = _write(tmp_path / "deep.yaml", DEEP_YAML)
    body = json.dumps("[" * 100_000)
    _write(
        tmp_path / "body.yaml",
        "interactions:\n- request: {uri: 'http://127.0.0.1/x', headers: {}, body: null}\n"
        f"  response: {{status: {{code: 200}}, headers: {{}}, body: {{string: {body}}}}}\n",
    )
    assert kit(["scan", str(tmp_path)]) == 1  # what cannot be inspected does not pass
    out = capsys.readouterr().out
    assert f"{deep.name}: file: YAML the scan cannot inspect (nested too deeply)" in out
    assert "body.yaml: interaction 1 response body: JSON nested too deeply to inspect" in out
