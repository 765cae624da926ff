"""What the docs promise a reader can follow: every relative link resolves, every command they show exists.

Markdown is read with markdown-it-py (the CommonMark parser rich uses), so a link inside a code block is not
a link and a command inside prose code is still checked. Anchors are GitHub's heading slugs. A command is
checked against the thing that runs it: ``scripts/X`` is an executable file (and its options are its
``jobticket-kit`` subcommand's), ``jobticket-kit SUB`` is a subcommand of the click group, ``tox -e ENV`` is
an environment of ``tox.ini``, ``python -m MODULE`` is importable, and a Python block's imports name what
the packages export. A path a command or a code span names under a tracked folder exists.
"""

from __future__ import annotations

import ast
import configparser
import importlib
import importlib.util
import os
import re
import shlex
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import click
from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["DocChecker", "Problem", "doc_files", "github_slug"]

#: Fenced-code languages whose lines are shell commands (``console``: only the lines after ``$ ``).
SHELL_LANGUAGES = frozenset({"bash", "sh", "shell", "console"})
#: Our own packages: a dotted name in a code span that starts with one of them must resolve.
PACKAGES = ("jobticket", "jobticket_api", "jobticket_twin", "jobticket_kit")
#: Folders a file path in a code span or a command may name; a path there must exist.
TRACKED_FOLDERS = ("client/", "contract_tests/", "docs/", "generated/", "openapi/", "src/", "tests/", ".ci/")
#: A path to a file (it has an extension, or a pytest node id), not a folder a tool creates.
_FILE_PATH = re.compile(r"^[\w./-]+\.(py|yaml|yml|toml|json|md|ini|jinja|txt|csv)(::[\w\[\]-]+)*$")
_DOTTED_NAME = re.compile(rf"^(?:{'|'.join(PACKAGES)})(?:\.\w+)+$")
_SCRIPT = re.compile(r"^scripts/[\w.*-]+$")
_PYTHON = re.compile(r"^(?:\S*/)?python(?:3(?:\.\d+)?)?$")
_HTML_ANCHOR = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']""")
_SCRIPT_LINE = re.compile(r'^exec "\$\(dirname "\$0"\)/_run" (.+?) "\$@"$', re.MULTILINE)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing a reader cannot follow: the file, the line (1-based) and what is wrong."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def doc_files(root: Path) -> list[Path]:
    """The reader-facing Markdown files of a checkout."""
    named = [root / name for name in ("README.md", "ARCHITECTURE.md", "CONTRIBUTING.md")]
    named += [root / "client" / "README.md", root / "client" / "CHANGELOG.md"]
    return [path for path in named if path.is_file()] + sorted((root / "docs").rglob("*.md"))


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@dataclass
class _Document:
    path: Path
    tokens: list[Token]
    anchors: set[str] = field(default_factory=set)


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _walk(tokens: Iterable[Token], line: int = 0) -> Iterator[tuple[Token, int]]:
    """Every token with the 1-based line of the block it stands in."""
    for token in tokens:
        here = token.map[0] + 1 if token.map else line
        yield token, here
        if token.children:
            yield from _walk(token.children, here)


def _anchors(tokens: list[Token]) -> set[str]:
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type in {"html_block", "html_inline"} or token.children:
            texts = [token.content, *(child.content for child in token.children or [])]
            anchors.update(match for text in texts for match in _HTML_ANCHOR.findall(text))
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        text = "".join(
            child.content for child in inline.children or [] if child.type in {"text", "code_inline"}
        )
        slug = github_slug(text)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


