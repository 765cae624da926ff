"""``jobticket-kit``: every tool behind one group, every --help, one-line usage errors, the old names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click
import pytest

from jobticket_kit import nightly, variables
from jobticket_kit.bench import contract as bench_contract
from jobticket_kit.cassettes import record
from jobticket_kit.checkout import project_root
from jobticket_kit.cli import kit, main
from jobticket_kit.contract import cli as contract_cli
from jobticket_kit.settings import markdown_table
from jobticket_twin.cli import twin

ROOT = project_root()
TOOLS = {
    "contract",
    "nightly",
    "nightly-issues",
    "twin",
    "generate",
    "update-spec",
    "record-cassettes",
    "scan",
    "drift",
    "bench",
    "config",
}
SCRIPT_LINE = re.compile(r'exec "\$\(dirname "\$0"\)/_run" (?P<command>[a-z -]+?) "\$@"')


def commands(
    group: click.Group = kit, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command and subcommand of the group, with the words that call it."""
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


COMMANDS = dict(commands())


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in variables.ALL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_console_script_lists_every_tool() -> None:
    script = Path(sys.executable).with_name("jobticket-kit")
    completed = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    listed = set(re.findall(r"^  ([a-z-]+)  ", completed.stdout, re.MULTILINE))
    assert listed == TOOLS
    assert set(kit.commands) == TOOLS


def test_the_twin_command_is_the_distributions_own() -> None:
    assert kit.commands["twin"] is twin  # one definition of its options, also `python -m jobticket_twin`
    assert {"client", "twin", "roster", "contract"} == set(COMMANDS[("bench",)].commands)  # type: ignore[attr-defined]


def script_commands() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted((ROOT / "scripts").iterdir()):
        if path.name == "_run":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "#!/usr/bin/env bash", path.name
        assert len(lines) == 2, f"scripts/{path.name} must be one line after the shebang"
        matched = SCRIPT_LINE.fullmatch(lines[1])
        assert matched, f"scripts/{path.name}: {lines[1]}"
        assert os.access(path, os.X_OK), path.name
        found[path.name] = tuple(matched.group("command").split())
    return found


def test_each_script_is_one_line_naming_an_existing_subcommand() -> None:
    found = script_commands()
    assert set(found) == {
        "bench-client",
        "bench-contract",
        "bench-roster",
        "bench-twin",
        "contract",
        "generate",
        "nightly",
        "nightly-issues",
        "record-cassettes",
        "twin",
        "update-spec",
    }
    for script, words in found.items():
        assert words in COMMANDS, (
            f"scripts/{script} calls jobticket-kit {' '.join(words)}, which does not exist"
        )
        assert script == "-".join(words)


def test_the_runner_execs_the_console_script_of_the_dev_environment() -> None:
    runner = (ROOT / "scripts" / "_run").read_text(encoding="utf-8")
    assert 'kit="$root/.tox/dev/bin/jobticket-kit"' in runner
    assert 'exec "$kit" "$@"' in runner
    assert 'tox -c "$root" -e dev --notest' in runner


def test_tox_runs_the_kit_commands() -> None:
    tox = (ROOT / "tox.ini").read_text(encoding="utf-8")
    for command in (
        "jobticket-kit contract {posargs}",
        "jobticket-kit nightly {posargs}",
        "jobticket-kit generate --check",
    ):
        assert f"commands = {command}" in tox
    called = [line.split()[3] for line in tox.splitlines() if line.startswith("commands = jobticket-kit")]
    assert all((name,) in COMMANDS for name in called)


