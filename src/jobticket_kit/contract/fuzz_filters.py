"""Schemathesis false positives this spec triggers, and the filter that drops them.

``ids`` is a comma-separated integer list (``style: form, explode: false``). Schemathesis' negative
mode mutates it into values that serialize exactly like a valid list: the scalar ``176`` is sent as
``ids=176``, and ``["1", 2]`` as ``ids=1,2``. The API cannot tell them apart, accepts them, and
``negative_data_rejection`` reports a failure that no server could avoid. Dropping those cases keeps
every other negative case. ``ids=`` (from ``[]`` or ``[""]``) is not one of them: the spec says
``minItems: 1``, so a server must refuse it rather than answer with everyone. Use
``drop_disguised_id_lists`` as a schema-scoped ``filter_query`` hook, or load
``jobticket_kit.contract.schemathesis_hooks`` (``SCHEMATHESIS_HOOKS``) in the CLI.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["drop_disguised_id_lists", "serializes_like_valid_ids"]

_VALID_WIRE_IDS = re.compile(r"[0-9]+(,[0-9]+)*")


def serializes_like_valid_ids(ids: object) -> bool:
    """Whether a non-integer-list ``ids`` value reaches the wire as a valid id list."""
    items = ids if isinstance(ids, list) else [ids]
    if all(isinstance(item, int) and not isinstance(item, bool) for item in items) and isinstance(ids, list):
        return False  # a real integer list: valid or invalid on its own merits
    if not all(isinstance(item, str | int) and not isinstance(item, bool) for item in items):
        return False
    return bool(_VALID_WIRE_IDS.fullmatch(",".join(str(item) for item in items)))


def drop_disguised_id_lists(context: object, query: dict[str, Any] | None) -> bool:
    """A ``filter_query`` hook: keep every query except those whose ``ids`` only looks invalid."""
    del context
    return not (query and "ids" in query and serializes_like_valid_ids(query["ids"]))
