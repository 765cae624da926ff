"""The docs a reader follows: links resolve, the commands they show exist, the README stays short."""

from __future__ import annotations

import re
import stat
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from tests.docs_check import DocChecker, doc_files, github_slug

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kit() -> click.Command:
    from jobticket_kit.cli import kit  # noqa: PLC0415 - the checker's own tests below need no kit

    return kit


MAIN_JOB = "python3 -m pip install tox==4.67.15 && python3 -m tox -e contract"
ALL_TESTS = "python3 -m pip install tox==4.67.15 && python3 -m tox"


def test_every_link_and_command_in_the_docs_resolves(kit: click.Command) -> None:
    files = doc_files(ROOT)
    assert {path.relative_to(ROOT).as_posix() for path in files} >= {
        "README.md",
        "ARCHITECTURE.md",
        "CONTRIBUTING.md",
        "client/README.md",
        "client/CHANGELOG.md",
        "docs/README.md",
    }
    problems = DocChecker(ROOT, kit).check(files)
    assert not problems, "\n".join(map(str, problems))


def test_every_docs_page_is_in_the_index() -> None:
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    pages = sorted(path.name for path in (ROOT / "docs").glob("*.md") if path.name != "README.md")
    assert pages
    assert [page for page in pages if f"({page})" not in index] == []


def test_the_distribution_readme_needs_nothing_outside_the_distribution(kit: click.Command) -> None:
    checker = DocChecker(ROOT, kit)
    client = ROOT / "client"
    assert checker.links_leaving(client / "README.md", client) == []
    assert checker.links_leaving(client / "CHANGELOG.md", client) == []


def test_the_readme_is_short_and_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150
    first = "\n".join(lines[:10])
    assert MAIN_JOB in first
    assert re.search(rf"^{re.escape(ALL_TESTS)}(\s|$)", first, re.MULTILINE)


# The checker itself, on a small checkout of its own: it must fail on every kind of breakage.


@click.group()
def fixture_kit() -> None:
    """A stand-in for jobticket-kit with two subcommands and a nested group."""


@fixture_kit.command()
@click.option("--output-dir")
@click.option("--report-dir", hidden=True)
def contract(output_dir: str | None, report_dir: str | None) -> None:
    """Run."""


@fixture_kit.group()
def bench() -> None:
    """Benchmarks."""


@bench.command()
@click.option("--runs", type=int)
def twin(runs: int | None) -> None:
    """Bench the twin."""


def _checkout(tmp_path: Path, page: str) -> Path:
    """A checkout with two scripts, a tox.ini, a docs page and a package with a deprecated name."""
    package = tmp_path / "docs_fixture_package"
    package.mkdir()
    (package / "__init__.py").write_text(DEPRECATING_PACKAGE)
    (tmp_path / "scripts").mkdir()
    for name, subcommand in {"contract": "contract", "bench-twin": "bench twin"}.items():
        script = tmp_path / "scripts" / name
        script.write_text(f'#!/usr/bin/env bash\nexec "$(dirname "$0")/_run" {subcommand} "$@"\n')
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "scripts" / "not-executable").write_text("#!/bin/sh\n")
    (tmp_path / "tox.ini").write_text("[tox]\nenv_list = lint, tests\n\n[testenv:contract]\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_here.py").write_text("")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text(
        "# Other page\n\n## Pacing across hosts\n\n## `jobticket` roster\n"
    )
    (tmp_path / "README.md").write_text(textwrap.dedent(page))
    return tmp_path


DEPRECATING_PACKAGE = """\
import warnings

current_name = 1


def __getattr__(name):
    if name == "old_name":
        warnings.warn("old_name is deprecated; use current_name", DeprecationWarning, stacklevel=2)
        return current_name
    raise AttributeError(name)
"""


@pytest.fixture(autouse=True)
def _fixture_package_importable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("docs_fixture_package", None)


GOOD_PAGE = """\
    # A page

    See [other](docs/other.md), [its section](docs/other.md#pacing-across-hosts),
    [code in a heading](docs/other.md#jobticket-roster), [here](#a-page), [the web](https://example.org/x).
    `scripts/contract --output-dir out`, `scripts/bench-*`, `jobticket.RateLimitError`, `tests/test_here.py`.

    ```bash
    python3 -m pip install tox==4.67.15 && python3 -m tox -e lint,contract   # comment
    JOBTICKET_BASE_URL=https://example.org scripts/contract --output-dir r tests/test_here.py::test_a
    .tox/dev/bin/jobticket-kit bench twin --runs 3 | tee out.txt
    python -m json.tool \\
      --sort-keys x.json
    scripts/bench-twin --runs=2 --help
    export JOBTICKET_LIMITED_KEYS='{"disabled": ["id", "secret"],
      "reader": ["id", "secret"]}'
    ```

    ```console
    $ jobticket-kit contract --output-dir reports
    refused: output that is not a command: scripts/nowhere
    ```

    ```python
    from jobticket import JobTicket, RateLimitError
    from docs_fixture_package import current_name
    import json.tool

    async for item in client.list_employees():
        ...
    ```
    """