@dataclass
class DocChecker:
    """Checks Markdown files of the checkout at ``root`` against its scripts, tox.ini, kit and packages."""

    root: Path
    kit: click.Command
    kit_name: str = "jobticket-kit"
    _documents: dict[Path, _Document] = field(default_factory=dict)

    def check(self, files: Iterable[Path]) -> list[Problem]:
        """Every problem of these files, sorted by file and line."""
        problems: list[Problem] = []
        for path in files:
            document = self._document(path)
            problems += self._check_links(document)
            problems += self._check_code(document)
        return sorted(set(problems))

    def links_leaving(self, path: Path, folder: Path) -> list[Problem]:
        """The relative links of ``path`` that point outside ``folder`` (a vendored copy has nothing else)."""
        document = self._document(path)
        leaving = []
        for target, line in self._relative_links(document):
            resolved = (path.parent / target.partition("#")[0]).resolve()
            if not resolved.is_relative_to(folder.resolve()):
                leaving.append(self._problem(path, line, f"link {target!r} leaves {self._name(folder)}/"))
        return leaving

    # Links

    def _document(self, path: Path) -> _Document:
        path = path.resolve()
        if path not in self._documents:
            tokens = _parser().parse(path.read_text(encoding="utf-8"))
            self._documents[path] = _Document(path, tokens, _anchors(tokens))
        return self._documents[path]

    def _relative_links(self, document: _Document) -> Iterator[tuple[str, int]]:
        for token, line in _walk(document.tokens):
            if token.type == "link_open":
                target = unquote(str(token.attrs.get("href", "")))
                if not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                    yield target, line

    def _check_links(self, document: _Document) -> Iterator[Problem]:
        for target, line in self._relative_links(document):
            file_part, _, anchor = target.partition("#")
            if file_part.startswith("/"):
                yield self._problem(document.path, line, f"link {target!r}: use a relative path")
                continue
            resolved = (document.path.parent / file_part).resolve() if file_part else document.path
            if not resolved.exists():
                yield self._problem(document.path, line, f"link {target!r}: no such file")
            elif anchor and resolved.suffix == ".md" and anchor not in self._document(resolved).anchors:
                yield self._problem(document.path, line, f"link {target!r}: no heading with that anchor")

    # Code

    def _check_code(self, document: _Document) -> Iterator[Problem]:
        for token, line in _walk(document.tokens):
            if token.type == "fence":
                language = token.info.split()[0] if token.info.strip() else ""
                if language in SHELL_LANGUAGES:
                    for offset, command in _shell_commands(token.content, prompt_only=language == "console"):
                        yield from self._check_command(document.path, line + 1 + offset, command)
                elif language == "python":
                    yield from self._check_python(document.path, line + 1, token.content)
            elif token.type == "code_inline":
                yield from self._check_span(document.path, line, token.content)

    def _check_span(self, path: Path, line: int, span: str) -> Iterator[Problem]:
        words = span.split()
        if not words:
            return
        if _SCRIPT.match(words[0]) or Path(words[0]).name in {self.kit_name, "tox"} or _is_python_m(words):
            yield from self._check_command(path, line, span)
        elif _DOTTED_NAME.match(span):
            problem = _unresolved(span)
            if problem:
                yield self._problem(path, line, problem)
        elif len(words) == 1:
            yield from self._check_path(path, line, span)

    def _check_command(self, path: Path, line: int, command: str) -> Iterator[Problem]:
        try:
            words = _words(command)
        except ValueError as exc:
            yield self._problem(path, line, f"command {command!r}: {exc}")
            return
        for segment in _segments(words):
            for message in self._command_problems(segment):
                yield self._problem(path, line, message)

    def _command_problems(self, words: list[str]) -> Iterator[str]:
        while words and (re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]) or words[0] in {"export", "env"}):
            words = words[1:]
        if not words:
            return
        program = words[0]
        for word in words[1:]:
            message = self._path_problem(word)
            if message:
                yield message
        if _SCRIPT.match(program):
            yield from self._script_problems(program, words[1:])
        elif Path(program).name == self.kit_name:
            yield from self._kit_problems(words[1:])
        elif program == "tox":
            yield from self._tox_problems(words[1:])
        elif _PYTHON.match(program) and len(words) > 2 and words[1] == "-m":
            module = words[2]
            if module == "tox":  # the runner the commands start with: installed by them, not by the kit
                yield from self._tox_problems(words[3:])
            elif importlib.util.find_spec(module) is None:
                yield f"python -m {module}: no such module"

    def _script_problems(self, program: str, arguments: list[str]) -> Iterator[str]:
        matches = sorted(self.root.glob(program)) if "*" in program else [self.root / program]
        existing = [script for script in matches if script.is_file() and os.access(script, os.X_OK)]
        if not existing:
            yield f"{program}: no such executable script"
            return
        for script in existing:
            forwarded = _SCRIPT_LINE.search(script.read_text(encoding="utf-8"))
            if forwarded and "*" not in program:
                for message in self._kit_problems([*forwarded.group(1).split(), *arguments]):
                    yield f"{program} runs {message}"

    def _kit_problems(self, arguments: list[str]) -> Iterator[str]:
        command = self.kit
        names = [self.kit_name]
        rest = list(arguments)
        while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
            sub = command.get_command(click.Context(command), rest[0])
            if sub is None:
                yield f"{' '.join(names)} {rest[0]}: no such subcommand"
                return
            command, names, rest = sub, [*names, rest[0]], rest[1:]
        known = {"-h": False, "--help": False} | {
            option: bool(getattr(parameter, "hidden", False))
            for parameter in command.params
            for option in (*parameter.opts, *parameter.secondary_opts)
        }
        for word in rest:
            if word == "--":
                break
            option = word.split("=", 1)[0]
            if not option.startswith("-") or option == "-":
                continue
            if option not in known:
                yield f"{' '.join(names)}: no option {option}"
            elif known[option]:
                yield f"{' '.join(names)}: {option} is hidden from --help (a deprecated spelling)"

    def _tox_problems(self, arguments: list[str]) -> Iterator[str]:
        if "-e" not in arguments or arguments.index("-e") + 1 >= len(arguments):
            return
        config = configparser.ConfigParser(interpolation=None)
        config.read(self.root / "tox.ini", encoding="utf-8")
        known = {section.removeprefix("testenv:") for section in config.sections()}
        known |= set(re.split(r"[\s,]+", config.get("tox", "env_list", fallback="").strip()))
        for env in arguments[arguments.index("-e") + 1].split(","):
            if env not in known:
                yield f"tox -e {env}: no such environment in tox.ini"

    def _check_python(self, path: Path, line: int, source: str) -> Iterator[Problem]:
        flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        try:
            tree = compile(source, str(path), "exec", flags=flags, dont_inherit=True)
        except SyntaxError as exc:
            yield self._problem(path, line + (exc.lineno or 1) - 1, f"Python block does not parse: {exc.msg}")
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                problem = _unresolved(name)
                if problem:
                    yield self._problem(path, line + node.lineno - 1, f"import: {problem}")

    def _check_path(self, path: Path, line: int, word: str) -> Iterator[Problem]:
        message = self._path_problem(word)
        if message:
            yield self._problem(path, line, message)

    def _path_problem(self, word: str) -> str | None:
        if not word.startswith(TRACKED_FOLDERS) or not _FILE_PATH.match(word):
            return None
        file_part = word.split("::", 1)[0]
        return None if (self.root / file_part).is_file() else f"{file_part}: no such file"

    def _name(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def _problem(self, path: Path, line: int, message: str) -> Problem:
        return Problem(self._name(path), line, message)


def _is_python_m(words: list[str]) -> bool:
    return len(words) > 2 and bool(_PYTHON.match(words[0])) and words[1] == "-m"


def _shell_commands(block: str, *, prompt_only: bool) -> Iterator[tuple[int, str]]:
    """The commands of a shell block with their line offsets.

    A line ending in a backslash, or inside an open quote, continues on the next line.
    """
    pending: list[str] = []
    start = 0
    for offset, raw in enumerate(block.splitlines()):
        text = raw.strip()
        if not pending:
            start = offset
            if prompt_only:
                if not text.startswith("$ "):
                    continue
                text = text[2:]
        if text.endswith("\\"):
            pending.append(text[:-1])
            continue
        pending.append(text)
        command = "\n".join(pending).strip()
        if not _complete(command):
            continue
        pending = []
        if command and not command.startswith("#"):
            yield start, command
    if pending:
        yield start, "\n".join(pending)


def _complete(command: str) -> bool:
    try:
        _words(command)
    except ValueError:
        return False
    return True


def _words(command: str) -> list[str]:
    """The words and operators of a command line, as the shell splits them (quotes kept together)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    return list(lexer)


def _segments(words: list[str]) -> Iterator[list[str]]:
    """The simple commands of a command line: split at ``&&``, ``|``, ``;``, redirections and the like."""
    current: list[str] = []
    for word in words:
        if word and not word.strip("();<>|&"):
            if current:
                yield current
            current = []
        else:
            current.append(word)
    if current:
        yield current


def _unresolved(dotted: str) -> str | None:
    """Why ``dotted`` (a module, or a module and attributes) does not resolve, or None when it does.

    A name that resolves only with a deprecation warning does not count: the docs teach current names.
    """
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            found = importlib.util.find_spec(module_name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value: object = importlib.import_module(module_name)
            for attribute in parts[cut:]:
                if not hasattr(value, attribute):
                    return f"{dotted}: {'.'.join(parts[:cut])} has no {attribute!r}"
                value = getattr(value, attribute)
        deprecations = [w for w in caught if issubclass(w.category, (DeprecationWarning, FutureWarning))]
        return f"{dotted}: deprecated: {deprecations[0].message}" if deprecations else None
    return f"{dotted}: no such module"
