"""The settings object: every kit variable read and checked once, one line per broken rule, old names warn."""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobticket_kit import variables
from jobticket_kit.settings import (
    REMOTE_BUDGET,
    REMOTE_MAX_EXAMPLES,
    TWIN_MAX_EXAMPLES,
    VARIABLES,
    KitSettings,
    SettingsError,
    contract_output_dir,
    markdown_table,
)
from jobticket_kit.target import ProductionRefused

STAGING = "https://v1-api-staging.ticket-plus.app"
REMOTE = {"JOBTICKET_BASE_URL": STAGING, "JOBTICKET_USERNAME": "key", "JOBTICKET_PASSWORD": "top-secret"}
LOOPBACK = {**REMOTE, "JOBTICKET_BASE_URL": "http://127.0.0.1:8090"}


def test_no_variable_means_the_twin_with_every_default() -> None:
    settings = KitSettings.from_env({})
    assert settings == KitSettings()
    assert settings.target.is_twin
    assert settings.limited_keys == {}
    assert (settings.contract.rate_limit, settings.contract.window) == (80, 60)
    assert settings.contract.budget is None
    assert settings.contract.max_examples == TWIN_MAX_EXAMPLES
    assert settings.contract.tolerant is False
    assert settings.contract.output_dir is None


def test_a_remote_target_gets_the_remote_defaults() -> None:
    contract = KitSettings.from_env(REMOTE).contract
    assert (contract.budget, contract.max_examples) == (REMOTE_BUDGET, REMOTE_MAX_EXAMPLES)


def test_every_variable_is_read() -> None:
    env = {
        **LOOPBACK,
        "JOBTICKET_SANDBOX_INTEGRATION_ID": " 7 ",
        "JOBTICKET_ALLOW_DESTRUCTIVE": "1",
        "JOBTICKET_LIMITED_KEYS": '{"disabled": ["id", "secret"]}',
        "JOBTICKET_CONTRACT_RATE_LIMIT": "500",
        "JOBTICKET_CONTRACT_WINDOW": "3",
        "JOBTICKET_CONTRACT_BUDGET": "20",
        "JOBTICKET_CONTRACT_MAX_EXAMPLES": "2",
        "JOBTICKET_CONTRACT_TOLERANT": "1",
        "JOBTICKET_CONTRACT_OUTPUT_DIR": "out/contract",
    }
    settings = KitSettings.from_env(env)
    assert settings.target.require_destructive() == 7
    assert settings.limited_keys == {"disabled": ("id", "secret")}
    contract = settings.contract
    assert (contract.rate_limit, contract.window, contract.budget, contract.max_examples) == (500, 3, 20, 2)
    assert contract.tolerant is True
    assert contract.output_dir == Path("out/contract")


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("JOBTICKET_CONTRACT_BUDGET", "0", "JOBTICKET_CONTRACT_BUDGET must be a positive integer, got '0'"),
        ("JOBTICKET_CONTRACT_BUDGET", "lots", "JOBTICKET_CONTRACT_BUDGET must be a positive integer"),
        (
            "JOBTICKET_CONTRACT_MAX_EXAMPLES",
            "-3",
            "JOBTICKET_CONTRACT_MAX_EXAMPLES must be a positive integer",
        ),
        ("JOBTICKET_CONTRACT_RATE_LIMIT", "1.5", "JOBTICKET_CONTRACT_RATE_LIMIT must be a positive integer"),
        ("JOBTICKET_SANDBOX_INTEGRATION_ID", "seven", "JOBTICKET_SANDBOX_INTEGRATION_ID must be a positive"),
        (
            "JOBTICKET_ALLOW_DESTRUCTIVE",
            "yes",
            "JOBTICKET_ALLOW_DESTRUCTIVE must be 1 (on) or 0 (off), got 'yes'",
        ),
        ("JOBTICKET_CONTRACT_TOLERANT", "true", "JOBTICKET_CONTRACT_TOLERANT must be 1 (on) or 0 (off)"),
        (
            "JOBTICKET_LIMITED_KEYS",
            "[1, 2]",
            "JOBTICKET_LIMITED_KEYS must be a JSON object name -> [username",
        ),
        (
            "JOBTICKET_LIMITED_KEYS",
            '{"disabled": ["only-one"]}',
            "entry 'disabled' must be [username, password]",
        ),
    ],
)
def test_a_broken_rule_is_one_line_naming_the_variable(name: str, value: str, rule: str) -> None:
    with pytest.raises(SettingsError) as raised:
        KitSettings.from_env({**REMOTE, name: value})
    message = str(raised.value)
    assert rule in message
    assert "\n" not in message
    assert "top-secret" not in message


