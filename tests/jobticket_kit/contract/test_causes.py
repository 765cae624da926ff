"""What explains a failed check is found however it is wrapped: chains, groups, groups in chains."""

from __future__ import annotations

from jobticket_kit.contract.budget import BudgetSpent, TargetBlocked
from jobticket_kit.contract.causes import cause


def _raised_from(error: BaseException, outer: BaseException) -> BaseException:
    try:
        try:
            raise error
        except BaseException as inner:
            raise outer from inner
    except BaseException as caught:
        return caught


def test_a_cause_is_found_in_nested_groups_behind_a_chain() -> None:
    spent = BudgetSpent(3, 3)
    grouped = ExceptionGroup("checks", [ValueError("a"), ExceptionGroup("inner", [spent])])
    error = _raised_from(grouped, AssertionError("the check failed"))
    assert cause(error, (TargetBlocked, BudgetSpent)) is spent


def test_no_cause_when_none_of_the_kinds_is_there_and_cycles_end() -> None:
    first, second = ValueError("a"), KeyError("b")
    first.__context__, second.__context__ = second, first
    assert cause(first, (BudgetSpent,)) is None
    assert cause(None, (BudgetSpent,)) is None
