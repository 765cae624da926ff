"""``python -m jobticket_kit.contract``: the main job. Exit 0 holds, 1 broken, 2 no verdict."""

from __future__ import annotations

import argparse
import sys

from jobticket_kit.contract.cli import add_run_arguments, input_problem, run_from_arguments


def main(argv: list[str] | None = None) -> int:
    """Run the suite, print the verdict and its reason, and return the exit code (0/1/2)."""
    parser = argparse.ArgumentParser(
        prog="scripts/contract",
        description="Check that the target API (the twin unless JOBTICKET_BASE_URL is set) honours openapi/.",
    )
    add_run_arguments(parser)
    args = parser.parse_args(argv)
    problem = input_problem(args)
    if problem is not None:
        print(f"scripts/contract: {problem}", file=sys.stderr)
        return 2
    result = run_from_arguments(args)
    print(f"contract verdict: {result.verdict.text} (exit {result.exit_code}): {result.reason}")
    print(f"requests spent: {result.requests_spent}; summary: {result.reports.get('summary', '-')}")
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
