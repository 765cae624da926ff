"""Keep one GitHub issue per nightly failure, through the ``gh`` command line.

After each night (``nightly.json``), per failure fingerprint:

- a new contract drift, auth or our-own-bug failure, or an incident, gets an issue at once;
- an outage or a 429 (the target's availability, not its contract) gets one only once it has failed
  :data:`REPEATED` nights in a row (``streaks`` in ``nightly.json``): one bad night is no news;
- an issue whose failure is still there gets a comment (the night, how many nights in a row);
- an issue whose failure is gone on a night **with a verdict** is closed as fixed. A night without a
  verdict retested nothing, and an incident halted the run, so neither closes anything.

A run without a verdict is tracked too, by its ``problem`` (one fingerprint per outcome class), so that
three nights without a verdict because staging was down make one issue. Each issue carries its
fingerprint and outcome class in a hidden marker in its body, and the label :data:`LABEL`: that is how
the next night finds it. What was done is appended to ``summary.md`` with a link to each issue.
``--dry-run`` lists the open issues (read only) and prints the ``gh`` commands it would run instead.
The text of an issue comes from ``nightly.json``, which holds redacted text only.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jobticket_kit.contract.outcomes import INCIDENT, OUTAGE, RATE_LIMITED
from jobticket_kit.nightly import WHAT_TO_DO, has_verdict

__all__ = [
    "LABEL",
    "REPEATED",
    "Action",
    "Gh",
    "GhError",
    "Tracked",
    "plan_actions",
    "summary_section",
]

LABEL = "nightly-contract"
REPEATED = 3  # nights in a row before a failure of the target's availability is filed
_WAITED_FOR = frozenset({OUTAGE, RATE_LIMITED})
_MARKER = "<!-- jobticket-kit nightly: fingerprint={fingerprint} outcome={outcome} -->"
_MARKER_PATTERN = re.compile(
    r"<!-- jobticket-kit nightly: fingerprint=(?P<fingerprint>[0-9a-f]{16}) outcome=(?P<outcome>[a-z -]+) -->"
)
_LIST_LIMIT = 1000
_TITLE_LIMIT = 200
_GH_TIMEOUT = 60.0

Kind = Literal["open", "comment", "close", "wait", "keep"]


class GhError(RuntimeError):
    """``gh`` is missing, or a call of it failed; the message names the call, never a token."""


@dataclass(frozen=True)
class Tracked:
    """An open issue this command filed: its number, link, fingerprint and outcome class."""

    number: int
    url: str
    fingerprint: str
    outcome: str


@dataclass(frozen=True)
class Action:
    """What to do about one fingerprint tonight (``wait``/``keep``: nothing, said in the summary)."""

    kind: Kind
    fingerprint: str
    outcome: str
    title: str
    text: str = ""
    """The body of a new issue, the comment, or the closing comment."""
    issue: Tracked | None = None
    note: str = ""
    subject: str = ""
    """What failed, short (operation, check, title), for the summary."""


def plan_actions(
    nightly: Mapping[str, Any], tracked: Sequence[Tracked], *, run_url: str | None = None
) -> list[Action]:
    """Decide, per fingerprint of tonight and per open issue, what to do (no ``gh`` call here)."""
    by_fingerprint = {issue.fingerprint: issue for issue in tracked}
    streaks: Mapping[str, int] = nightly.get("streaks", {})
    night = nightly["finished_at"]
    link = f" Run: {run_url}" if run_url else ""
    actions: list[Action] = []
    tonight = _tonight(nightly)
    for item in tonight:
        fingerprint, outcome = item["fingerprint"], item["outcome"]
        streak = int(streaks.get(fingerprint, 1))
        title, subject = _title(item), _subject(item)
        issue = by_fingerprint.get(fingerprint)
        if issue is not None:
            text = f"Still failing on the night of {night} ({_nights(streak)} in a row).{link}"
            actions.append(Action("comment", fingerprint, outcome, title, text, issue, subject=subject))
        elif outcome in _WAITED_FOR and streak < REPEATED:
            note = f"not filed yet: {outcome} on {_nights(streak)} in a row, filed from {REPEATED}"
            actions.append(Action("wait", fingerprint, outcome, title, note=note, subject=subject))
        else:
            body = _body(nightly, item, streak, run_url)
            actions.append(Action("open", fingerprint, outcome, title, body, subject=subject))
    present = {item["fingerprint"] for item in tonight}
    for issue in tracked:
        if issue.fingerprint in present:
            continue
        if has_verdict(nightly):
            text = f"Fixed: the night of {night} had a verdict, and this failure was not among its own.{link}"
            actions.append(Action("close", issue.fingerprint, issue.outcome, "", text, issue))
        else:
            halted = (
                "an incident halted tonight's run"
                if nightly["outcome"] == INCIDENT
                else "tonight had no verdict"
            )
            note = f"left open: {halted}, so it was not retested"
            actions.append(Action("keep", issue.fingerprint, issue.outcome, "", issue=issue, note=note))
    return actions


def _tonight(nightly: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Tonight's failures, and the run's own problem when it had no verdict."""
    items: list[Mapping[str, Any]] = list(nightly["failures"])
    if nightly.get("problem"):
        items.append(nightly["problem"])
    return items


