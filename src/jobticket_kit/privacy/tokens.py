"""Which values a report may quote: short vocabulary tokens and names, never anything personal.

The evidence of a run keeps the values of vocabulary fields the spec marks ``x-personal: false``
(``subscription.status``) and the names of properties and headers the spec does not know. A server
controls both, so each must also pass this rule before it is kept: a short token (letters, digits and
``-``, ``_`` or ``.`` between them), not an email address, and, given the run's
:class:`~jobticket_kit.privacy.redact.Redactor`, none of the personal values the run has seen.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobticket_kit.privacy.redact import Redactor

__all__ = ["MAX_TOKEN", "quotable_name", "quotable_token"]

MAX_TOKEN = 48
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*")


def quotable_token(value: object, redactor: Redactor | None = None) -> bool:
    """Whether a vocabulary value may be quoted: a short token the run's redactor leaves alone."""
    return _passes(value, _TOKEN, redactor)


def quotable_name(name: object, redactor: Redactor | None = None) -> bool:
    """Whether a property or header name may be quoted: an identifier the run's redactor leaves alone."""
    return _passes(name, _NAME, redactor)


def _passes(value: object, shape: re.Pattern[str], redactor: Redactor | None) -> bool:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TOKEN or shape.fullmatch(value) is None:
        return False
    return redactor is None or redactor.hides_nothing_personal(value)
