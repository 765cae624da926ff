"""``jobticket-kit update-spec``: take a new API description, show what changes for the client, then pin it.

The steps, each stopping the run when it fails: validate and lint the new file; print every change
classified as breaking or compatible; with ``--yes``, pin it (version bump, provenance, sha256 in the
lock, an entry in the spec's CHANGELOG and a line under the client's Unreleased), regenerate
``generated/``, list the public names that changed, and run the regeneration check and the offline tests
against the regenerated client. A URL is fetched within bounds (:func:`_download`: size, an overall
deadline).
"""

from __future__ import annotations

import datetime
import io
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError, ValidatorDetectError

from jobticket import UnexpectedResponseError, UnsafeURLError
from jobticket._bounds import ACCEPT_ENCODING, adecoded
from jobticket_kit.cassettes.drift import find_drift
from jobticket_kit.cassettes.layout import REMOTE_SET
from jobticket_kit.hosts import is_production_url, origin_of
from jobticket_kit.inputs import MAX_INPUT_BYTES, InputError, decode_text, load_yaml_text, read_text_file
from jobticket_kit.proxies import ProxyRefused, check_environment_proxies
from jobticket_kit.settings import DEFAULT_REQUEST_DEADLINE
from jobticket_kit.spec import generation
from jobticket_kit.spec.api_surface import surface_changes
from jobticket_kit.spec.changelogs import with_entry, with_unreleased_entry
from jobticket_kit.spec.client_impact import (
    ApiBreakage,
    ClientBreakage,
    ConstructorChange,
    api_breakages,
    client_breakages,
    constructor_changes,
    public_callers,
)
from jobticket_kit.spec.diff import Change, diff_specs
from jobticket_kit.spec.refs import RefError, check_local_refs
from jobticket_kit.spec.round_trip import round_trip_yaml

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "DEFAULT_TESTS",
    "PythonImpact",
    "assess",
    "bump_version",
    "changelog_entry",
    "client_changelog_entry",
    "run",
    "update",
]

EXIT_OK, EXIT_ATTENTION, EXIT_REJECTED, EXIT_BREAKING = 0, 1, 2, 3
# The client's tests: the client, the generated models, and the cassettes replayed and checked offline.
DEFAULT_TESTS = ("tests/jobticket", "tests/jobticket_api", "tests/jobticket_kit/cassettes")


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


def changelog_entry(
    version: str,
    today: datetime.date,
    source: str,
    changes: list[Change],
    impact: PythonImpact | None = None,
) -> str:
    """Render the CHANGELOG section for a pinned update: the wire changes, then what breaks in Python."""
    lines = [f"## {version} — {today.isoformat()}", "", f"Pinned from `{source}` by scripts/update-spec.", ""]
    for breaking, title in ((True, "Breaking for the client"), (False, "Compatible")):
        selected = [change for change in changes if change.breaking is breaking]
        if selected:
            lines += [f"{title}:", *(f"- {change.location}: {change.description}" for change in selected), ""]
    if impact is not None and impact.breaking_names():
        lines += ["Breaking in Python:", *(f"- {name}" for name in impact.breaking_names()), ""]
    return "\n".join(lines) + "\n"


def client_changelog_entry(old: str, version: str, changes: list[Change], impact: PythonImpact) -> str:
    """Render the client CHANGELOG's line for a pinned update: the description followed, what breaks.

    The names listed are the ones code using the distribution must change for; the breaking wire
    changes follow, as the API itself changed for everyone.
    """
    names = impact.breaking_names()
    wire = [f"{change.location}: {change.description}" for change in changes if change.breaking]
    line = f"- `jobticket_api` now follows API description {version} (was {old})"
    if names:
        line += ". Code using these names must change:"
    elif wire:
        line += ". No Python name changes; breaking on the wire:"
    return "\n".join([line, *(f"  - {item}" for item in [*names, *wire])]) + "\n"


