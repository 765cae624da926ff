"""What a regenerated ``jobticket_api`` breaks: for code using it, and in our own ``jobticket`` client.

A spec diff tells what changed on the wire; this tells what changes in Python, from the real code:

- :func:`api_breakages`: griffe (``griffe check``'s engine) compares the public API of the committed
  and the regenerated ``jobticket_api``: removed or moved parameters, changed defaults, removed
  attributes and functions.
- :func:`constructor_changes`: griffe does not read attrs classes' constructors, which is where a new
  required response property lands (a new required argument). The generated models' constructors are
  read here, field by field, and any change a caller could notice is reported (only a new optional
  argument at the end is harmless).
- :func:`client_breakages`: ``mypy --strict`` checks ``jobticket`` (and the twin that ships with it)
  against the regenerated package, which finds what breaks our own code, private helpers included (a
  removed query parameter breaks ``_get_kwargs``, which griffe rightly calls private). Each error is
  traced to the public methods that reach it (:func:`public_callers`), so the report names
  ``jobticket.JobTicket.list_employees``, not a line of ``_operations.py``.
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import griffe

__all__ = [
    "ApiBreakage",
    "ClientBreakage",
    "ConstructorChange",
    "api_breakages",
    "client_breakages",
    "constructor_changes",
    "public_callers",
]

_CLIENT_PACKAGES = ("jobticket", "jobticket_twin")
_MYPY_ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?:\d+:)?(?:\d+:\d+:)? error: (?P<message>.*)$")
_ATTRS_DECORATORS = {"_attrs_define", "define", "attrs.define"}


@dataclass(frozen=True, order=True)
class ApiBreakage:
    """One way the regenerated package breaks code written for the committed one (griffe's finding)."""

    path: str
    explanation: str

    def __str__(self) -> str:
        return f"{self.path}: {self.explanation}"


def api_breakages(old: Path, new: Path, package: str = "jobticket_api") -> list[ApiBreakage]:
    """Griffe's breaking changes of ``package`` from the folder ``old`` to the folder ``new``."""
    before = griffe.GriffeLoader(search_paths=[str(old)]).load(package)
    after = griffe.GriffeLoader(search_paths=[str(new)]).load(package)
    found = {
        ApiBreakage(breakage.obj.path, _explain(breakage))
        for breakage in griffe.find_breaking_changes(before, after)
    }
    return sorted(found)


def _explain(breakage: griffe.Breakage) -> str:
    """Griffe's own words, without its file and line (they point into a scratch folder)."""
    kind = breakage.kind.value.lower()
    if isinstance(breakage.old_value, griffe.Parameter):
        return f"{kind}: {breakage.old_value.name}"
    if breakage.old_value is not None and not isinstance(breakage.old_value, griffe.Object | griffe.Alias):
        return f"{kind}: {breakage.old_value} -> {breakage.new_value}"
    return kind


@dataclass(frozen=True, order=True)
class ConstructorChange:
    """A generated model whose constructor callers may notice a change in."""

    model: str
    description: str

    def __str__(self) -> str:
        return f"{self.model}(): {self.description}"


@dataclass(frozen=True)
class _Argument:
    name: str
    annotation: str
    required: bool


def constructor_changes(old: Path, new: Path, package: str = "jobticket_api") -> list[ConstructorChange]:
    """Every generated model whose ``__init__`` changed, except by new optional arguments at its end."""
    before, after = _constructors(old / package), _constructors(new / package)
    changes: list[ConstructorChange] = []
    for model, arguments in sorted(before.items()):
        if model not in after:
            continue  # a removed class is griffe's finding
        changes += [ConstructorChange(model, text) for text in _differences(arguments, after[model])]
    return changes


def _differences(old: list[_Argument], new: list[_Argument]) -> Iterator[str]:
    """What a caller of the old constructor may notice; nothing for new optional arguments at the end."""
    new_by_name = {argument.name: argument for argument in new}
    old_names = [argument.name for argument in old]
    found = False
    for argument in old:
        now = new_by_name.get(argument.name)
        change = None
        if now is None:
            change = f"argument {argument.name} removed"
        elif now.required != argument.required:  # its annotation gains or loses ``| Unset`` too
            change = f"argument {argument.name} became {'required' if now.required else 'optional'}"
        elif now.annotation != argument.annotation:
            change = f"argument {argument.name} changed type {argument.annotation} -> {now.annotation}"
        if change is not None:
            found = True
            yield change
    for argument in new:
        if argument.name not in old_names and argument.required:
            found = True
            yield f"new required argument {argument.name}"
    if not found and [argument.name for argument in new[: len(old)]] != old_names:
        yield "arguments in another order (callers passing them by position break)"


def _constructors(package: Path) -> dict[str, list[_Argument]]:
    """``module.Class`` -> the attrs constructor's arguments, read from the generated source."""
    found: dict[str, list[_Argument]] = {}
    for source in sorted((package / "models").glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and any(_is_attrs(item) for item in node.decorator_list):
                found[f"{package.name}.models.{source.stem}.{node.name}"] = _arguments(node)
    return found


def _is_attrs(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) in _ATTRS_DECORATORS


def _arguments(node: ast.ClassDef) -> list[_Argument]:
    arguments: list[_Argument] = []
    for item in node.body:
        if not isinstance(item, ast.AnnAssign) or not isinstance(item.target, ast.Name):
            continue
        value = item.value
        if isinstance(value, ast.Call) and any(
            keyword.arg == "init" and isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            for keyword in value.keywords
        ):
            continue  # not a constructor argument (additional_properties)
        arguments.append(_Argument(item.target.id, ast.unparse(item.annotation), required=value is None))
    return arguments


@dataclass(frozen=True, order=True)
class ClientBreakage:
    """A line of our own code that no longer type-checks against the regenerated package."""

    file: str
    line: int
    message: str
    function: str | None = None
    """The innermost function or method around the line, as ``module.qualname``."""

    def __str__(self) -> str:
        where = f" (in {self.function})" if self.function else ""
        return f"{self.file}:{self.line}: {self.message}{where}"


def client_breakages(
    distribution: Path, generated: Path, baseline: Path | None = None
) -> list[ClientBreakage]:
    """Mypy --strict errors of the client's packages against ``generated`` (minus those of ``baseline``).

    ``distribution`` holds ``jobticket`` and ``jobticket_twin``; ``generated`` and ``baseline`` are
    folders holding a ``jobticket_api``. Errors the client already had against ``baseline`` (the
    committed package) are not the new package's doing and are left out.
    """
    errors = _mypy(distribution, generated)
    if errors and baseline is not None:
        known = {(error.file, error.message) for error in _mypy(distribution, baseline)}
        errors = [error for error in errors if (error.file, error.message) not in known]
    functions = _functions(distribution)
    return sorted(
        ClientBreakage(error.file, error.line, error.message, _enclosing(functions, error))
        for error in errors
    )


def _mypy(distribution: Path, generated: Path) -> list[ClientBreakage]:
    from mypy import api as mypy_api  # noqa: PLC0415 - mypy loads only when a spec is being updated

    previous = os.environ.get("MYPYPATH")
    os.environ["MYPYPATH"] = os.pathsep.join((str(generated), str(distribution)))
    try:
        with tempfile.TemporaryDirectory() as cache:
            arguments = ["--strict", "--config-file", os.devnull, "--cache-dir", cache, "--no-error-summary"]
            arguments += ["--hide-error-context", "--python-version", "3.11"]
            for package in _CLIENT_PACKAGES:
                arguments += ["-p", package]
            out, _, _ = mypy_api.run(arguments)
    finally:
        if previous is None:
            os.environ.pop("MYPYPATH", None)
        else:
            os.environ["MYPYPATH"] = previous
    found: list[ClientBreakage] = []
    for line in out.splitlines():
        match = _MYPY_ERROR.match(line)
        if match is not None:
            path = Path(match["file"]).resolve()
            where = (
                path.relative_to(distribution.resolve())
                if path.is_relative_to(distribution.resolve())
                else path
            )
            message = re.sub(r"\s+\[[a-z-]+\]$", "", match["message"].strip())  # the error code
            found.append(ClientBreakage(str(where), int(match["line"]), message))
    return found


@dataclass(frozen=True)
class _Function:
    """A function or method of the client: where it is and which names its body uses, and how.

    ``references`` are ``("name", x)`` for a bare name, ``("self", x)`` for ``self.x``/``cls.x`` and
    ``("attr", x)`` for ``anything_else.x``; ``owner`` is what it is defined in.
    """

    path: str
    file: str
    start: int
    end: int
    owner: str  # "module", "class" or "function"
    references: frozenset[tuple[str, str]] = field(repr=False)

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def parent(self) -> str:
        return self.path.rsplit(".", 1)[0]

    def calls(self, other: _Function) -> bool:
        """Whether this body names ``other`` the way code reaches it (by name; types are not known).

        A nested function is reached only through the function that makes it (its name is a local one).
        """
        if other.owner == "function":
            return False
        if other.owner == "class":
            same_class = self.path.startswith(other.parent + ".")
            return ("attr", other.name) in self.references or (
                same_class and ("self", other.name) in self.references
            )
        return ("name", other.name) in self.references or ("attr", other.name) in self.references


def _functions(distribution: Path, packages: Iterable[str] = _CLIENT_PACKAGES) -> list[_Function]:
    found: list[_Function] = []
    for package in packages:
        for source in sorted((distribution / package).rglob("*.py")):
            relative = source.relative_to(distribution)
            module = ".".join(part for part in relative.with_suffix("").parts if part != "__init__")
            tree = ast.parse(source.read_text(encoding="utf-8"))
            found += _walk(tree.body, module, str(relative), "module")
    return found


def _walk(body: Iterable[ast.stmt], prefix: str, file: str, owner: str) -> Iterator[_Function]:
    for node in body:
        if isinstance(node, ast.ClassDef):
            yield from _walk(node.body, f"{prefix}.{node.name}", file, "class")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            path = f"{prefix}.{node.name}"
            end = node.end_lineno or node.lineno
            yield _Function(path, file, node.lineno, end, owner, frozenset(_references(node)))
            yield from _walk(node.body, path, file, "function")


def _references(node: ast.AST) -> Iterator[tuple[str, str]]:
    for item in ast.walk(node):
        if isinstance(item, ast.Name):
            yield "name", item.id
        elif isinstance(item, ast.Attribute):
            on_self = isinstance(item.value, ast.Name) and item.value.id in ("self", "cls")
            yield ("self" if on_self else "attr"), item.attr


def _enclosing(functions: list[_Function], error: ClientBreakage) -> str | None:
    around = [f for f in functions if f.file == error.file and f.start <= error.line <= f.end]
    return max(around, key=lambda f: f.start).path if around else None


def public_callers(distribution: Path, broken: Iterable[str], package: str = "jobticket") -> list[str]:
    """The public functions and methods of ``package`` that reach one of the ``broken`` functions.

    A function reaches another when its body names it as code reaches it (``f()`` or ``module.f`` for
    a function, ``obj.m`` for a method, ``self.m`` within its class), directly or through other
    functions of the package; a nested function (a closure) is reached through the function that
    makes it. Types are not known, so the answer errs on the side of naming one method too many,
    never one too few. Public means reachable by an import a user would write
    (``jobticket.JobTicket.list_employees``, defined in a private module and exported).
    """
    functions = {function.path: function for function in _functions(distribution, (package,))}
    reached = {path for path in broken if path in functions}
    pending = list(reached)
    while pending:
        target = functions[pending.pop()]
        more = {target.parent} if target.owner == "function" else set()
        more |= {path for path, function in functions.items() if function.calls(target)}
        for path in more - reached:
            reached.add(path)
            pending.append(path)
    exported = _public_names(distribution, package)
    return sorted({exported[path] for path in reached if path in exported})


def _public_names(distribution: Path, package: str) -> Mapping[str, str]:
    """Definition path -> the public path a user imports it by (griffe follows the re-exports)."""
    loaded = griffe.GriffeLoader(search_paths=[str(distribution)]).load(package)
    assert isinstance(loaded, griffe.Module)
    names: dict[str, str] = {}
    for module in _public_modules(loaded):
        for name, member in module.members.items():
            if not member.is_public:
                continue
            try:
                target = member.final_target if member.is_alias else member  # type: ignore[union-attr]
            except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                continue
            public = f"{module.path}.{name}"
            if target.is_function:
                names.setdefault(target.path, public)
            elif target.is_class:
                for method, value in target.members.items():
                    if value.is_function and (not method.startswith("_") or method == "__init__"):
                        names.setdefault(f"{target.path}.{method}", f"{public}.{method}")
    return names


def _public_modules(module: griffe.Module) -> Iterator[griffe.Module]:
    yield module
    for name, member in module.members.items():
        if not member.is_alias and member.is_module and not name.startswith("_"):
            assert isinstance(member, griffe.Module)
            yield from _public_modules(member)
