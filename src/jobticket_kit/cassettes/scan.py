"""Find credentials and personal data in cassette files, so none is ever committed.

Every file of the directory is read; cassettes are parsed the way vcrpy reads them (binary bodies
decoded, JSON bodies parsed), so a value cannot hide in base64 or in YAML line folding. Bodies are also
inflated when they are gzip or deflate, whatever the headers say, and JSON nested in a string is parsed.
The scan is independent of the scrubber's allowlist: it looks, everywhere (keys, values, headers, URL
and query), for what must never be committed: emails (any script), HTTP credentials and tokens,
secret-named keys, headers and query parameters (``access_token``, ``client_secret``, ``sig=``...),
and the names of the twin's seed. Findings never repeat the value they found, only where it is, what
it looks like and how long it is.

``python -m jobticket_kit.cassettes.scan [DIR]`` exits 1 when it finds anything.
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml
from vcr.serializers.yamlserializer import deserialize  # type: ignore[import-untyped]

from jobticket_kit.cassettes.layout import default_cassette_dir
from jobticket_kit.cassettes.scrub import FAKE_EMAIL_DOMAIN, FIELD_KINDS, KINDS, REDACTED
from jobticket_twin.seed import build_seed

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ["Finding", "main", "scan_directory", "scan_file"]

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_SENSITIVE_WORDS = r"password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|signature|credential"
_TEXT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("HTTP credential", re.compile(r"(?i)\b(?:basic|bearer)\s+[A-Za-z0-9+/_.~-]{8,}=*")),
    ("credentials in a URL", re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    (
        "secret value",
        re.compile(
            rf"(?i)[\w-]*(?:{_SENSITIVE_WORDS})[\w-]*[\"']?[ \t]*[:=][ \t]*[\"']?"
            r"(?P<value><redacted>|[^\s\"'<>,&}]{4,})"
        ),
    ),
    (
        "secret query parameter",
        re.compile(r"(?i)[?&;](?:sig|sign|sig_[\w-]+|x-amz-[\w-]*|auth|key)=(?P<value>[^&\s\"']{4,})"),
    ),
    (
        "token",
        re.compile(
            r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}|\b(?:sk|pk|rk)_(?:live|test)_\w{8,}|\bgh[pousr]_\w{20,}"
        ),
    ),
    ("twin key secret", re.compile(r"twin-secret-[\w-]+")),
)
_SECRET_NAME = re.compile(
    rf"(?i)(?:{_SENSITIVE_WORDS}|^(?:sig|pwd|auth|authorization|cookie|session(?:[_-]?id)?)$)"
)
_PERSONAL_NAME = re.compile(r"(?i)(?:birth|^dob$|name$|surname|e-?mail|phone|address|contact)")
_COOKIE_HEADERS = frozenset({"set-cookie", "cookie", "proxy-authorization"})
_MAX_INFLATED = 32 * 1024 * 1024


@cache
def _seed_names() -> re.Pattern[str]:
    """The first and last names of the twin's seed, as whole words (case as written)."""
    names = {
        name
        for employee in build_seed(0).employees.values()
        for name in (employee.first_name, employee.last_name)
    }
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])")


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
    """(kind, masked hint) for every credential, token, real-looking email or seed name in free text."""
    if "%" in text:
        text = f"{text} {unquote(text)}"
    for kind, pattern in _TEXT_RULES:
        for match in pattern.finditer(text):
            if "value" not in pattern.groupindex or not _is_clean(match.group("value")):
                yield kind, _mask(match.group(0))
    for match in _EMAIL.finditer(text):
        if match.group(0).lower().rpartition("@")[2] != FAKE_EMAIL_DOMAIN:
            yield "email address", _mask(match.group(0))
    for match in _seed_names().finditer(text):
        yield "name of the twin's seed", _mask(match.group(0))


def _is_clean(value: Any) -> bool:
    """Empty, redacted or one of the scrubber's fakes."""
    return not value or value == REDACTED or (isinstance(value, str) and any(k.is_fake(value) for k in KINDS))


def _field_findings(value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """(location, kind, hint) for each personal-data or secret-named field in parsed JSON without a fake."""
    if isinstance(value, dict):
        for key, item in value.items():
            kind = FIELD_KINDS.get(key)
            if kind is not None and isinstance(item, str) and item and not kind.is_fake(item):
                yield f"{path}.{key}", f"personal data in {key}", _mask(item)
            elif _SECRET_NAME.search(str(key)) and isinstance(item, str | int) and not _is_clean(item):
                yield f"{path}.{key}", "secret-named key", _mask(str(item))
            elif _PERSONAL_NAME.search(str(key)) and isinstance(item, str) and not _is_clean(item):
                yield f"{path}.{key}", "personal-named key", _mask(item)
            else:
                yield from _field_findings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _field_findings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        nested = _nested_json(value)
        if nested is not None:
            yield from _field_findings(nested, f"{path}(json)")


def _nested_json(value: str) -> Any:
    if not value.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


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
        for kind, hint in _text_findings(text):
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
                elif _SECRET_NAME.search(lower) and lower != "authorization" and not _is_clean(value):
                    self.add(f"{location} {name}", "secret-named header", _mask(str(value)))
                else:
                    self.text(str(value), f"{location} {name}")

    def uri(self, uri: str, location: str) -> None:
        self.text(unquote(uri), location)
        for name, value in parse_qsl(urlsplit(uri).query, keep_blank_values=True):
            if _SECRET_NAME.search(name) and not _is_clean(value):
                self.add(f"{location} ?{name}", "secret-named query parameter", _mask(value))
            else:
                self.body(value, f"{location} ?{name}")

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
