"""The one walk of JSON: members with path and key, JSON inside strings included; rebuilt copies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from jobticket_kit.privacy.walk import Member, members, nested_json, rebuilt

DOCUMENT: dict[str, Any] = {
    "data": [{"email": "a@b.test", "id": 7}],
    "detail": json.dumps({"firstName": "Ida", "tags": ["x"]}),
}


def test_members_name_every_value_with_its_path_and_key() -> None:
    found = [(member.path, member.key) for member in members(DOCUMENT)]
    assert found == [
        ("$", None),
        ("$.data", "data"),
        ("$.data[0]", "data"),  # list items sit under their list's key
        ("$.data[0].email", "email"),
        ("$.data[0].id", "id"),
        ("$.detail", "detail"),
        ("$.detail(json)", None),  # a nested document's own keys decide
        ("$.detail(json).firstName", "firstName"),
        ("$.detail(json).tags", "tags"),
        ("$.detail(json).tags[0]", "tags"),
    ]


def test_members_without_nested_json_keep_strings_whole() -> None:
    found = list(members({"detail": DOCUMENT["detail"]}, "file", nested=False))
    assert found == [
        Member("file", None, {"detail": DOCUMENT["detail"]}),
        Member("file.detail", "detail", DOCUMENT["detail"]),
    ]


def test_nested_json_is_only_an_object_or_an_array() -> None:
    assert nested_json(' [1, "a"]') == [1, "a"]
    assert nested_json('{"a": 1}') == {"a": 1}
    assert nested_json("42") is None
    assert nested_json("{broken") is None
    assert nested_json("plain text") is None


def test_rebuilt_replaces_strings_by_key_inside_nested_json_and_leaves_the_original() -> None:
    copy = rebuilt(DOCUMENT, lambda value, key: f"<{key}>")
    assert copy["data"] == [{"email": "<email>", "id": 7}]
    assert json.loads(copy["detail"]) == {"firstName": "<firstName>", "tags": ["<tags>"]}
    assert copy["detail"] == '{"firstName":"<firstName>","tags":["<tags>"]}'  # compact, as APIs send it
    assert DOCUMENT["data"] == [{"email": "a@b.test", "id": 7}]


class Colour(StrEnum):
    RED = "red"


@dataclass(frozen=True)
class Row:
    name: str
    colour: Colour
    cells: tuple[str, ...]


def test_rebuilt_walks_dataclasses_tuples_and_keys_on_request_but_not_enums() -> None:
    row = Row("red", Colour.RED, ("red", "blue"))
    copy = rebuilt({"red": row}, lambda value, key: value.upper(), nested=False, keys=True)
    assert copy == {"RED": Row("RED", Colour.RED, ("RED", "BLUE"))}
    assert rebuilt({"red": "red"}, lambda value, key: value.upper()) == {"red": "RED"}
