"""``jobticket-kit update-spec``: take a new API description, show what changes for the client, then pin it.

The steps, each stopping the run when it fails: validate and lint the new file; print every change
classified as breaking or compatible; with ``--yes``, pin it (version bump, provenance, sha256 in the
lock, CHANGELOG entry), regenerate ``generated/``, list the public names that changed, and run the
regeneration check and the offline tests against the regenerated client.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError, ValidatorDetectError

from jobticket import UnsafeURLError
from jobticket_kit.hosts import is_production_url, origin_of
from jobticket_kit.inputs import MAX_INPUT_BYTES, InputError, decode_text, load_yaml_text, read_text_file
from jobticket_kit.proxies import ProxyRefused, check_environment_proxies
from jobticket_kit.spec import generation
from jobticket_kit.spec.api_surface import surface_changes
from jobticket_kit.spec.diff import Change, diff_specs
from jobticket_kit.spec.refs import RefError, check_local_refs
from jobticket_kit.spec.round_trip import round_trip_yaml

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["bump_version", "changelog_entry", "run"]

EXIT_OK, EXIT_ATTENTION, EXIT_REJECTED = 0, 1, 2


class SpecRejected(Exception):
    """The new file cannot be pinned: it is unreadable, invalid or fails the lint."""


def bump_version(old: str, proposed: str, *, breaking: bool) -> str:
    """Give the pinned version: the file's own if it is newer, else a major or minor bump."""
    old_parts = _semver(old)
    proposed_parts = _semver(proposed)
    if proposed_parts > old_parts:
        return proposed
    major, minor, _ = old_parts
    return f"{major + 1}.0.0" if breaking else f"{major}.{minor + 1}.0"


def _semver(version: str) -> tuple[int, int, int]:
    parts = [*version.split("-", maxsplit=1)[0].split("."), "0", "0"][:3]
    try:
        major, minor, patch = (int(part) for part in parts)
    except ValueError as error:
        raise SpecRejected(f"info.version must be MAJOR.MINOR.PATCH, got {version!r}") from error
    return major, minor, patch


def changelog_entry(version: str, today: datetime.date, source: str, changes: list[Change]) -> str:
    """Render the CHANGELOG section for a pinned update."""
    lines = [f"## {version} — {today.isoformat()}", "", f"Pinned from `{source}` by scripts/update-spec.", ""]
    for breaking, title in ((True, "Breaking for the client"), (False, "Compatible")):
        selected = [change for change in changes if change.breaking is breaking]
        if selected:
            lines += [f"{title}:", *(f"- {change.location}: {change.description}" for change in selected), ""]
    return "\n".join(lines) + "\n"


def _read_source(source: str) -> str:
    """The new spec's text: a local file, or an https:// URL fetched without following redirects."""
    try:
        if source.startswith(("http://", "https://")):
            return decode_text(_download(source), source)
        return read_text_file(Path(source), what="spec file")
    except InputError as error:
        raise SpecRejected(str(error)) from None


def _checked_download_url(url: str) -> str:
    """``url`` if it may be fetched: not production, plainly spelled, https off loopback, a harmless proxy."""
    if is_production_url(url):
        raise SpecRejected(f"{url!r}: the production host is never a target of our tooling")
    try:
        origin = origin_of(url)
        check_environment_proxies()
    except (UnsafeURLError, ProxyRefused) as error:
        raise SpecRejected(str(error)) from None
    if origin.scheme == "http" and not origin.is_loopback:
        raise SpecRejected(f"{url!r}: a spec is fetched over https (plain http on loopback only)")
    return url


def _download(url: str) -> bytes:
    url = _checked_download_url(url)
    with httpx.stream("GET", url, timeout=30.0, follow_redirects=False) as response:
        if response.is_redirect:
            raise SpecRejected(f"{url} answered {response.status_code}: redirects are not followed")
        response.raise_for_status()
        data = bytearray()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > MAX_INPUT_BYTES:
                raise SpecRejected(f"{url}: larger than {MAX_INPUT_BYTES} bytes")
        return bytes(data)


def _validate(text: str, source: str = "the new spec") -> dict[str, Any]:
    """Parse safely (size and alias limits), then check the refs, then validate as OpenAPI."""
    try:
        document = load_yaml_text(text, source)
    except InputError as error:
        raise SpecRejected(str(error)) from None
    if not isinstance(document, dict):
        raise SpecRejected(f"{source}: not a YAML or JSON object")
    try:
        check_local_refs(document)
    except RefError as error:
        raise SpecRejected(f"{source}: {error}") from None
    try:
        validate(document)
    except ValidatorDetectError:
        raise SpecRejected(f"{source}: not an OpenAPI 3.0 or 3.1 document (its 'openapi' version)") from None
    except OpenAPIValidationError as error:
        raise SpecRejected(f"the new spec is not valid OpenAPI: {error.message}") from error
    return document


def _spectral(root: Path) -> Path:
    for base in (root, Path.cwd()):
        binary = base / "node_modules" / ".bin" / "spectral"
        if binary.exists():
            return binary
    print("installing Spectral (npm ci) ...", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=root, check=True)  # noqa: S607
    return root / "node_modules" / ".bin" / "spectral"