def test_limited_keys_never_echo_their_secrets() -> None:
    with pytest.raises(SettingsError) as raised:
        KitSettings.from_env({"JOBTICKET_LIMITED_KEYS": '{"disabled": ["id", "hunter2", "extra"]'})
    assert "hunter2" not in str(raised.value)
    assert "hunter2" not in repr(KitSettings.from_env({"JOBTICKET_LIMITED_KEYS": '{"d": ["id", "hunter2"]}'}))
    assert "top-secret" not in repr(KitSettings.from_env(REMOTE))


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("JOBTICKET_CONTRACT_RATE_LIMIT", "91", "JOBTICKET_CONTRACT_RATE_LIMIT=91 is above 90"),
        ("JOBTICKET_CONTRACT_WINDOW", "3", "JOBTICKET_CONTRACT_WINDOW=3: the API counts requests per 60 s"),
    ],
)
def test_a_faster_pace_or_another_window_only_on_loopback(name: str, value: str, rule: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(rule)):
        KitSettings.from_env({**REMOTE, name: value})
    assert KitSettings.from_env({**LOOPBACK, name: value}).contract is not None
    assert KitSettings.from_env({name: value}).target.is_twin  # the twin run paces on its own clock


def test_production_is_refused_by_the_settings() -> None:
    with pytest.raises(ProductionRefused, match="production host"):
        KitSettings.from_env({**REMOTE, "JOBTICKET_BASE_URL": "https://V1-API.ticket-plus.app"})


@pytest.mark.parametrize(
    ("old", "new", "value", "field"),
    [
        ("JOBTICKET_CONTRACT_PER_MINUTE", "JOBTICKET_CONTRACT_RATE_LIMIT", "70", "rate_limit"),
        ("JOBTICKET_CONTRACT_REPORTS", "JOBTICKET_CONTRACT_OUTPUT_DIR", "old/reports", "output_dir"),
    ],
)
def test_a_deprecated_name_still_works_and_warns(old: str, new: str, value: str, field: str) -> None:
    with pytest.warns(FutureWarning, match=f"{old} is deprecated; set {new} instead"):
        contract = KitSettings.from_env({**REMOTE, old: value}).contract
    assert str(getattr(contract, field)) == value
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new name alone: no warning
        assert str(getattr(KitSettings.from_env({**REMOTE, new: value}).contract, field)) == value


def test_the_deprecated_name_is_the_one_a_refusal_names() -> None:
    with (
        pytest.warns(FutureWarning),
        pytest.raises(SettingsError, match="JOBTICKET_CONTRACT_PER_MINUTE=100 is above 90"),
    ):
        KitSettings.from_env({**REMOTE, "JOBTICKET_CONTRACT_PER_MINUTE": "100"})


def test_old_and_new_names_that_disagree_are_refused() -> None:
    env = {**REMOTE, "JOBTICKET_CONTRACT_RATE_LIMIT": "60", "JOBTICKET_CONTRACT_PER_MINUTE": "70"}
    with pytest.raises(
        SettingsError, match="JOBTICKET_CONTRACT_RATE_LIMIT and JOBTICKET_CONTRACT_PER_MINUTE"
    ):
        KitSettings.from_env(env)


def test_the_report_folder_of_a_plain_pytest_run_is_read_alone() -> None:
    broken = {"JOBTICKET_CONTRACT_BUDGET": "lots", "JOBTICKET_CONTRACT_OUTPUT_DIR": "here"}
    assert contract_output_dir(broken) == Path("here")  # the rest is refused later, with a report there
    assert contract_output_dir({}) is None


