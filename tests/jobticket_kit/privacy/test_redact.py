"""Redaction: secrets, tokens, emails and every personal value the run has seen leave reports."""

from __future__ import annotations

from jobticket_kit.contract.results import Failure, SuiteResult, Verdict
from jobticket_kit.privacy.redact import Redactor
from jobticket_kit.spec.personal import ValueRule


def test_redaction_removes_secrets_tokens_and_addresses() -> None:
    text = "Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ= for anna.mueller@example.com with s3cr3t-key"
    cleaned = Redactor(["s3cr3t-key"]).text(text)
    assert cleaned == "Authorization: Basic [redacted] for [email] with [redacted]"


def test_redaction_removes_personal_values_the_run_has_seen_in_any_spelling() -> None:
    redactor = Redactor()
    redactor.learn(
        {"id": 42, "firstName": "Anna", "lastName": "Müller", "preferredName": "Änni", "resource": "employee"}
    )
    text = 'got "M\\u00fcller" and Müller, ?name=%C3%84nni and ANNA; resource employee, id 42'
    assert redactor.text(text) == (
        'got "[personal]" and [personal], ?name=[personal] and [personal]; resource employee, id 42'
    )


def test_redaction_rebuilds_nested_structures_before_serialisation() -> None:
    redactor = Redactor()
    redactor.learn({"data": [{"fullName": 'Anna "the" Müller', "status": "active"}]})
    failure = Failure("t", "listEmployees", "check", 'saw Anna "the" Müller', "msg", "curl", ("O-1",))
    result = SuiteResult(Verdict.BROKEN, "1 new failure(s)", "twin", failures=[failure])
    clean = redactor.redacted(result)
    assert clean.failures[0].title == "saw [personal]"
    assert clean.failures[0].open_points == ("O-1",)
    assert clean.verdict is Verdict.BROKEN
    assert result.failures[0].title == 'saw Anna "the" Müller'  # the original is left alone


STATUS = ValueRule(known=frozenset({"paused", "cancelled", "active"}))


def test_json_inside_a_string_is_learned_by_its_own_keys() -> None:
    redactor = Redactor(non_personal={"status": STATUS, "detail": ValueRule()})
    redactor.learn_body(b'{"detail": "{\\"lastName\\": \\"Kowalczyk\\", \\"status\\": \\"paused\\"}"}')
    assert redactor.text("Kowalczyk is paused") == "[personal] is paused"


def test_allowlisted_fields_and_bodies_that_are_not_json_teach_nothing() -> None:
    redactor = Redactor(non_personal={"status": STATUS})
    redactor.learn({"status": "cancelled"})
    redactor.learn_body(b"Kowalczyk, not JSON")
    assert redactor.text("cancelled by Kowalczyk") == "cancelled by Kowalczyk"


def test_mapping_keys_are_redacted_and_enums_kept() -> None:
    redactor = Redactor()
    redactor.learn({"lastName": "Kowalczyk"})
    clean = redactor.redacted({"Kowalczyk": [Verdict.HOLDS, ("Kowalczyk", 3)]})
    assert clean == {"[personal]": [Verdict.HOLDS, ("[personal]", 3)]}


def test_a_non_personal_field_is_quoted_only_with_a_value_its_declaration_allows() -> None:
    redactor = Redactor()  # the pinned spec's rules
    redactor.learn(
        {
            "subscription": {
                "status": "sick leave: burnout",
                "startAt": "2026-05-01",
                "pausedAt": "soon-ish",
            },
            "contractSigningStatus": "accepted",
            "resource": "employee",
            "ticket": {"ticketMonth": "2024-\u0661\u0662", "validFrom": "2024-05-01"},
            "_links": {"self": {"href": "https://v1-api-staging.ticket-plus.app/employees/42"}},
            "hrIntergartionLinks": [
                {"lastSyncId": "sync-2024-05-14-001", "lastSynced": "2024-05-14T08:00:00Z"}
            ],
        }
    )
    text = (
        "status 'sick leave: burnout' (expected active), pausedAt soon-ish, signing accepted, resource "
        "employee, month 2024-\u0661\u0662, from 2024-05-01, synced 2024-05-14T08:00:00Z by "
        "sync-2024-05-14-001, link https://v1-api-staging.ticket-plus.app/employees/42"
    )
    assert redactor.text(text) == (
        "status '[unexpected value]' (expected active), pausedAt [unexpected value], signing accepted, "
        "resource employee, month [unexpected value], from 2024-05-01, synced 2024-05-14T08:00:00Z by "
        "[unexpected value], link https://v1-api-staging.ticket-plus.app/employees/42"
    )


def test_a_value_seen_as_personal_anywhere_stays_personal() -> None:
    redactor = Redactor(non_personal={"status": STATUS})
    redactor.learn({"status": "Kowalczyk", "lastName": "Kowalczyk", "note": "x"})
    redactor.learn({"status": "Kowalczyk"})
    assert redactor.text("Kowalczyk") == "[personal]"
    assert not redactor.hides_nothing_personal("Kowalczyk")


def test_unexpected_values_are_not_personal_for_token_judges() -> None:
    redactor = Redactor(non_personal={"status": STATUS})
    redactor.learn({"status": "on-hold"})
    assert redactor.text("on-hold") == "[unexpected value]"
    assert redactor.hides_nothing_personal("on-hold")  # the evidence judges tokens by its own rule
