"""Names of the previous release still work for one more, as the very same objects, and warn where to go."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys

import pytest

import jobticket
import jobticket.roster
from jobticket import RateLimitError
from jobticket._deprecated import DEPRECATED, MOVED
from tests.jobticket.test_import_cost import loaded_after


def _named(advice: str) -> object | None:
    """The object advice like ``use jobticket.roster.StalePlanError`` names, if it names one."""
    if not advice.startswith("use jobticket.") or " " in advice.removeprefix("use "):
        return None
    module, _, name = advice.removeprefix("use ").rpartition(".")
    named: object = getattr(importlib.import_module(module), name)
    return named


@pytest.mark.parametrize("old", sorted(DEPRECATED))
def test_an_old_name_warns_at_the_callers_line_and_is_the_object_it_was(old: str) -> None:
    source, current, advice = DEPRECATED[old]
    with pytest.warns(DeprecationWarning, match=re.escape(advice)) as caught:
        value = getattr(jobticket, old)
    assert value is getattr(importlib.import_module(source), current)
    assert _named(advice) in (None, value)
    (warning,) = caught
    assert str(warning.message) == (
        f"jobticket.{old} is deprecated and will be removed in the next release; {advice}"
    )
    assert warning.filename == __file__
    assert old not in jobticket.__all__
    assert old not in dir(jobticket)


def test_the_renamed_exceptions_and_moved_types_name_their_new_home() -> None:
    homes = {old: advice for old, (_, _, advice) in DEPRECATED.items() if _named(advice) is not None}
    assert homes["RateLimited"] == "use jobticket.RateLimitError"
    assert homes["StalePlan"] == "use jobticket.roster.StalePlanError"
    assert homes["SyncPlan"] == "use jobticket.hr_sync.SyncPlan"
    assert len(homes) == 12


@pytest.mark.parametrize("old", MOVED)
def test_what_moved_into_the_roster_application_is_named_but_never_imported(old: str) -> None:
    with pytest.raises(AttributeError, match=f"from jobticket.roster import {old}$"):
        getattr(jobticket, old)
    assert hasattr(jobticket.roster, old)
    asked = f"import jobticket\ntry:\n    jobticket.{old}\nexcept AttributeError:\n    pass"
    assert loaded_after(asked) == []


def test_an_old_exception_name_still_catches_the_renamed_error() -> None:
    with pytest.warns(DeprecationWarning, match=r"use jobticket\.RateLimitError$"):
        rate_limited = jobticket.RateLimited
    with pytest.raises(rate_limited) as raised:
        raise RateLimitError("slow down", retry_after=3.0)
    assert raised.value.retry_after == 3.0


def test_from_import_of_an_old_name_works_and_warns_at_the_importing_line() -> None:
    old = "from jobticket import RateLimited, RateLimitError; assert RateLimited is RateLimitError"
    shown = subprocess.run([sys.executable, "-c", old], capture_output=True, text=True, check=False)
    assert shown.returncode == 0
    assert shown.stderr.startswith("<string>:1: DeprecationWarning: jobticket.RateLimited is deprecated")
    strict_python = [sys.executable, "-W", "error::DeprecationWarning", "-c", old]
    strict = subprocess.run(strict_python, capture_output=True, text=True, check=False)
    assert strict.returncode == 1
    assert "DeprecationWarning: jobticket.RateLimited is deprecated" in strict.stderr
    light = [sys.executable, "-W", "error::DeprecationWarning", "-c", "import jobticket"]
    assert subprocess.run(light, capture_output=True, check=False).returncode == 0


def test_a_name_that_never_existed_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'jobticket' has no attribute 'RateLimitedError'"):
        _ = jobticket.RateLimitedError
