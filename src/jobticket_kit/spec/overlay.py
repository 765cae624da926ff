"""``update-spec --overlay FILE``: apply an OpenAPI Overlay 1.0 document to the pinned spec, then update.

:func:`run` is a front end of the normal spec update (:func:`jobticket_kit.spec.update.run`): it checks
the overlay, applies it to the pinned spec and hands the result on, which validates, lints, classifies,
and with ``--yes`` bumps the version, writes the CHANGELOG, regenerates and re-checks. An overlay made
for another version of the spec (``info.x-spec-version``, which the nightly writes) is refused. Notes
on confidence and working assumptions (``x-evidence.kind``), which change no shape, are listed as
compatible changes so that they are pinned too.

Targets are RFC 9535 JSONPath queries, evaluated by ``jsonpath-rfc9535`` (the maintained reference
implementation for Python). The actions are applied in order, as Overlay 1.0 says: ``remove: true``
removes every selected node from its parent; otherwise ``update`` is merged into every selected object
(objects recursively, any other value replaced, arrays included) or appended to every selected array.
The spec is edited as a round-trip YAML document (ruamel), so comments, anchors and quoting outside the
changed nodes stay as they were.

``oas-patch`` (PyPI) was evaluated first and not used: its targets go through jsonpath-ng, which is not
RFC 9535 (a filter such as ``$.paths.*[?@.operationId == 'getEmployee']`` silently selects nothing),
it concatenates arrays inside an update (``type: [string, 'null']`` merged into ``[string, 'null']``
gives four entries), and it ignores an action whose target selects nothing. Here such an action is
refused, naming it: an overlay made for another version of the spec must not half-apply.
"""

from __future__ import annotations

import copy
import io
import sys
import tempfile
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence
from pathlib import Path
from typing import Any

import jsonpath_rfc9535
import yaml

from jobticket_kit.checkout import Layout
from jobticket_kit.inputs import InputError, load_yaml_text, read_text_file
from jobticket_kit.spec import update
from jobticket_kit.spec.diff import Change
from jobticket_kit.spec.round_trip import round_trip_yaml

__all__ = [
    "MAX_ACTIONS",
    "NOTE_KINDS",
    "OverlayError",
    "apply_overlay",
    "apply_to_text",
    "check_overlay",
    "run",
]

MAX_ACTIONS = 5_000
NOTE_KINDS = ("observed", "refuted-assumption")  # x-evidence kinds that change no shape
_VERSIONS = ("1.0.0",)


class OverlayError(ValueError):
    """The overlay cannot be applied; the message names the action and the rule, in one line."""


def check_overlay(text: str, name: str) -> dict[str, Any]:
    """Parse an Overlay 1.0 document safely and check its structure, or raise :class:`OverlayError`."""
    try:
        document = load_yaml_text(text, name)
    except InputError as error:
        raise OverlayError(str(error)) from None
    if not isinstance(document, dict):
        raise OverlayError(f"{name}: not an Overlay document (a YAML or JSON object)")
    if str(document.get("overlay")) not in _VERSIONS:
        raise OverlayError(
            f"{name}: overlay must be one of {', '.join(_VERSIONS)}, got {document.get('overlay')!r}"
        )
    info = document.get("info")
    if not isinstance(info, dict) or not all(isinstance(info.get(key), str) for key in ("title", "version")):
        raise OverlayError(f"{name}: info must have a string title and version")
    actions = document.get("actions")
    if not isinstance(actions, list) or not 1 <= len(actions) <= MAX_ACTIONS:
        raise OverlayError(f"{name}: actions must be a list of 1 to {MAX_ACTIONS} actions")
    for number, action in enumerate(actions, 1):
        where = f"{name}: action {number}"
        if not isinstance(action, dict):
            raise OverlayError(f"{where}: must be an object")
        target = action.get("target")
        if not isinstance(target, str) or not target.startswith("$"):
            raise OverlayError(f"{where}: target must be a JSONPath query starting with $")
        try:
            jsonpath_rfc9535.compile(target)
        except jsonpath_rfc9535.JSONPathError as error:
            raise OverlayError(f"{where}: target {target!r} is not RFC 9535 JSONPath ({error})") from None
        if "remove" in action and not isinstance(action["remove"], bool):
            raise OverlayError(f"{where}: remove must be true or false")
        if not action.get("remove") and "update" not in action:
            raise OverlayError(f"{where}: needs update, or remove: true")
        if "description" in action and not isinstance(action["description"], str):
            raise OverlayError(f"{where}: description must be a string")
    return document


