"""The scan's own rules: credentials and personal data are found in text and JSON; fakes are not findings."""

from __future__ import annotations

import json

from jobticket_kit.privacy.fake import PLACEHOLDER, Fakes
from jobticket_kit.privacy.scan import field_findings, is_clean, mask, text_findings
from jobticket_twin.seed import build_seed

REAL_EMAIL = "anna.mueller@gmail.com"


def test_text_findings_name_the_kind_and_never_repeat_the_value() -> None:
    seed_name = next(iter(build_seed(0).employees.values())).last_name
    text = f"mail {REAL_EMAIL}, Authorization: Bearer abcdefghijkl, met {seed_name}, ?sig=abcdef"
    found = list(text_findings(text))
    assert {kind for kind, _ in found} >= {
        "email address",
        "HTTP credential",
        "name of the twin's seed",
        "secret query parameter",
    }
    assert all(REAL_EMAIL not in hint and "abcdefghijkl" not in hint for _, hint in found)
    assert mask(REAL_EMAIL) == "an... 22 chars"


def test_an_encoded_email_is_found_and_a_fake_one_is_not() -> None:
    assert [kind for kind, _ in text_findings("q?email=anna%40gmail.com")] == ["email address"]
    assert list(text_findings(f"q?email={Fakes().fake_for('email', REAL_EMAIL)}")) == []


def test_field_findings_look_under_every_key_and_inside_json_strings() -> None:
    fakes = Fakes()
    document = {
        "data": {"firstName": "Anna", "lastName": fakes.fake_for("lastName", "Müller")},
        "detail": json.dumps({"client_secret": "abcdefgh", "status": "active"}),
        "contacts": {"phone": "+49 30 1234567", "emails": [REAL_EMAIL]},
    }
    found = {(where, kind) for where, kind, _ in field_findings(document)}
    assert found == {
        ("$.data.firstName", "personal data in firstName"),
        ("$.detail(json).client_secret", "secret-named key"),
        ("$.contacts.phone", "personal-named key"),
        ("$.contacts.emails[0]", "personal-named key"),
    }


def test_placeholders_fakes_and_empty_values_are_clean() -> None:
    assert is_clean(PLACEHOLDER)
    assert is_clean("")
    assert is_clean(Fakes().fake_for("firstName", "Anna"))
    assert not is_clean("Anna")