def test_the_checker_passes_a_page_whose_links_and_commands_exist(tmp_path: Path) -> None:
    root = _checkout(tmp_path, GOOD_PAGE)
    assert DocChecker(root, fixture_kit).check([root / "README.md"]) == []


BROKEN_PAGE = """\
    # A page

    [gone](docs/gone.md) and [no anchor](docs/other.md#no-such-heading) and [rooted](/docs/other.md)
    and [here](#nowhere). `scripts/gone`, `scripts/not-executable`, `jobticket.no_such_name`,
    `tests/test_gone.py`, `python -m no_such_module_anywhere`.

    ```bash
    python3 -m tox -e lint,nosuchenv
    jobticket-kit nosuch --flag
    .tox/dev/bin/jobticket-kit bench client
    scripts/contract --out x --report-dir y
    jobticket-kit contract --output-dir out && scripts/bench-twin --rounds 2
    jobticket-kit contract \\
      --nope
    JOBTICKET_LIMITED_KEYS='{"disabled": ["id", "secret"],
      "reader": ["id", "secret"]}' jobticket-kit contract --quoted
    ```

    ```console
    $ jobticket-kit gone
    jobticket-kit output-is-not-checked
    ```

    ```python
    from jobticket import JobTicket, NoSuchError
    import no_such_package_at_all
    from docs_fixture_package import old_name
    ```

    ```python
    def broken(:
    ```
    """


def test_the_checker_names_every_broken_link_and_command(tmp_path: Path) -> None:
    root = _checkout(tmp_path, BROKEN_PAGE)
    problems = [str(problem) for problem in DocChecker(root, fixture_kit).check([root / "README.md"])]
    assert problems == [
        "README.md:3: jobticket.no_such_name: jobticket has no 'no_such_name'",
        "README.md:3: link '#nowhere': no heading with that anchor",
        "README.md:3: link '/docs/other.md': use a relative path",
        "README.md:3: link 'docs/gone.md': no such file",
        "README.md:3: link 'docs/other.md#no-such-heading': no heading with that anchor",
        "README.md:3: python -m no_such_module_anywhere: no such module",
        "README.md:3: scripts/gone: no such executable script",
        "README.md:3: scripts/not-executable: no such executable script",
        "README.md:3: tests/test_gone.py: no such file",
        "README.md:8: tox -e nosuchenv: no such environment in tox.ini",
        "README.md:9: jobticket-kit nosuch: no such subcommand",
        "README.md:10: jobticket-kit bench client: no such subcommand",
        "README.md:11: scripts/contract runs jobticket-kit contract: --report-dir is hidden from --help"
        " (a deprecated spelling)",
        "README.md:11: scripts/contract runs jobticket-kit contract: no option --out",
        "README.md:12: scripts/bench-twin runs jobticket-kit bench twin: no option --rounds",
        "README.md:13: jobticket-kit contract: no option --nope",
        "README.md:15: jobticket-kit contract: no option --quoted",
        "README.md:20: jobticket-kit gone: no such subcommand",
        "README.md:25: import: jobticket.NoSuchError: jobticket has no 'NoSuchError'",
        "README.md:26: import: no_such_package_at_all: no such module",
        "README.md:27: import: docs_fixture_package.old_name: deprecated:"
        " old_name is deprecated; use current_name",
        "README.md:31: Python block does not parse: invalid syntax",
    ]


def test_links_that_leave_a_vendored_folder_are_named(tmp_path: Path) -> None:
    root = _checkout(tmp_path, "# Root\n")
    (root / "client").mkdir()
    (root / "client" / "NOTES.md").write_text("# Notes\n")
    (root / "client" / "README.md").write_text(
        "[notes](NOTES.md), [kit](../README.md), [web](https://x.org)\n"
    )
    leaving = DocChecker(root, fixture_kit).links_leaving(root / "client" / "README.md", root / "client")
    assert [str(problem) for problem in leaving] == ["client/README.md:1: link '../README.md' leaves client/"]


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Pacing across processes and hosts", "pacing-across-processes-and-hosts"),
        ("HR roster sync (for HR-integration teams)", "hr-roster-sync-for-hr-integration-teams"),
        ("`jobticket roster` command line", "jobticket-roster-command-line"),
        ("Errors: what each one means", "errors-what-each-one-means"),
        ("Größe & Maß", "größe--maß"),
    ],
)
def test_anchors_are_githubs_heading_slugs(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug
