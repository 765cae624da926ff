"""Fakes: one consistent stand-in per real value, recognisable, so faking twice changes nothing."""

from __future__ import annotations

from jobticket_kit.privacy.fake import FIELD_KINDS, TEXT, Fakes, is_fake


def test_the_same_value_gets_the_same_fake_and_emails_in_any_case() -> None:
    fakes = Fakes()
    first = fakes.fake_for("email", "Anna.Mueller@Example.com")
    assert first == "person0001@example.invalid"
    assert fakes.fake_for("email", "anna.mueller@example.com") == first
    assert fakes.fake_for("contact", "ANNA.MUELLER@EXAMPLE.COM") == first  # by shape under another name
    assert fakes.fake_for("email", "ben@example.com") == "person0002@example.invalid"


def test_fakes_are_recognised_and_left_alone() -> None:
    fakes = Fakes()
    fake = fakes.fake(FIELD_KINDS["firstName"], "Anna")
    assert is_fake(fake)
    assert fakes.fake(FIELD_KINDS["firstName"], fake) == fake
    assert fakes.fake(TEXT, "") == ""
    assert not is_fake("Anna")


def test_values_are_chosen_by_field_then_by_shape() -> None:
    fakes = Fakes()
    assert fakes.fake_for("hrId", "emp_HR_001") == "hr-0001"
    assert fakes.fake_for("note", "1990-04-15") == "1900-01-02"
    assert fakes.fake_for("note", "https://files.test/a.pdf") == "https://fake.example.invalid/0001"
    assert fakes.fake_for("note", "call me") == "text-0001"


def test_known_values_are_replaced_in_free_text_as_whole_words_only() -> None:
    fakes = Fakes()
    given = fakes.fake_for("firstName", "Anna")
    family = fakes.fake_for("lastName", "Müller")
    text = "Anna Müller (anna@example.com) met Annabel and Müllerin"
    assert fakes.in_text(text) == (f"{given} {family} (person0001@example.invalid) met Annabel and Müllerin")
