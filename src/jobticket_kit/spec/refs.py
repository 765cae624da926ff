"""The ``$ref`` rule of a spec we accept: local ``#/...`` pointers only, each resolving, none in a cycle.

Checked before any validator sees the document, so nothing ever fetches a remote (``http://``) or
``file://`` reference, and a dangling or cyclic one is one clear line instead of a traceback or an
endless recursion.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

__all__ = ["RefError", "check_local_refs", "resolve_pointer"]


class RefError(ValueError):
    """A ``$ref`` that is not local, does not resolve, or takes part in a cycle."""


def check_local_refs(document: Any) -> int:
    """Raise :class:`RefError` unless every ``$ref`` is a resolvable, acyclic local pointer; count them."""
    sites = dict(_ref_sites(document))
    targets: dict[str, str] = {}
    for site, ref in sites.items():
        if not isinstance(ref, str):
            raise RefError(f"$ref at {_show(site)} is not a string")
        if not ref.startswith("#") or (len(ref) > 1 and not ref.startswith("#/")):
            raise RefError(
                f"$ref {ref!r} at {_show(site)} is not local: only '#/...' refs inside the file are resolved"
            )
        target = unquote(ref[1:])
        if not _resolves(document, target):
            raise RefError(f"$ref {ref!r} at {_show(site)} points at nothing")
        targets[site] = target
    _refuse_cycles(targets)
    return len(targets)


def _ref_sites(document: Any) -> Iterator[tuple[str, Any]]:
    """(JSON pointer of the object holding it, value) of every ``$ref``, without recursion."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            if "$ref" in node:
                yield pointer, node["$ref"]
            stack.extend((f"{pointer}/{_escape(str(key))}", value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{index}", value) for index, value in enumerate(node))


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The node at a JSON pointer (``/components/schemas/Employee``; ``""`` is the whole document).

    Raises LookupError when nothing is there.
    """
    node = document
    for raw in pointer.split("/")[1:] if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise LookupError(pointer)
    return node


def _resolves(document: Any, pointer: str) -> bool:
    try:
        resolve_pointer(document, pointer)
    except LookupError:
        return False
    return True


def _refuse_cycles(targets: dict[str, str]) -> None:
    """A ref leads to every ref inside the subtree it points at; no chain may come back to itself."""
    order = sorted(targets)

    def inside(target: str) -> list[str]:
        # Sites at the target itself or below it: "<target>/..." sorts from "<target>/" up to "<target>0".
        below = order[bisect.bisect_left(order, f"{target}/") : bisect.bisect_left(order, f"{target}0")]
        return [target, *below] if target in targets else below

    done: set[str] = set()
    for start in order:
        if start in done:
            continue
        path = [start]
        pending = [iter(inside(targets[start]))]
        while pending:
            following = next(pending[-1], None)
            if following is None:
                pending.pop()
                done.add(path.pop())
            elif following in path:
                chain = [_show(targets[site]) for site in path[path.index(following) :]]
                raise RefError(f"$ref cycle: {' -> '.join([*chain, chain[0]])}")
            elif following not in done:
                path.append(following)
                pending.append(iter(inside(targets[following])))


def _show(pointer: str) -> str:
    return f"#{pointer}" if pointer else "#"
