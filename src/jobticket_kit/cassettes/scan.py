"""Find credentials and personal data in cassette files, so none is ever committed.

Every file of the directory is read; cassettes are parsed the way vcrpy reads them (binary bodies
decoded, JSON bodies parsed), so a value cannot hide in base64 or in YAML line folding. Bodies are also
inflated when they are gzip or deflate, whatever the headers say, and JSON nested in a string is parsed.
What counts as a finding is :mod:`jobticket_kit.privacy.scan`'s (its own rules, independent of the
scrubber's allowlist); this module knows where a cassette keeps URLs, headers and bodies, and looks
everywhere (keys, values, headers, URL and query). Findings never repeat the value they found, only
where it is, what it looks like and how long it is.

``jobticket-kit scan [PATHS]...`` exits 1 when it finds anything.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml
from vcr.serializers.yamlserializer import deserialize  # type: ignore[import-untyped]

from jobticket_kit.inputs import InputError, load_yaml_text
from jobticket_kit.privacy.fake import PLACEHOLDER
from jobticket_kit.privacy.scan import (
    COOKIE_HEADERS,
    field_findings,
    is_clean,
    is_secret_name,
    mask,
    text_findings,
)
from jobticket_kit.privacy.walk import members

__all__ = ["Finding", "scan_directory", "scan_file"]

_MAX_INFLATED = 32 * 1024 * 1024


@dataclass(frozen=True)
class Finding:
    """Something that must not be committed: file, location, kind, and a masked hint of the value."""

    file: str
    location: str
    kind: str
    hint: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.kind} ({self.hint})"


def _inflated(data: bytes) -> bytes | None:
    """The body inflated if it is gzip or zlib-deflate (whatever the headers say), else None."""
    for wbits in (16 + zlib.MAX_WBITS, zlib.MAX_WBITS, -zlib.MAX_WBITS):
        decoder = zlib.decompressobj(wbits)
        try:
            inflated = decoder.decompress(data, _MAX_INFLATED)
        except zlib.error:
            continue
        if decoder.eof and inflated:
            return inflated
    return None


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
        for kind, hint in text_findings(text):
            self.add(location, kind, hint)

    def body(self, body: Any, location: str) -> None:
        if body is None:
            return
        if isinstance(body, bytes):
            inflated = _inflated(body)
            if inflated is not None:
                self.body(inflated, f"{location} (inflated)")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = body.decode("latin-1")
        else:
            text = str(body)
        self.text(text, location)
        try:
            document = json.loads(text)
            found = list(field_findings(document))
        except ValueError:
            return
        except RecursionError:  # nothing may hide where the scan cannot look: that is a finding itself
            self.add(location, "JSON nested too deeply to inspect", f"{len(text)} characters")
            return
        for where, kind, hint in found:
            self.add(f"{location} {where}", kind, hint)

    def headers(self, headers: Any, location: str) -> None:
        for name, values in (headers or {}).items():
            for value in values if isinstance(values, list) else [values]:
                lower = str(name).lower()
                if lower in COOKIE_HEADERS:
                    self.add(f"{location} {name}", "cookie or proxy credential header", mask(str(value)))
                elif lower == "authorization" and value != PLACEHOLDER:
                    self.add(f"{location} {name}", "Authorization header", mask(str(value)))
                elif is_secret_name(lower) and lower != "authorization" and not is_clean(value):
                    self.add(f"{location} {name}", "secret-named header", mask(str(value)))
                else:
                    self.text(str(value), f"{location} {name}")

    def uri(self, uri: str, location: str) -> None:
        self.text(unquote(uri), location)
        for name, value in parse_qsl(urlsplit(uri).query, keep_blank_values=True):
            if is_secret_name(name) and not is_clean(value):
                self.add(f"{location} ?{name}", "secret-named query parameter", mask(value))
            else:
                self.body(value, f"{location} ?{name}")

    def anything(self, value: Any, location: str) -> None:
        """Walk metadata, the index or an unknown structure: every key and string is free text."""
        for member in members(value, location, nested=False):
            if isinstance(member.value, dict):
                for key in member.value:
                    self.text(str(key), member.path)
            elif isinstance(member.value, str | bytes):
                self.body(member.value, member.path)


def scan_file(path: Path) -> list[Finding]:
    """Every credential and piece of personal data in one file."""
    scan = _Scan(path.name)
    raw = path.read_bytes().decode("utf-8", "replace")
    scan.text(raw, "file text")
    try:
        # libyaml (which vcrpy's reader uses) crashes the process on deep nesting: parse safely first.
        load_yaml_text(raw, path.name)
        document = deserialize(raw)
    except InputError as error:
        scan.add("file", "YAML the scan cannot inspect", str(error).removeprefix(f"{path.name}: "))
        return scan.findings
    except yaml.YAMLError:
        return scan.findings
    interactions = document.get("interactions") if isinstance(document, dict) else None
    if not isinstance(interactions, list):
        scan.anything(document, "document")
        return scan.findings
    for number, interaction in enumerate(interactions, start=1):
        request, response = interaction.get("request", {}), interaction.get("response", {})
        where = f"interaction {number}"
        scan.uri(str(request.get("uri", "")), f"{where} request uri")
        scan.headers(request.get("headers"), f"{where} request header")
        scan.body(request.get("body"), f"{where} request body")
        scan.headers(response.get("headers"), f"{where} response header")
        scan.body((response.get("body") or {}).get("string"), f"{where} response body")
    scan.anything({key: value for key, value in document.items() if key != "interactions"}, "metadata")
    return scan.findings


def scan_directory(directory: Path) -> list[Finding]:
    """Findings of every file under ``directory`` (not only cassettes: anything committed there)."""
    return [finding for path in sorted(directory.rglob("*")) if path.is_file() for finding in scan_file(path)]