def apply_overlay(document: Any, overlay: Mapping[str, Any]) -> list[str]:
    """Apply every action of a checked overlay to ``document`` in place; one line per action."""
    applied: list[str] = []
    for number, action in enumerate(overlay["actions"], 1):
        target = action["target"]
        nodes = jsonpath_rfc9535.find(target, document)
        if not nodes:
            raise OverlayError(f"action {number}: target {target} selects nothing in the spec")
        if action.get("remove"):
            for node in reversed(nodes):
                _remove(node, number, target)
            applied.append(f"action {number}: {target}: removed {len(nodes)} node(s)")
            continue
        for node in nodes:
            _update(node.value, action["update"], number, target)
        applied.append(f"action {number}: {target}: updated {len(nodes)} node(s)")
    return applied


def apply_to_text(spec_text: str, overlay: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The spec text with the overlay applied (formatting kept) and the lines saying what each action did."""
    round_trip = round_trip_yaml()
    document = round_trip.load(spec_text)
    applied = apply_overlay(document, overlay)
    buffer = io.StringIO()
    round_trip.dump(document, buffer)
    return buffer.getvalue(), applied


def run(overlay: Path, *, pin: bool, root: Path, tests: Sequence[str] = ("tests",)) -> int:
    """Apply ``overlay`` to the pinned spec of the checkout at ``root`` and update to the result.

    Exit codes are the update's: 0 consistent, 1 needs attention, 2 rejected (a bad overlay included,
    which changes nothing).
    """
    layout = Layout(root.resolve())
    try:
        document = check_overlay(read_text_file(overlay, what="overlay"), str(overlay))
        spec_text = read_text_file(layout.spec, what="spec file")
        pinned = str(yaml.safe_load(spec_text)["info"]["version"])
        made_for = document["info"].get("x-spec-version")
        if made_for is not None and str(made_for) != pinned:
            raise OverlayError(
                f"{overlay}: made for spec {made_for}, but the pinned spec is {pinned}; "
                "let the next nightly propose against this one"
            )
        candidate, applied = apply_to_text(spec_text, document)
    except (InputError, OverlayError) as error:
        print(f"rejected: {error}", file=sys.stderr)
        return update.EXIT_REJECTED
    print(f"Applied {len(applied)} action(s) of {overlay} to {layout.spec.name}:")
    for line in applied:
        print(f"  {line}")
    notes = [
        Change(action["target"], f"{kind}: {action.get('description', '')}".strip(), breaking=False)
        for action in document["actions"]
        if (kind := (action.get("x-evidence") or {}).get("kind")) in NOTE_KINDS
    ]
    with tempfile.TemporaryDirectory() as tmp:
        candidate_file = Path(tmp) / layout.spec.name
        candidate_file.write_text(candidate, encoding="utf-8")
        return update.run(
            str(candidate_file), pin=pin, root=root, tests=tests, label=f"overlay {overlay}", notes=notes
        )


def _remove(node: Any, number: int, target: str) -> None:
    if node.parent is None:
        raise OverlayError(
            f"action {number}: target {target} selects the whole document, which cannot be removed"
        )
    container, key = node.parent.value, node.location[-1]
    if isinstance(container, MutableMapping):
        del container[key]
    elif isinstance(container, MutableSequence):
        del container[int(key)]


def _update(value: Any, update: Any, number: int, target: str) -> None:
    if isinstance(value, MutableMapping):
        if not isinstance(update, Mapping):
            raise OverlayError(
                f"action {number}: target {target} selects an object; update must be an object"
            )
        _merge(value, update)
    elif isinstance(value, MutableSequence):
        value.append(copy.deepcopy(update))
    else:
        raise OverlayError(
            f"action {number}: target {target} selects a value that is neither object nor array"
        )


def _merge(value: MutableMapping[str, Any], update: Mapping[str, Any]) -> None:
    """Overlay 1.0's merge: objects recursively; any other value, arrays included, replaced."""
    for key, item in update.items():
        if isinstance(item, Mapping) and isinstance(value.get(key), MutableMapping):
            _merge(value[key], item)
        else:
            value[key] = copy.deepcopy(item)