def _nights(count: int) -> str:
    return "1 night" if count == 1 else f"{count} nights"


def _subject(item: Mapping[str, Any]) -> str:
    """``operation check: title``, on one line."""
    where = " ".join(part for part in (item.get("operation"), item.get("check")) if part)
    return " ".join(f"{where + ': ' if where else ''}{item['title']}".split())


def _title(item: Mapping[str, Any]) -> str:
    title = f"Nightly contract check: {item['outcome']}: {_subject(item)}"
    return title if len(title) <= _TITLE_LIMIT else title[: _TITLE_LIMIT - 1] + "…"


def _body(nightly: Mapping[str, Any], item: Mapping[str, Any], streak: int, run_url: str | None) -> str:
    """A new issue: what failed, where, how to reproduce it, and what to do."""
    lines = [
        f"The nightly contract check of `{nightly['target']}` (spec {nightly['spec_version']}) found this "
        f"failure on the night of {nightly['finished_at']} ({_nights(streak)} in a row).",
        "",
        f"- Outcome: **{item['outcome']}**",
    ]
    for label, name in (("Operation", "operation"), ("Check", "check"), ("Test", "test")):
        if item.get(name):
            lines.append(f"- {label}: `{item[name]}`")
    if item.get("affects"):
        lines.append(f"- Also stopped: {len(item['affects'])} more check(s) sharing its setup")
    if item.get("outage_evidence"):
        lines.append(f"- Evidence: {item['outage_evidence']}")
    lines.append(f"- Fingerprint: `{item['fingerprint']}`")
    lines += ["", "```text", str(item.get("message") or item["title"]), "```", ""]
    if item.get("reproduction"):
        lines.append(f"Reproduce: `{item['reproduction']}`")
    if item.get("rerun") and item.get("rerun") != item.get("reproduction"):
        lines.append(f"Run the check again: `{item['rerun']}`")
    lines += ["", f"What to do: {WHAT_TO_DO[item['outcome']]}", ""]
    if run_url:
        lines += [f"Run: {run_url}", ""]
    lines += [
        "This issue is kept by `jobticket-kit nightly-issues`: it is commented while the failure lasts "
        "and closed on the first night with a verdict that no longer has it.",
        "",
        _MARKER.format(fingerprint=item["fingerprint"], outcome=item["outcome"]),
    ]
    return "\n".join(lines) + "\n"


Runner = Callable[..., "subprocess.CompletedProcess[str]"]


