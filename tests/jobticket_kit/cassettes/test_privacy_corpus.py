"""The crafted corpus: the scrubber removes every planted value, and the scan finds each one unscrubbed."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, unquote

import pytest
from vcr.serialize import serialize  # type: ignore[import-untyped]
from vcr.serializers import yamlserializer  # type: ignore[import-untyped]

from jobticket_kit.cassettes.scan import scan_directory
from jobticket_kit.cassettes.scrub import Scrubber, scrub_request_headers, scrub_response_headers

from .corpus import CASES, Case

pytestmark = pytest.mark.block_network


def write(directory: Path, case: Case, scrubber: Scrubber | None) -> Path:
    request, response = case.interaction()
    if scrubber is not None:
        request, response = scrubber(scrub_request_headers(request), scrub_response_headers(response))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{case.name}.yaml"
    path.write_text(serialize({"requests": [request], "responses": [response]}, yamlserializer), "utf-8")
    return path


def visible(path: Path) -> str:
    """Everything a reader of the cassette could recover: the file, bodies (inflated), URL, headers."""
    document = yamlserializer.deserialize(path.read_text(encoding="utf-8"))
    parts = [path.read_text(encoding="utf-8")]
    for interaction in document["interactions"]:
        request, response = interaction["request"], interaction["response"]
        parts += [unquote(request["uri"]), json.dumps(request["headers"]), json.dumps(response["headers"])]
        for body in (request["body"], response["body"]["string"]):
            parts.append(_inflate(body) if isinstance(body, bytes) else str(body))
    return "\n".join(parts)


def _inflate(body: bytes) -> str:
    for wbits in (16 + zlib.MAX_WBITS, zlib.MAX_WBITS):
        try:
            return zlib.decompress(body, wbits).decode("utf-8")
        except zlib.error:
            continue
    return body.decode("utf-8", "replace")


def spellings(value: str) -> set[str]:
    return {value, json.dumps(value)[1:-1], quote(value), quote_plus(value), quote(value, safe="")}


@pytest.fixture(scope="module")
def scrubbed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole corpus scrubbed by ONE scrubber, as a recording run does."""
    directory = tmp_path_factory.mktemp("scrubbed")
    scrubber = Scrubber()
    for case in CASES:
        write(directory, case, scrubber)
    return directory


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_scan_flags_each_unscrubbed_case(tmp_path: Path, case: Case) -> None:
    write(tmp_path, case, scrubber=None)
    kinds = {finding.kind for finding in scan_directory(tmp_path)}
    assert case.expected_kinds <= kinds


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_scrubber_removes_every_planted_value(scrubbed: Path, case: Case) -> None:
    text = visible(scrubbed / f"{case.name}.yaml")
    assert {value for value in case.planted for form in spellings(value) if form in text} == set()


def test_the_scan_finds_nothing_in_the_scrubbed_corpus(scrubbed: Path) -> None:
    findings = scan_directory(scrubbed)
    assert findings == [], "\n".join(map(str, findings))


def response_of(scrubbed: Path, name: str) -> dict[str, Any]:
    document = yamlserializer.deserialize((scrubbed / f"{name}.yaml").read_text(encoding="utf-8"))
    response: dict[str, Any] = document["interactions"][0]["response"]
    return response


def test_compressed_bodies_stay_compressed_and_valid(scrubbed: Path) -> None:
    unzipped = json.loads(
        gzip.decompress(response_of(scrubbed, "gzip-without-content-encoding")["body"]["string"])
    )
    inflated = json.loads(
        zlib.decompress(response_of(scrubbed, "deflate-without-content-encoding")["body"]["string"])
    )
    assert unzipped["data"]["firstName"].startswith("Given")
    assert unzipped["data"]["email"].endswith("@example.invalid")
    assert inflated["data"]["id"] == 7
    assert re.fullmatch(r"Given\d{4}", inflated["data"]["firstName"])


def test_kept_values_stay_and_links_keep_their_shape(scrubbed: Path) -> None:
    link = json.loads(response_of(scrubbed, "sig-in-a-link")["body"]["string"])["data"]["_links"]["self"][
        "href"
    ]
    assert link.startswith("https://staging.test/files/1.pdf?expires=text-")
    assert "&sig=text-" in link
    assert "page=1" in visible(scrubbed / "names-in-query-parameters.yaml")  # marked non-personal: kept
    disposition = response_of(scrubbed, "content-disposition")["headers"]["content-disposition"]
    assert disposition == ['attachment; filename="file-0001.pdf"']