def _lint(root: Path, spec_file: Path) -> None:
    ruleset = root / "openapi" / "spectral.yaml"
    command = [
        str(_spectral(root)),
        "lint",
        str(spec_file),
        "--ruleset",
        str(ruleset),
        "--fail-severity",
        "warn",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise SpecRejected(f"the new spec fails the lint:\n{result.stdout}{result.stderr}")


def _pin(layout: generation.Layout, text: str, version: str, source: str, today: datetime.date) -> None:
    """Write the new spec with its version and provenance set, keeping its formatting."""
    round_trip = round_trip_yaml()
    document = round_trip.load(text)
    info = document["info"]
    info["version"] = version
    provenance = info.setdefault("x-provenance", {})
    provenance["reconstructed-on"] = today.isoformat()
    provenance["updated-from"] = source
    buffer = io.StringIO()
    round_trip.dump(document, buffer)
    layout.spec.write_text(buffer.getvalue(), encoding="utf-8")


def _add_changelog(layout: generation.Layout, entry: str) -> None:
    changelog = layout.spec.parent / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    marker = "\n## "
    cut = text.find(marker)
    new_text = text + "\n" + entry if cut < 0 else text[: cut + 1] + entry + "\n" + text[cut + 1 :]
    changelog.write_text(new_text, encoding="utf-8")


def _run_offline_tests(root: Path, paths: list[str]) -> bool:
    # The checkout's own packages come first, so the tests import what was just regenerated.
    layout = generation.Layout(root)
    first = [str(layout.distribution), str(layout.generated), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(first)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths]
    print(f"$ {' '.join(command[2:])}", flush=True)
    return subprocess.run(command, cwd=root, env=env, check=False).returncode == 0  # noqa: S603


def run(
    source: str,
    *,
    pin: bool,
    root: Path,
    tests: Sequence[str] = ("tests",),
    label: str | None = None,
    notes: Sequence[Change] = (),
) -> int:
    """Run the spec-change workflow on ``source`` (a path or https:// URL); ``pin`` is ``--yes``.

    ``label`` names the source in the output, the provenance and the CHANGELOG (default: ``source``);
    ``notes`` are changes the diff does not see (an overlay's notes on confidence), listed and pinned
    with the others. Exit 0 when consistent, 1 when something needs attention, 2 when the new file is
    rejected.
    """
    layout = generation.Layout(root.resolve())
    today = datetime.datetime.now(tz=datetime.UTC).date()
    try:
        text = _read_source(source)
        new = _validate(text, source)
        with tempfile.TemporaryDirectory() as tmp:
            candidate = Path(tmp) / "candidate.openapi.yaml"
            candidate.write_text(text, encoding="utf-8")
            _lint(layout.root, candidate)
    except (SpecRejected, httpx.HTTPError, subprocess.CalledProcessError) as error:
        print(f"rejected: {error}", file=sys.stderr)
        return EXIT_REJECTED

    old = yaml.safe_load(layout.spec.read_text(encoding="utf-8"))
    changes = diff_specs(old, new) + list(notes)
    breaking = any(change.breaking for change in changes)
    source = label or source
    print(f"Changes from the pinned spec {old['info']['version']} to {source}:")
    for change in changes:
        print(f"  {change}")
    if not changes:
        print("  none: nothing to pin")
        return EXIT_OK
    print(f"{sum(c.breaking for c in changes)} breaking, {sum(not c.breaking for c in changes)} compatible")
    if not pin:
        print("report only: run again with --yes to pin it, regenerate and run the checks")
        return EXIT_OK

    try:
        version = bump_version(old["info"]["version"], str(new["info"]["version"]), breaking=breaking)
    except SpecRejected as error:
        print(f"rejected: {error}", file=sys.stderr)
        return EXIT_REJECTED
    _pin(layout, text, version, source, today)
    _add_changelog(layout, changelog_entry(version, today, source, changes))
    with tempfile.TemporaryDirectory() as tmp:
        previous = Path(tmp) / "jobticket_api"
        shutil.copytree(layout.generated_package, previous)
        generation.generate(layout, layout.generated)
        layout.lock.write_text(generation.lock_json(layout), encoding="utf-8")
        removed, added = surface_changes(previous, layout.generated_package)
    print(f"pinned {layout.spec.name} as version {version} and regenerated generated/")
    print(f"public names of the generated client: {len(removed)} removed, {len(added)} added")
    for name in removed:
        print(f"  - {name}")
    for name in added:
        print(f"  + {name}")

    attention = [f"code using {name} must change" for name in removed]
    problems = generation.check(layout)
    attention += problems
    if not _run_offline_tests(layout.root, list(tests)):
        attention.append("offline tests or the cassette drift check fail against the new spec (see above)")
    if attention:
        print("Needs attention:")
        for item in attention:
            print(f"  ! {item}")
        return EXIT_ATTENTION
    print("consistent: regeneration check and offline tests pass")
    return EXIT_OK