class Gh:
    """The ``gh`` calls this command makes; ``repo`` is ``OWNER/NAME`` (None: the current repository)."""

    def __init__(
        self, repo: str | None = None, *, executable: str = "gh", runner: Runner = subprocess.run
    ) -> None:
        self.repo = repo
        self.executable = executable
        self.runner = runner

    def command(self, *args: str) -> list[str]:
        """The full ``gh`` command line for ``args``."""
        return [self.executable, *args, *(["--repo", self.repo] if self.repo else [])]

    def call(self, *args: str, stdin: str | None = None) -> str:
        """Run ``gh ARGS``; return its output, or raise :class:`GhError` naming the subcommand."""
        command = self.command(*args)
        try:
            done = self.runner(
                command, input=stdin, capture_output=True, text=True, timeout=_GH_TIMEOUT, check=False
            )
        except FileNotFoundError:
            raise GhError(f"'{self.executable}' is not on PATH: install the GitHub CLI") from None
        except subprocess.TimeoutExpired:
            raise GhError(f"gh {' '.join(args[:2])} did not answer within {_GH_TIMEOUT:.0f} s") from None
        if done.returncode != 0:
            reason = " ".join((done.stderr or "").split())[:300]
            raise GhError(f"gh {' '.join(args[:2])} failed (exit {done.returncode}): {reason}")
        return done.stdout

    def tracked(self, label: str) -> list[Tracked]:
        """The open issues with ``label`` that carry this command's marker."""
        fields = "number,url,body"
        out = self.call(
            "issue",
            "list",
            "--label",
            label,
            "--state",
            "open",
            "--limit",
            str(_LIST_LIMIT),
            "--json",
            fields,
        )
        try:
            issues = json.loads(out or "[]")
        except ValueError:
            raise GhError("gh issue list did not answer JSON") from None
        found: list[Tracked] = []
        for issue in issues if isinstance(issues, list) else []:
            match = _MARKER_PATTERN.search(str(issue.get("body") or "")) if isinstance(issue, dict) else None
            if match is not None and isinstance(issue.get("number"), int):
                found.append(
                    Tracked(
                        issue["number"], str(issue.get("url") or ""), match["fingerprint"], match["outcome"]
                    )
                )
        return found

    def ensure_label(self, label: str) -> None:
        """Create the label, or leave it as it is (``--force`` only updates colour and description)."""
        self.call(
            "label", "create", label, "--color", "B60205", "--force",
            "--description", "Kept by jobticket-kit nightly-issues: one issue per nightly failure",
        )  # fmt: skip

    def create(self, title: str, body: str, label: str) -> str:
        """Open an issue; return its URL (what ``gh issue create`` prints last)."""
        out = self.call("issue", "create", "--title", title, "--label", label, "--body-file", "-", stdin=body)
        lines = [line.strip() for line in out.splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def comment(self, number: int, body: str) -> None:
        """Comment on an issue."""
        self.call("issue", "comment", str(number), "--body-file", "-", stdin=body)

    def close(self, number: int, comment: str) -> None:
        """Close an issue as completed, with a comment."""
        self.call("issue", "close", str(number), "--reason", "completed", "--comment", comment)


@dataclass(frozen=True)
class Done:
    """One action and what came of it (the issue's link, or the error)."""

    action: Action
    url: str = ""
    error: str = ""


def apply(
    actions: Sequence[Action], gh: Gh, label: str, *, dry_run: bool, echo: Callable[[str], None]
) -> list[Done]:
    """Carry out the actions (or, with ``dry_run``, print the ``gh`` commands); go on after a failed one."""
    results: list[Done] = []
    writes = [action for action in actions if action.kind in ("open", "comment", "close")]
    if any(action.kind == "open" for action in writes):
        if dry_run:
            echo("would run: " + shlex.join(gh.command("label", "create", label, "--force")))
        else:
            try:
                gh.ensure_label(label)
            except GhError as error:
                echo(f"warning: {error}")
    for action in actions:
        if action.kind not in ("open", "comment", "close"):
            results.append(Done(action))
            continue
        if dry_run:
            echo("would run: " + shlex.join(gh.command(*_dry_args(action, label))))
            results.append(Done(action, url=action.issue.url if action.issue else ""))
            continue
        try:
            url = _write(action, gh, label)
        except GhError as error:
            echo(f"error: {error}")
            results.append(Done(action, error=str(error)))
            continue
        results.append(Done(action, url=url))
    return results


def _write(action: Action, gh: Gh, label: str) -> str:
    if action.kind == "open":
        return gh.create(action.title, action.text, label)
    assert action.issue is not None
    if action.kind == "comment":
        gh.comment(action.issue.number, action.text)
    else:
        gh.close(action.issue.number, action.text)
    return action.issue.url


def _dry_args(action: Action, label: str) -> tuple[str, ...]:
    if action.kind == "open":
        return ("issue", "create", "--title", action.title, "--label", label, "--body-file", "-")
    assert action.issue is not None
    if action.kind == "comment":
        return ("issue", "comment", str(action.issue.number), "--body-file", "-")
    return ("issue", "close", str(action.issue.number), "--reason", "completed", "--comment", action.text)


def summary_section(done: Sequence[Done], *, dry_run: bool) -> str:
    """The summary's section: one line per fingerprint with what was done and the issue's link."""
    verbs = {
        "open": ("would open", "opened"),
        "comment": ("would comment on", "commented on"),
        "close": ("would close", "closed (fixed)"),
    }
    lines = [
        "## Issues (one per failure fingerprint)" + (" — dry run, nothing changed" if dry_run else ""),
        "",
    ]
    if not done:
        lines.append("Nothing to file: no failure tonight and no open issue.")
    for item in done:
        action = item.action
        head = f"- `{action.fingerprint}` {action.outcome}"
        head += f", {_cut(action.subject)}" if action.subject else ""
        if item.error:
            lines.append(f"{head}: **not done**: {item.error}")
        elif action.kind in verbs:
            number = f" #{action.issue.number}" if action.issue else ""
            link = f" {item.url}" if item.url else ""
            lines.append(f"{head}: {verbs[action.kind][0 if dry_run else 1]}{number}{link}")
        else:
            where = f" #{action.issue.number} {action.issue.url}" if action.issue else ""
            lines.append(f"{head}: {action.note}{where}")
    return "\n".join(lines) + "\n"


def _cut(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run(
    nightly: Mapping[str, Any],
    gh: Gh,
    *,
    label: str = LABEL,
    dry_run: bool = False,
    run_url: str | None = None,
    summary: Path | None = None,
    echo: Callable[[str], None] = print,
) -> int:
    """Keep the issues for one night; 0 when every call succeeded, 1 when some failed."""
    tracked = gh.tracked(label)
    done = apply(plan_actions(nightly, tracked, run_url=run_url), gh, label, dry_run=dry_run, echo=echo)
    section = summary_section(done, dry_run=dry_run)
    echo(section.rstrip("\n"))
    if summary is not None and summary.is_file() and not dry_run:
        with summary.open("a", encoding="utf-8") as file:
            file.write("\n" + section)
    return 1 if any(item.error for item in done) else 0
