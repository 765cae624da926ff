"""The environment variables the client reads: each name is defined here and nowhere else.

Unset ``JOBTICKET_BASE_URL`` means the client needs an explicit ``base_url``; the kit's tooling reads the
same three names and treats unset as "the local twin".
"""

from __future__ import annotations

__all__ = ["BASE_URL", "CLIENT_VARIABLES", "PACER_STORE", "PASSWORD", "USERNAME"]

BASE_URL = "JOBTICKET_BASE_URL"
USERNAME = "JOBTICKET_USERNAME"
PASSWORD = "JOBTICKET_PASSWORD"  # noqa: S105 - the variable's name, not a secret
#: Where pacing state lives: ``memory``, ``file`` (default: shared by the user's processes on the host),
#: ``file:<absolute dir>`` or ``redis://…`` (shared between hosts; needs the ``[redis]`` extra).
PACER_STORE = "JOBTICKET_PACER_STORE"

#: Every variable the client reads, for tools that must clear or pass them all.
CLIENT_VARIABLES: tuple[str, ...] = (BASE_URL, USERNAME, PASSWORD, PACER_STORE)