def test_the_table_documents_every_variable_once() -> None:
    documented = [variable.name for variable in VARIABLES]
    deprecated = [name for variable in VARIABLES for name in variable.deprecated_names]
    assert sorted(documented + deprecated) == sorted(variables.ALL_VARIABLES)
    assert len(set(documented)) == len(documented)
    table = markdown_table()
    assert all(f"`{name}`" in table for name in variables.ALL_VARIABLES)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (name, value)
        for name in (
            "JOBTICKET_CONTRACT_BUDGET",
            "JOBTICKET_CONTRACT_MAX_EXAMPLES",
            "JOBTICKET_CONTRACT_RATE_LIMIT",
            "JOBTICKET_CONTRACT_PER_MINUTE",
            "JOBTICKET_CONTRACT_WINDOW",
            "JOBTICKET_SANDBOX_INTEGRATION_ID",
        )
        # superscripts pass str.isdigit() and break int(); other scripts' digits int() reads; more
        # digits than int() converts; more than the rule allows; spelled the way int() also accepts.
        for value in ("\u00b2", "1\u2070", "\u0661\u0662", "\uff11", "9" * 5000, "1" * 10, "1_0", "+5")
    ],
)
def test_a_number_is_ascii_digits_within_the_budget(name: str, value: str) -> None:
    warnings.simplefilter("ignore", FutureWarning)  # a deprecated name warns too; pytest restores filters
    with pytest.raises(SettingsError) as raised:
        KitSettings.from_env({**LOOPBACK, name: value})
    message = str(raised.value)
    assert f"{name} must be a positive integer" in message
    assert "at most 9 ASCII digits" in message
    assert "\n" not in message
    assert len(message) < 200  # a 5,000-digit value is not echoed whole


def test_nine_digits_are_still_a_number() -> None:
    assert (
        KitSettings.from_env({**LOOPBACK, "JOBTICKET_CONTRACT_BUDGET": "999999999"}).contract.budget
        == 999_999_999
    )


@pytest.fixture
def high_recursion_limit() -> Iterator[None]:
    """A limit some runner or library raised: the depth must be refused by rule, not by the parser."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("[" * 50_000, "not a structure nested this deep"),
        ('{"d": ' * 8_000 + "1" + "}" * 8_000, "not a structure nested this deep"),
        ("{" + '"k": 1,' * 20_000 + "}", "of at most 65536 characters"),
        ('{"disabled": ["a", "b"], "disabled": ["c", "d"]}', "entry 'disabled' is given twice"),
        ('{"\\ud800": ["id", "hunter2"]}', "an entry name holds a control character or a lone surrogate"),
        ('{"disabled": ["id\\u0000", "hunter2"]}', "entry 'disabled' must be [username, password]"),
        ('{"disabled": ["id", "hunter2\\n"]}', "two non-empty strings without control characters"),
    ],
)
def test_hostile_limited_keys_are_one_line_without_the_secrets(
    value: str, rule: str, high_recursion_limit: None
) -> None:
    with pytest.raises(SettingsError) as raised:
        KitSettings.from_env({**REMOTE, "JOBTICKET_LIMITED_KEYS": value})
    message = str(raised.value)
    assert rule in message
    assert message.startswith("JOBTICKET_LIMITED_KEYS")
    assert "\n" not in message
    assert "hunter2" not in message


def test_the_report_folder_variable_must_be_a_folder(tmp_path: Path) -> None:
    report = tmp_path / "summary.md"
    report.write_text("x", encoding="utf-8")
    for folder, rule in ((report, "is a file, not a folder"), (report / "sub", f"{report} is a file")):
        with pytest.raises(SettingsError, match=re.escape(rule)):
            KitSettings.from_env({"JOBTICKET_CONTRACT_OUTPUT_DIR": str(folder)})
    assert KitSettings.from_env({"JOBTICKET_CONTRACT_OUTPUT_DIR": str(tmp_path / "new" / "dir")})