def _read_source(source: str, deadline: float) -> str:
    """The new spec's text: a local file, or an https:// URL fetched within bounds (:func:`_download`)."""
    try:
        if source.startswith(("http://", "https://")):
            return decode_text(_download(source, deadline), source)
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


def _download(url: str, deadline: float) -> bytes:
    """Fetch a checked URL without following redirects, within bounds.

    At most ``MAX_INPUT_BYTES``, counted as the body is decoded (a gzip bomb stops there), and one
    overall ``deadline``, head and body included (a server dripping its answer is cut).
    """
    url = _checked_download_url(url)
    try:
        return anyio.run(_fetch, url, deadline)
    except TimeoutError:
        raise SpecRejected(f"{url}: no complete answer within the deadline of {deadline:g} s") from None
    except UnexpectedResponseError as error:  # an encoding that cannot be bounded, or a broken one
        raise SpecRejected(f"{url}: {error}") from None


async def _fetch(url: str, deadline: float) -> bytes:
    with anyio.fail_after(deadline):
        headers = {"Accept-Encoding": ACCEPT_ENCODING}
        async with (
            httpx.AsyncClient(timeout=30.0, follow_redirects=False, headers=headers) as client,
            client.stream("GET", url) as response,
        ):
            if response.is_redirect:
                raise SpecRejected(f"{url} answered {response.status_code}: redirects are not followed")
            response.raise_for_status()
            data = bytearray()
            async for chunk in adecoded(response):
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


def _add_changelogs(layout: generation.Layout, spec_entry: str, client_entry: str, *, breaking: bool) -> None:
    """The spec's CHANGELOG gets a section; the client's, versioned on its own, a line under Unreleased."""
    spec_changelog = layout.spec.parent / "CHANGELOG.md"
    text = spec_changelog.read_text(encoding="utf-8")
    spec_changelog.write_text(with_entry(text, spec_entry), encoding="utf-8")
    client_changelog = layout.distribution / "CHANGELOG.md"
    text = client_changelog.read_text(encoding="utf-8")
    client_changelog.write_text(
        with_unreleased_entry(text, client_entry, breaking=breaking), encoding="utf-8"
    )


def _distribution_version(layout: generation.Layout) -> str | None:
    """The client distribution's own version (``client/jobticket/_version.py``), if it can be read."""
    path = layout.distribution / "jobticket" / "_version.py"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    found = re.search(r"""^__version__ = ["'](\d+\.\d+\.\d+)["']$""", text, flags=re.MULTILINE)
    return found[1] if found else None