@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
def test_every_subcommand_has_help_listing_its_options(
    words: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(*words, "--help", capsys=capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: jobticket-kit {' '.join(words)} ")
    for param in COMMANDS[words].params:
        if isinstance(param, click.Option):
            for option in param.opts:
                shown = re.search(rf"{re.escape(option)}(?![\w-])", out) is not None
                assert shown != param.hidden, (option, out)


@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
def test_an_unknown_option_is_one_line_and_exit_2(
    words: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(*words, "--no-such-option", capsys=capsys)
    assert code == 2
    assert out == ""
    path = " ".join(words)
    assert err.splitlines() == [
        f"jobticket-kit {path}: No such option '--no-such-option'; see 'jobticket-kit {path} --help'"
    ]


BAD_ARGUMENTS = [
    (("scan", "/nonexistent"), "Path '/nonexistent' does not exist"),
    (("drift", "--spec", "/nonexistent.yaml"), "'--spec': File '/nonexistent.yaml' does not exist"),
    (("drift", "/nonexistent"), "Directory '/nonexistent' does not exist"),
    (("generate", "--root", "/nonexistent"), "'--root': Directory '/nonexistent' does not exist"),
    (("update-spec",), "Missing argument 'SOURCE'"),
    (("update-spec", "--root", "/", "x.yaml"), "'--root': / is not a checkout of the kit"),
    (("generate", "--root", "/"), "'--root': / is not a checkout of the kit"),
    (("twin", "--port", "70000"), "'--port': 70000 is not in the range 0<=x<=65535"),
    (("twin", "--rate-limit", "-1"), "'--rate-limit': -1 is not in the range x>=0"),
    (("twin", "--window", "0"), "'--window': 0.0 is not in the range 0<x<=86400.0"),
    (("twin", "--window", "nan"), "'--window': nan is not a finite number of seconds"),
    (("twin", "--window", "inf"), "'--window': inf is not in the range 0<x<=86400.0"),
    (("twin", "--window", "-1"), "'--window': -1.0 is not in the range 0<x<=86400.0"),
    (("twin", "--block", "nan"), "'--block': nan is not a finite number of seconds"),
    (("twin", "--block", "0"), "'--block': 0.0 is not in the range 0<x<=86400.0"),
    (("twin", "--host", "v1-api.ticket-plus.app"), "'--host': must be an IP address"),
    (("twin", "--host", ""), "'--host': must be an IP address"),
    (
        ("twin", "--employees", "99999999999"),
        "'--employees': 99999999999 is not in the range 250<=x<=5000000",
    ),
    (("twin", "--faults", "latency=1e400"), "'--faults': fault item latency needs 0 <= MIN <= MAX <= 60"),
    (("twin", "--faults", "seed=\u00b2"), "'--faults': fault item seed must be an integer of at most 18"),
    (
        ("twin", "--webhook", "https://v1-api.ticket-plus%2Eapp/hook=s3cret"),
        "a webhook URL on the API's production host is refused",
    ),
    (("twin", "--webhook", "http://[::1/hook=s3cret"), "the webhook URL is refused: a bracketed host"),
    (("twin", "--faults", "error=5"), "'--faults': fault item error must be from 0 to 1"),
    (("twin", "--webhook", "no-secret"), "'--webhook': must be URL=SECRET"),
    (("bench", "twin", "--runs", "0"), "'--runs': 0 is not in the range 1<=x<=1000000"),
    (("bench", "twin", "--seconds", "0"), "'--seconds': 0.0 is not in the range 0<x<=86400.0"),
    (("bench", "twin", "--seconds", "nan"), "'--seconds': nan is not a finite number of seconds"),
    (("bench", "roster", "--employees", "99"), "'--employees': 99 is not in the range 100<=x<=1000000"),
    (("bench", "client", "--runs", "many"), "'--runs': 'many' is not a valid integer"),
    (("bench", "contract", "--window", "0"), "'--window': 0 is not in the range 1<=x<=86400"),
    (("bench", "nothing"), "No such command 'nothing'"),
    (("contract", "--operation", "getEmploye"), "--operation getEmploye: not an operationId of the spec"),
    (("nightly", "--baseline", "/nonexistent.yaml"), "bad baseline: /nonexistent.yaml: no such file"),
    (("no-such-tool",), "No such command 'no-such-tool'"),
]


@pytest.mark.parametrize(
    ("argv", "problem"), BAD_ARGUMENTS, ids=[" ".join(argv) for argv, _ in BAD_ARGUMENTS]
)
def test_a_bad_argument_is_one_line_naming_it_and_exit_2(
    argv: tuple[str, ...], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(*argv, capsys=capsys)
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("jobticket-kit")
    assert problem in lines[0]
    assert "Traceback" not in err


# What an attacker or a careless user puts in a variable: digits int() refuses or reads differently
# (superscripts pass str.isdigit), more digits than int() converts, JSON deep enough to blow the stack,
# a lone surrogate, a duplicate key, a proxy on the production host.
HOSTILE_VARIABLES = [
    (("contract",), "JOBTICKET_CONTRACT_BUDGET", "\u00b2"),
    (("nightly",), "JOBTICKET_CONTRACT_MAX_EXAMPLES", "9" * 5000),
    (("contract",), "JOBTICKET_CONTRACT_RATE_LIMIT", "\u00b9\u2070"),
    (("nightly",), "JOBTICKET_CONTRACT_WINDOW", "\u0661\u0662"),
    (("record-cassettes",), "JOBTICKET_SANDBOX_INTEGRATION_ID", "\u00b2"),
    (("contract",), "JOBTICKET_LIMITED_KEYS", "[" * 50_000),
    (("nightly",), "JOBTICKET_LIMITED_KEYS", '{"a": ' * 20_000),
    (("record-cassettes",), "JOBTICKET_LIMITED_KEYS", '{"\\ud800": ["id", "secret"]}'),
    (("contract",), "JOBTICKET_LIMITED_KEYS", '{"disabled": ["a", "b"], "disabled": ["c", "d"]}'),
    (("contract",), "JOBTICKET_CONTRACT_OUTPUT_DIR", "/dev/null/reports"),
    (("contract",), "HTTPS_PROXY", "http://v1-api.ticket-plus.app:443"),
    (("nightly",), "HTTP_PROXY", "v1-api.ticket-plus%2Eapp"),
    (("record-cassettes",), "ALL_PROXY", "socks5://x@v1-api\u3002ticket-plus\u3002app"),
    (("config",), "https_proxy", "http://[::1"),
]
# A remote target's key, which HTTP Basic would split or send with a pasted control character.
REMOTE_KEYS = [
    (("contract",), "JOBTICKET_USERNAME", "key:with-colon"),
    (("nightly",), "JOBTICKET_PASSWORD", "hunter2\x1b[31m"),
]


@pytest.mark.parametrize(
    ("argv", "variable", "value"),
    [
        (("contract",), "JOBTICKET_CONTRACT_BUDGET", "lots"),
        (("nightly",), "JOBTICKET_ALLOW_DESTRUCTIVE", "yes"),
        (("record-cassettes",), "JOBTICKET_SANDBOX_INTEGRATION_ID", "seven"),
        (("config",), "JOBTICKET_LIMITED_KEYS", "[]"),
        *HOSTILE_VARIABLES,
    ],
)
def test_a_bad_variable_is_one_line_naming_it_and_exit_2(
    argv: tuple[str, ...],
    variable: str,
    value: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(variable, value)
    monkeypatch.chdir(tmp_path)  # a run that got further would write reports here
    code, out, err = run(*argv, capsys=capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"jobticket-kit {argv[0]}: refused: {variable}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "variable", "value"),
    [(argv, variable, value) for argv, variable, value in HOSTILE_VARIABLES if argv[0] != "config"],
)
def test_a_refused_run_leaves_earlier_reports_alone(
    argv: tuple[str, ...],
    variable: str,
    value: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "summary.md").write_text("last night's verdict\n", encoding="utf-8")
    (earlier / "ready.yaml").write_text("interactions: []\n", encoding="utf-8")
    before = {path.name: path.read_bytes() for path in earlier.iterdir()}
    monkeypatch.setenv(variable, value)
    code, _, err = run(*argv, "--output-dir", str(earlier), capsys=capsys)
    assert code == 2, err
    assert "Traceback" not in err
    assert {path.name: path.read_bytes() for path in earlier.iterdir()} == before


@pytest.mark.parametrize("command", ["contract", "nightly", "record-cassettes", "bench contract"])
@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_an_output_folder_naming_a_file_is_refused_before_anything(
    command: str, where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "summary.md"
    report.write_text("last night's verdict\n", encoding="utf-8")
    folder = report if where == "a file" else report / "reports"
    code, out, err = run(*command.split(), "--output-dir", str(folder), capsys=capsys)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1, err
    assert "'--output-dir'" in err
    assert str(report) in err
    assert report.read_text(encoding="utf-8") == "last night's verdict\n"
    assert sorted(tmp_path.iterdir()) == [report]


@pytest.mark.parametrize(("argv", "variable", "value"), REMOTE_KEYS)
def test_a_key_basic_auth_would_mangle_is_refused_without_quoting_it(
    argv: tuple[str, ...],
    variable: str,
    value: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JOBTICKET_BASE_URL", "https://v1-api-staging.ticket-plus.app")
    monkeypatch.setenv("JOBTICKET_USERNAME", "key-id")
    monkeypatch.setenv("JOBTICKET_PASSWORD", "secret")
    monkeypatch.setenv(variable, value)
    code, out, err = run(*argv, "--output-dir", str(tmp_path / "out"), capsys=capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"jobticket-kit {argv[0]}: refused: JOBTICKET_USERNAME/JOBTICKET_PASSWORD: ")
    assert value not in err
    assert not (tmp_path / "out").exists()


def test_the_group_alone_shows_its_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys=capsys)
    assert code == 2
    assert "Commands:" in out + err


def test_the_twin_module_runs_the_same_command() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "jobticket_twin", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert completed.stdout.startswith("Usage: python -m jobticket_twin [OPTIONS]")
    for option in ("--port", "--rate-limit", "--window", "--block", "--faults", "--fake-clock", "--webhook"):
        assert option in completed.stdout


# What the contract command prints from: a run that held.
HELD = SimpleNamespace(
    verdict=SimpleNamespace(text="contract holds"), exit_code=0, reason="-", requests_spent=0, reports={}
)


class Called:
    """Stands in for a tool function and remembers what the command passed it."""

    def __init__(self, result: Any) -> None:
        self.result = result
        self.args: tuple[Any, ...] = ()
        self.kwargs: dict[str, Any] = {}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.args, self.kwargs = args, kwargs
        return self.result


@pytest.mark.parametrize(
    ("argv", "module", "function", "passed"),
    [
        (
            ("contract", "--report-dir", "old"),
            contract_cli,
            "run_contract",
            lambda call: call.args[0].output_dir,
        ),
        (("nightly", "--report-dir", "old"), nightly, "run", lambda call: call.args[0].output_dir),
        (("record-cassettes", "--output", "old"), record, "record_all", lambda call: call.args[1]),
        (
            ("bench", "contract", "--report-dir", "old"),
            bench_contract,
            "run",
            lambda call: call.kwargs["output_dir"],
        ),
    ],
    ids=[
        "contract --report-dir",
        "nightly --report-dir",
        "record-cassettes --output",
        "bench contract --report-dir",
    ],
)
def test_the_old_output_options_still_work_and_warn(
    argv: tuple[str, ...],
    module: Any,
    function: str,
    passed: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    called = Called({"record_all": [], "run_contract": HELD}.get(function, 0))
    monkeypatch.setattr(module, function, called)
    code, _, err = run(*argv, capsys=capsys)
    assert code == 0, err
    assert passed(called) == Path("old")
    old = argv[-2]
    assert err.splitlines() == [
        f"jobticket-kit: warning: {old} is deprecated and goes away in the next release; use --output-dir"
    ]


def test_the_new_output_option_does_not_warn_and_the_last_one_wins(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    called = Called(HELD)
    monkeypatch.setattr(contract_cli, "run_contract", called)
    assert main(["contract", "--output-dir", "new"]) == 0
    assert called.args[0].output_dir == Path("new")
    assert capsys.readouterr().err == ""
    assert main(["contract", "--output-dir", "new", "--report-dir", "old"]) == 0
    assert called.args[0].output_dir == Path("old")
    assert main(["contract", "--report-dir", "old", "--output-dir", "new"]) == 0
    assert called.args[0].output_dir == Path("new")


def test_the_old_rate_variable_still_works_and_warns_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBTICKET_CONTRACT_PER_MINUTE", "70")
    code, out, err = run("config", capsys=capsys)
    assert code == 0
    assert "contract pace                  70 requests per 60 s" in out
    assert err.splitlines() == [
        "jobticket-kit: warning: JOBTICKET_CONTRACT_PER_MINUTE is deprecated; "
        "set JOBTICKET_CONTRACT_RATE_LIMIT instead"
    ]


def test_config_shows_no_secret(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBTICKET_BASE_URL", "staging")
    monkeypatch.setenv("JOBTICKET_USERNAME", "key-id-1234")
    monkeypatch.setenv("JOBTICKET_PASSWORD", "top-secret")
    monkeypatch.setenv("JOBTICKET_LIMITED_KEYS", '{"disabled": ["other-id", "other-secret"]}')
    code, out, _ = run("config", capsys=capsys)
    assert code == 0
    assert "https://v1-api-staging.ticket-plus.app" in out
    assert "disabled" in out
    for secret in ("key-id-1234", "top-secret", "other-id", "other-secret"):
        assert secret not in out


def test_config_markdown_is_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("config", "--markdown", capsys=capsys)
    assert (code, out) == (0, markdown_table())
