"""Turn what a failing check saw into a usable failure entry: a one-line message and a reproduction.

The message says what was expected and what came instead, in one line, and never quotes the value
of a response field: schema violations name the place and the rule (:func:`check_failure_message`), other
failures keep their first sentence, and the answer that showed it is added (status, method, path).
The reproduction is the request that showed the failure, as a ``curl`` command that runs as printed
(credentials from the environment, never written out), or, when that request cannot be replayed by
hand (a limited key, a request body, a twin that lives only as long as the run), the command that
runs the check again.
"""

from __future__ import annotations

import re
import shlex
from typing import Any
from urllib.parse import unquote, urlsplit

from jobticket_kit import variables
from jobticket_kit.contract.journal import Exchange

__all__ = ["check_failure_message", "curl_command", "one_line", "schemathesis_message", "with_evidence"]

_MESSAGE_LIMIT = 300
_UNRESOLVED = re.compile(r"/(null|None|undefined)(/|$)")
_SCHEMA_AT = re.compile(r"^Schema at /\S+:", re.MULTILINE)


def one_line(text: str, limit: int = _MESSAGE_LIMIT) -> str:
    """The first non-empty paragraph of ``text`` as one line (the run's redactor cleans it later)."""
    paragraph: list[str] = []
    for line in text.strip().splitlines():
        if not line.strip():
            if paragraph:
                break
            continue
        paragraph.append(line.strip())
    joined = "; ".join(paragraph)
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


def schemathesis_message(failure: Any) -> str:
    """One line for a schemathesis failure: its title and the first paragraph of its safe message."""
    text = one_line(check_failure_message(failure))
    title = str(getattr(failure, "title", "") or type(failure).__name__)
    return f"{title}: {text}" if text and not text.startswith(title) else text or title


def with_evidence(message: str, exchange: Exchange | None) -> str:
    """``message`` followed by the answer that showed it (status, method and path, no query)."""
    if exchange is None:
        return message or "failed before any request was sent"
    path = urlsplit(exchange.url).path
    got = f"HTTP {exchange.status}" if exchange.status is not None else f"no answer ({exchange.error})"
    return f"{message or 'check failed'} [got {got} from {exchange.method} {path}]"


def curl_command(exchange: Exchange | None) -> str | None:
    """A ``curl`` line that sends the same request again, or None when it cannot be replayed by hand."""
    if exchange is None or exchange.method not in ("GET", "HEAD") or exchange.body:
        return None
    if exchange.credential == "main":
        auth = f'-u "${variables.USERNAME}:${variables.PASSWORD}" '
    elif exchange.credential == "no-auth":
        auth = ""
    else:
        return None  # a limited or made-up key: only the rerun command knows it
    if "@" in unquote(exchange.url):
        return None  # an email address in the query would not survive redaction
    if _UNRESOLVED.search(urlsplit(exchange.url).path):
        return None  # an id a link could not resolve ("null"): the check's own command says more
    head = "-I " if exchange.method == "HEAD" else ""
    return f"curl -sS -i {head}{auth}{shlex.quote(exchange.url)}"


def check_failure_message(failure: Any) -> str:
    """A schemathesis failure's message; for a schema violation, built from paths, never the value.

    Schemathesis prints the rejected response value in full; here the message names the keyword, the
    JSON path and the spec's schema location, plus what the schema expected, so nothing the target
    sent is repeated except property names.
    """
    schema_path = getattr(failure, "schema_path", None)
    instance_path = getattr(failure, "instance_path", None)
    if schema_path is None or instance_path is None:
        return str(failure.message)
    keyword = str(schema_path[-1]) if schema_path else "schema"
    where = "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in instance_path)
    schema = getattr(failure, "schema", {}) or {}
    instance = getattr(failure, "instance", None)
    detail = f"violates `{keyword}`"
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        unexpected = sorted(str(name) for name in instance if name not in schema.get("properties", {}))
        detail += f": unexpected properties {', '.join(unexpected)}"
    elif keyword == "required" and isinstance(instance, dict):
        missing = [str(name) for name in schema.get("required", []) if name not in instance]
        detail += f": missing {', '.join(missing)}"
    elif keyword == "type":
        detail += f": expected {schema.get('type')}, got {_json_type(instance)}"
    elif keyword in schema and not isinstance(schema[keyword], dict | list):
        detail += f" ({keyword}: {schema[keyword]})"
    location = _SCHEMA_AT.search(str(failure.message))
    lines = [f"{where} {detail} (the value is withheld: it may hold personal data)"]
    if location:
        lines += ["", location.group(0)]
    return "\n".join(lines)


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
