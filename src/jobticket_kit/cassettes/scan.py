"""Find credentials and personal data in cassette files, so none is ever committed.

Every file of the directory is read; cassettes are parsed the way vcrpy reads them (binary bodies
decoded, JSON bodies parsed), so a value cannot hide in base64 or in YAML line folding. Findings never
repeat the value they found, only where it is, what it looks like and how long it is.

``python -m jobticket_kit.cassettes.scan [DIR]`` exits 1 when it finds anything.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import yaml
from vcr.serializers.yamlserializer import deserialize  # type: ignore[import-untyped]

from jobticket_kit.cassettes.layout import default_cassette_dir
from jobticket_kit.cassettes.scrub import FAKE_EMAIL_DOMAIN, FIELD_KINDS, REDACTED

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ["Finding", "main", "scan_directory", "scan_file"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_TEXT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("HTTP credential", re.compile(r"(?i)\b(?:basic|bearer)\s+[A-Za-z0-9+/_.~-]{8,}=*")),
    ("credentials in a URL", re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    (
        "secret value",
        re.compile(r"(?i)\b(?:password|secret|api[_-]?key|token)\b[\"']?\s*[:=]\s*[\"']?[^\s\"'<>,}]{4,}"),
    ),
    ("twin key secret", re.compile(r"twin-secret-[\w-]+")),
)
_COOKIE_HEADERS = frozenset({"set-cookie", "cookie", "proxy-authorization"})


@dataclass(frozen=True)
class Finding:
    """Something that must not be committed: file, location, kind, and a masked hint of the value."""

    file: str
    location: str
    kind: str
    hint: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.kind} ({self.hint})"


def _mask(value: str) -> str:
    return f"{value[:2]}... {len(value)} chars"


def _text_findings(text: str) -> Iterator[tuple[str, str]]:
    """(kind, masked hint) for every credential or real-looking email in free text."""
    if "%" in text:
        text = f"{text} {unquote(text)}"
    for kind, pattern in _TEXT_RULES:
        for match in pattern.finditer(text):
            yield kind, _mask(match.group(0))
    for match in _EMAIL.finditer(text):
        if match.group(0).lower().rpartition("@")[2] != FAKE_EMAIL_DOMAIN:
            yield "email address", _mask(match.group(0))


def _field_findings(value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """(location, kind, hint) for each personal-data field in parsed JSON that holds no fake."""
    if isinstance(value, dict):
        for key, item in value.items():
            kind = FIELD_KINDS.get(key)
            if kind is not None and isinstance(item, str) and item and not kind.is_fake(item):
                yield f"{path}.{key}", f"personal data in {key}", _mask(item)
            else:
                yield from _field_findings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _field_findings(item, f"{path}[{index}]")


class _Scan:
    """Collects the findings of one file."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.findings: list[Finding] = []

    def add(self, location: str, kind: str, hint: str) -> None:
        finding = Finding(self.name, location, kind, hint)
        if finding not in self.findings:
            self.findings.append(finding)

    def text(self, text: str, location: str) -> None:
        for kind, hint in _text_findings(text):
            self.add(location, kind, hint)

    def body(self, body: Any, location: str) -> None:
        if body is None:
            return
        text = body.decode("latin-1") if isinstance(body, bytes) else str(body)
        self.text(text, location)
        try:
            document = json.loads(text)
        except ValueError:
            return
        for where, kind, hint in _field_findings(document, "$"):
            self.add(f"{location} {where}", kind, hint)

    def headers(self, headers: Any, location: str) -> None:
        for name, values in (headers or {}).items():
            for value in values if isinstance(values, list) else [values]:
                lower = str(name).lower()
                if lower in _COOKIE_HEADERS:
                    self.add(f"{location} {name}", "cookie or proxy credential header", _mask(str(value)))
                elif lower == "authorization" and value != REDACTED:
                    self.add(f"{location} {name}", "Authorization header", _mask(str(value)))
                else:
                    self.text(str(value), f"{location} {name}")

    def anything(self, value: Any, location: str) -> None:
        """Walk metadata, the index or an unknown structure: every string is free text."""
        if isinstance(value, dict):
            for key, item in value.items():
                self.text(str(key), location)
                self.anything(item, f"{location}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.anything(item, f"{location}[{index}]")
        elif isinstance(value, str | bytes):
            self.body(value, location)


def scan_file(path: Path) -> list[Finding]:
    """Every credential and piece of personal data in one file."""
    scan = _Scan(path.name)
    raw = path.read_bytes().decode("utf-8", "replace")
    scan.text(raw, "file text")
    try:
        document = deserialize(raw)
    except yaml.YAMLError:
        return scan.findings
    interactions = document.get("interactions") if isinstance(document, dict) else None
    if not isinstance(interactions, list):
        scan.anything(document, "document")
        return scan.findings
    for number, interaction in enumerate(interactions, start=1):
        request, response = interaction.get("request", {}), interaction.get("response", {})
        where = f"interaction {number}"
        scan.text(unquote(str(request.get("uri", ""))), f"{where} request uri")
        scan.headers(request.get("headers"), f"{where} request header")
        scan.body(request.get("body"), f"{where} request body")
        scan.headers(response.get("headers"), f"{where} response header")
        scan.body((response.get("body") or {}).get("string"), f"{where} response body")
    scan.anything({key: value for key, value in document.items() if key != "interactions"}, "metadata")
    return scan.findings


def scan_directory(directory: Path) -> list[Finding]:
    """Findings of every file under ``directory`` (not only cassettes: anything committed there)."""
    return [finding for path in sorted(directory.rglob("*")) if path.is_file() for finding in scan_file(path)]


def main(argv: Sequence[str] | None = None) -> int:
    """Scan a cassette directory (default contract_tests/cassettes); exit 1 on any finding."""
    args = list(sys.argv[1:] if argv is None else argv)
    directory = Path(args[0]) if args else default_cassette_dir()
    findings = scan_directory(directory)
    for finding in findings:
        print(finding)
    print(f"cassette scan: {len(findings)} finding(s) in {directory}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
