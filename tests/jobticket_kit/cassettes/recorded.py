"""Read what a cassette recorded, so replay tests compare parsed values with the recorded ones."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jobticket_kit.cassettes.layout import Cassette


def body_of(cassette: Cassette, index: int = -1) -> Any:
    """The parsed JSON response body of interaction ``index`` (the scenario's own call by default)."""
    return json.loads(cassette.interactions[index].body)


def request_json(cassette: Cassette, index: int = -1) -> Any:
    """The parsed JSON request body of interaction ``index``."""
    raw = cassette.interactions[index].request_body
    assert raw is not None
    return json.loads(raw)


def path_id(cassette: Cassette, index: int = -1, *, segment: int = 2) -> int:
    """The id in the request path (``/employees/42`` -> 42; ``segment`` counts from the left, from 1)."""
    return int(urlsplit(cassette.interactions[index].uri).path.split("/")[segment])


def query(cassette: Cassette, index: int = -1) -> dict[str, str]:
    """The request's query parameters (one value each)."""
    return {
        key: values[0] for key, values in parse_qs(urlsplit(cassette.interactions[index].uri).query).items()
    }


def comparable(value: Any) -> Any:
    """JSON with UTC date-times in one spelling: the models write ``+00:00`` where the API wrote ``Z``."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, str) and len(value) == 20 and value[10] == "T" and value.endswith("Z"):
        return value[:-1] + "+00:00"
    return value
