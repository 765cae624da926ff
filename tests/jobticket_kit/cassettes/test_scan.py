"""The secret/PII scan: the committed set is clean, and anything planted in a copy of it is found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from vcr.serializers import yamlserializer  # type: ignore[import-untyped]

from jobticket_kit.cassettes.layout import default_cassette_dir
from jobticket_kit.cassettes.scan import Finding, scan_directory
from jobticket_kit.cli import main as kit
from jobticket_kit.privacy.fake import PLACEHOLDER

pytestmark = pytest.mark.block_network

REAL_EMAIL = "anna.mueller@gmail.com"
BASIC = "Basic ZjFiMjRhZmE6czNjcjN0LXZhbHVl"  # base64 of a made-up "keyid:secret"


def kinds(findings: list[Finding], file: str) -> set[str]:
    return {finding.kind for finding in findings if finding.file == file}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the committed cassettes to plant things in."""
    return Path(shutil.copytree(default_cassette_dir(), tmp_path / "cassettes"))


def plant(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}: the planting test needs updating"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def fake_email_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index("person")
    return text[start : text.index("@example.invalid", start) + len("@example.invalid")]


def test_every_committed_file_is_clean() -> None:
    findings = scan_directory(default_cassette_dir())
    assert findings == [], "\n".join(map(str, findings))
    assert kit(["scan", str(default_cassette_dir())]) == 0


def test_a_real_looking_email_in_a_body_is_found(copy: Path) -> None:
    cassette = copy / "get-employee-200.yaml"
    plant(cassette, fake_email_of(cassette), REAL_EMAIL)
    findings = scan_directory(copy)
    assert {"email address", "personal data in email"} <= kinds(findings, cassette.name)
    assert any(finding.location.endswith("$.data.email") for finding in findings)
    assert kit(["scan", str(copy)]) == 1


def test_an_email_in_a_url_is_found_even_when_encoded(copy: Path) -> None:
    cassette = copy / "list-employees-email-filter-200.yaml"
    plant(cassette, fake_email_of(cassette).replace("@", "%40"), REAL_EMAIL.replace("@", "%40"))
    assert "email address" in kinds(scan_directory(copy), cassette.name)


def test_a_basic_credential_in_a_header_is_found(copy: Path) -> None:
    cassette = copy / "get-document-200.yaml"
    plant(cassette, PLACEHOLDER, BASIC)
    assert {"Authorization header", "HTTP credential"} <= kinds(scan_directory(copy), cassette.name)


def test_a_credential_quoted_in_a_response_body_is_found(copy: Path) -> None:
    cassette = copy / "get-employee-404.yaml"
    plant(cassette, '"message":"', f'"message":"sent {BASIC}: ')
    assert "HTTP credential" in kinds(scan_directory(copy), cassette.name)


def test_a_cookie_header_is_found(copy: Path) -> None:
    cassette = copy / "health-check-200.yaml"
    plant(
        cassette,
        "    headers:\n      content-length:",
        "    headers:\n      set-cookie:\n      - s=1\n      content-length:",
    )
    assert "cookie or proxy credential header" in kinds(scan_directory(copy), cassette.name)


def test_a_real_name_in_a_personal_field_is_found(copy: Path) -> None:
    cassette = copy / "get-employee-200.yaml"
    plant(cassette, '"firstName":"Given', '"firstName":"Anna","x":"Given')
    assert "personal data in firstName" in kinds(scan_directory(copy), cassette.name)


def test_an_email_hidden_in_a_binary_body_is_found(copy: Path) -> None:
    cassette = copy / "download-document-200.yaml"
    document = yamlserializer.deserialize(cassette.read_text(encoding="utf-8"))
    document["interactions"][-1]["response"]["body"]["string"] = (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + REAL_EMAIL.encode()
    )
    cassette.write_text(yamlserializer.serialize(document), encoding="utf-8")
    assert "!!binary" in cassette.read_text(encoding="utf-8")  # base64: invisible to a text search
    assert "email address" in kinds(scan_directory(copy), cassette.name)


def test_every_file_is_scanned_not_only_cassettes(copy: Path) -> None:
    (copy / "notes.txt").write_text(f"ask {REAL_EMAIL} for the key: {BASIC}\n", encoding="utf-8")
    assert {"email address", "HTTP credential"} <= kinds(scan_directory(copy), "notes.txt")


def test_findings_never_repeat_the_value(copy: Path) -> None:
    cassette = copy / "get-employee-200.yaml"
    plant(cassette, fake_email_of(cassette), REAL_EMAIL)
    plant(cassette, PLACEHOLDER, BASIC)
    report = "\n".join(map(str, scan_directory(copy)))
    assert report
    assert REAL_EMAIL not in report
    assert BASIC.split()[1] not in report