def _run_offline_tests(root: Path, paths: list[str]) -> bool:
    # The checkout's own packages come first, so the tests import what was just regenerated, and the
    # kit reads this checkout's spec and cassettes.
    layout = generation.Layout(root)
    first = [str(root / "src")] if (root / "src" / "jobticket_kit").is_dir() else []
    first += [str(layout.distribution), str(layout.generated), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(first)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow", *paths]
    print(f"$ {' '.join(command[2:])}", flush=True)
    return subprocess.run(command, cwd=root, env=env, check=False).returncode == 0  # noqa: S603


@dataclass
class PythonImpact:
    """What the candidate changes in Python: for users of ``jobticket_api``, and in our own client."""

    api: list[ApiBreakage]
    constructors: list[ConstructorChange]
    client: list[ClientBreakage]
    broken_methods: list[str]
    added: list[str]

    @property
    def breaking(self) -> bool:
        """Whether code written for the committed package, ours included, has to change."""
        return bool(self.api or self.constructors or self.client)

    def breaking_names(self) -> list[str]:
        """The public names whose callers must change: of ``jobticket_api``, its models, ``jobticket``."""
        return [
            *(f"`{item.path}`: {item.explanation}" for item in self.api),
            *(f"`{item.model}()`: {item.description}" for item in self.constructors),
            *(f"`{name}` (our client) breaks" for name in self.broken_methods),
        ]

    def lines(self) -> list[str]:
        """The report: each finding, then which methods of ``jobticket`` break."""
        lines = [f"  jobticket_api, for code using it (griffe): {len(self.api)} breaking change(s)"]
        lines += [f"    - {item}" for item in self.api]
        lines += [f"  jobticket_api model constructors: {len(self.constructors)} changed"]
        lines += [f"    - {item}" for item in self.constructors]
        lines += [f"  jobticket_api public names added: {len(self.added)}"]
        lines += [f"    + {name}" for name in self.added]
        lines += [
            f"  our client (mypy --strict against the regenerated package): {len(self.client)} error(s)"
        ]
        lines += [f"    ! {item}" for item in self.client]
        if self.broken_methods:
            lines += ["  jobticket methods and functions that break (they reach the lines above):"]
            lines += [f"    - {name}" for name in self.broken_methods]
        return lines

    def attention(self) -> list[str]:
        """What someone must do about these findings."""
        items = []
        if self.broken_methods or self.client:
            where = ", ".join(sorted({item.file for item in self.client}))
            methods = ", ".join(self.broken_methods) or "(no public method)"
            items.append(
                f"our client breaks: {methods}; fix {where} (mypy errors above), say in client/CHANGELOG.md "
                "how they change (the line under Unreleased), then rerun"
            )
        return items

    def notice(self, released: str | None) -> str | None:
        """What downstream teams are told: both CHANGELOGs list the names; the client's next major.

        ``released`` is the distribution's current version. Its next release must be a major one when
        code using it must change: a public name of ``jobticket_api`` or ``jobticket``.
        """
        if not self.breaking_names():
            return None
        major = f" ({int(released.split('.')[0]) + 1}.0.0, after {released})" if released else ""
        return (
            "downstream code using the names above must change: both CHANGELOGs list them, and the next "
            f"release of the client distribution must be a major one{major}"
        )


def assess(layout: generation.Layout, candidate: Path) -> PythonImpact:
    """Generate ``candidate`` in a scratch folder and compare it, in Python, with ``generated/``."""
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "generated"
        generation.generate(layout, scratch, spec=candidate)
        client = client_breakages(layout.distribution, scratch, baseline=layout.generated)
        broken = public_callers(layout.distribution, [item.function for item in client if item.function])
        _, added = surface_changes(layout.generated_package, scratch / layout.generated_package.name)
        return PythonImpact(
            api=api_breakages(layout.generated, scratch),
            constructors=constructor_changes(layout.generated, scratch),
            client=client,
            broken_methods=broken,
            added=added,
        )


def _cassettes(layout: generation.Layout) -> list[str]:
    """The cassette sets checked against the newly pinned spec: what a human must do, if anything."""
    root = layout.root / "contract_tests" / "cassettes"
    if not root.is_dir():
        return []
    sets = [root, *([root / REMOTE_SET] if (root / REMOTE_SET).is_dir() else [])]
    drifts = [drift for folder in sets for drift in find_drift(folder, layout.spec)]
    for drift in drifts:
        print(f"  {drift}")
    if not drifts:
        print("cassettes: every recorded response still follows the new spec; nothing to re-record")
        return []
    return [
        f"{len(drifts)} recorded response(s) no longer follow the new spec (listed above): make the twin "
        "answer as the new spec says (client/jobticket_twin), run scripts/record-cassettes, review the "
        "diff and commit; re-record a staging set (contract_tests/cassettes/staging) against staging"
    ]


def run(
    source: str,
    *,
    pin: bool,
    root: Path,
    tests: Sequence[str] = DEFAULT_TESTS,
    label: str | None = None,
    notes: Sequence[Change] = (),
    deadline: float = DEFAULT_REQUEST_DEADLINE,
) -> int:
    """Run the spec-change workflow on ``source`` (a path or https:// URL); ``pin`` is ``--yes``.

    ``label`` names the source in the output, the provenance and the CHANGELOG (default: ``source``);
    ``notes`` are changes the diff does not see (an overlay's notes on confidence), listed and pinned
    with the others; ``deadline`` is the seconds a download may take in all. Exit 0 when consistent, 1
    when something needs attention, 2 when the new file is rejected, 3 in report-only mode when the
    change is breaking for the client.
    """
    try:
        text = _read_source(source, deadline)
    except (SpecRejected, httpx.HTTPError) as error:
        print(f"rejected: {error}", file=sys.stderr)
        return EXIT_REJECTED
    return update(text, source=label or source, pin=pin, root=root, tests=tests, notes=notes)


def update(
    text: str,
    *,
    source: str,
    pin: bool,
    root: Path,
    tests: Sequence[str] = DEFAULT_TESTS,
    notes: Sequence[Change] = (),
) -> int:
    """The update path for a new description's text (``source`` says where it came from).

    Validate and lint it, classify every change on the wire (plus ``notes``), regenerate it in a
    scratch folder and say what changes in Python (:func:`assess`); with ``pin``, pin it and check the
    checkout. Exit codes as :func:`run`. An overlay's patched spec comes through here too.
    """
    layout = generation.Layout(root.resolve())
    today = datetime.datetime.now(tz=datetime.UTC).date()
    with tempfile.TemporaryDirectory() as tmp:
        candidate = Path(tmp) / "candidate.openapi.yaml"
        candidate.write_text(text, encoding="utf-8")
        try:
            new = _validate(text, source)
            _lint(layout.root, candidate)
        except (SpecRejected, subprocess.CalledProcessError) as error:
            print(f"rejected: {error}", file=sys.stderr)
            return EXIT_REJECTED
        old = yaml.safe_load(layout.spec.read_text(encoding="utf-8"))
        changes = diff_specs(old, new) + list(notes)
        print(f"Changes from the pinned spec {old['info']['version']} to {source}:")
        for change in changes:
            print(f"  {change}")
        if not changes:
            print("  none: nothing to pin")
            return EXIT_OK
        print(
            f"{sum(c.breaking for c in changes)} breaking, {sum(not c.breaking for c in changes)} compatible"
        )
        print("What changes in Python (the new spec generated in a scratch folder):", flush=True)
        try:
            impact = assess(layout, candidate)
        except RuntimeError as error:  # the generator refused the file
            print(f"rejected: {error}", file=sys.stderr)
            return EXIT_REJECTED
    for line in impact.lines():
        print(line)
    breaking = impact.breaking or any(change.breaking for change in changes)
    print(f"Verdict: {'BREAKING' if breaking else 'compatible'} for the client")
    if not pin:
        print("report only: run again with --yes to pin it, regenerate and run the checks")
        return EXIT_BREAKING if breaking else EXIT_OK

    try:
        version = bump_version(old["info"]["version"], str(new["info"]["version"]), breaking=breaking)
    except SpecRejected as error:
        print(f"rejected: {error}", file=sys.stderr)
        return EXIT_REJECTED
    _pin(layout, text, version, source, today)
    spec_entry = changelog_entry(version, today, source, changes, impact)
    client_entry = client_changelog_entry(old["info"]["version"], version, changes, impact)
    _add_changelogs(layout, spec_entry, client_entry, breaking=bool(impact.breaking_names()))
    generation.generate(layout, layout.generated)
    layout.lock.write_text(generation.lock_json(layout), encoding="utf-8")
    print(f"pinned {layout.spec.name} as version {version} and regenerated generated/")
    print(f"client/CHANGELOG.md: under Unreleased, jobticket_api now follows API description {version}")

    attention = impact.attention()
    attention += generation.check(layout)
    attention += _cassettes(layout)
    if not _run_offline_tests(layout.root, list(tests)):
        attention.append("the client's offline tests fail against the new spec (see above)")
    notice = impact.notice(_distribution_version(layout))
    if attention:
        if notice:
            attention.append(notice)
        print("Needs attention:")
        for item in attention:
            print(f"  ! {item}")
        return EXIT_ATTENTION
    if notice:
        print(f"note: {notice}")
    print("consistent: regeneration check and offline tests pass; the cassettes still follow the new spec")
    return EXIT_OK
