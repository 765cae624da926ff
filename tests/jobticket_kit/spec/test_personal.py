"""Which fields and query parameters the spec marks as non-personal (x-personal: false)."""

from __future__ import annotations

from jobticket_kit.spec.personal import (
    non_personal_fields,
    non_personal_parameters,
    pinned_non_personal_fields,
    pinned_non_personal_parameters,
)


def test_a_name_is_non_personal_only_where_every_declaration_is_marked() -> None:
    document = {
        "components": {
            "schemas": {
                "Ticket": {"properties": {"name": {"type": "string", "x-personal": False}}},
                "Person": {"properties": {"name": {"type": "string"}, "status": {"x-personal": False}}},
                "Flag": {"properties": {"kind": {"x-personal": True}}},
            }
        }
    }
    assert non_personal_fields(document) == {"status"}


def test_query_parameters_are_marked_on_the_parameter_object() -> None:
    document = {
        "paths": {
            "/a": {"get": {"parameters": [{"name": "page", "in": "query", "x-personal": False}]}},
            "/b": {"get": {"parameters": [{"name": "email", "in": "query"}]}},
            "/c/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "x-personal": False}]}},
        }
    }
    assert non_personal_parameters(document) == {"page"}


def test_the_pinned_spec_keeps_people_personal_and_vocabularies_not() -> None:
    fields = pinned_non_personal_fields()
    assert {"status", "resource", "type", "ticketId", "validFrom", "createdAt", "href", "syncId"} <= fields
    personal = {"firstName", "lastName", "email", "dateOfBirth", "profileImage", "hrId", "startDate"}
    assert not personal & fields
    # Free text and names that could be a person's stay personal too; so does any field not in the spec.
    assert not {"documentName", "name", "message", "preferredName", "fullName"} & fields
    parameters = pinned_non_personal_parameters()
    assert {"page", "perPage", "sortField", "sortOrder", "status", "planType", "ids"} == parameters
