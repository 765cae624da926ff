"""Names of the previous release still work for one more, as the very same objects, and warn where to go."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import jobticket
from jobticket import RateLimitError
from jobticket._deprecated import DEPRECATED


def _current(instead: str) -> object:
    module, _, name = instead.rpartition(".")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("old", sorted(DEPRECATED))
def test_an_old_name_warns_at_the_callers_line_and_is_the_object_its_hint_names(old: str) -> None:
    instead = DEPRECATED[old][2]
    with pytest.warns(DeprecationWarning, match=f"use {instead}$") as caught:
        value = getattr(jobticket, old)
    assert value is _current(instead)
    (warning,) = caught
    assert str(warning.message) == (
        f"jobticket.{old} is deprecated and will be removed in the next release; use {instead}"
    )
    assert warning.filename == __file__
    assert old not in jobticket.__all__
    assert old not in dir(jobticket)


def test_an_old_exception_name_still_catches_the_renamed_error() -> None:
    with pytest.warns(DeprecationWarning, match="use jobticket.RateLimitError"):
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
