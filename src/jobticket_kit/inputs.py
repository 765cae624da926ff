"""Reading the files our CLIs are given: bounded, safe, and refused in one line naming the file.

Every CLI reads its input files through here before it sends a request or writes anything, so a bad
file ends the run with :class:`InputError` (one line: the file and the rule it breaks) and exit 2,
never with a traceback. YAML is loaded with the safe loader, within a size limit, and its aliases are
bounded by the size of the document they expand to: a 400-byte "billion laughs" is refused at once
instead of expanding to gigabytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "MAX_INPUT_BYTES",
    "InputError",
    "decode_text",
    "load_json_file",
    "load_yaml_text",
    "read_text_file",
]

MAX_INPUT_BYTES = 5_000_000  # the pinned spec is ~70 kB; no input of ours comes near this
MAX_ALIASES = 1_000
MAX_EXPANDED_NODES = 1_000_000


class InputError(ValueError):
    """A file a CLI was given is unusable; the message names the file and the problem, in one line."""


def read_text_file(path: Path, *, what: str = "file") -> str:
    """The file's text: it must exist, be a regular file within the size limit, and be UTF-8 text."""
    try:
        if not path.is_file():
            raise InputError(f"{path}: no such {what}")
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise InputError(f"{path}: larger than {MAX_INPUT_BYTES} bytes")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror or type(error).__name__})") from None
    return decode_text(data, str(path))


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text without NUL bytes, or :class:`InputError` naming ``name``."""
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{name}: larger than {MAX_INPUT_BYTES} bytes")
    if b"\0" in data:
        raise InputError(f"{name}: a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not UTF-8 text (byte {error.start})") from None


def load_yaml_text(text: str, name: str) -> Any:
    """Parse YAML (or JSON) safely: plain data only, a bounded number of aliases and expanded nodes."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, name)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise InputError(f"{name}: not valid YAML{where}: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise InputError(f"{name}: not valid YAML: {type(error).__name__}") from None
    except RecursionError:
        raise InputError(f"{name}: nested too deeply") from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, name: str) -> None:
    """Refuse documents whose aliases make them grow beyond the limits once expanded.

    Sizes are computed once per node (aliases share nodes), so the check is linear in the text even
    when the expansion would be exponential. A recursive alias is refused outright.
    """
    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    aliases = 0

    def size(node: yaml.Node) -> int:
        nonlocal aliases
        key = id(node)
        if key in sizes:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise InputError(f"{name}: more than {MAX_ALIASES} YAML aliases")
            return sizes[key]
        if key in visiting:
            raise InputError(f"{name}: a YAML alias refers to itself")
        visiting.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(key_node) + size(value) for key_node, value in node.value)
        visiting.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise InputError(f"{name}: expands to more than {MAX_EXPANDED_NODES} nodes (YAML aliases)")
        sizes[key] = total
        return total

    size(root)


def load_json_file(path: Path, *, what: str = "file") -> Any:
    """Parse a JSON file within the size limit, or :class:`InputError` naming it."""
    text = read_text_file(path, what=what)
    try:
        return json.loads(text)
    except ValueError as error:
        raise InputError(f"{path}: not valid JSON ({error})") from None
    except RecursionError:
        raise InputError(f"{path}: nested too deeply") from None
