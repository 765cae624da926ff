"""HTTP Basic authentication per API key, and the permission check that follows it."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import TYPE_CHECKING

from jobticket_twin.errors import ApiError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from jobticket_twin.models import ApiKey

__all__ = ["authenticate", "require_permissions"]

_CHALLENGE = {"WWW-Authenticate": 'Basic realm="JobTicket+ API"'}


def _unauthorized() -> ApiError:
    return ApiError(401, "Missing or invalid API credentials.", headers=_CHALLENGE)


def authenticate(authorization: str | None, keys: Mapping[str, ApiKey]) -> ApiKey:
    """Return the enabled key named by a Basic ``Authorization`` header, or raise 401 (O-35)."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "basic" or not token:
        raise _unauthorized()
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _unauthorized() from None
    username, separator, password = decoded.partition(":")
    key = keys.get(username)
    if not separator or key is None:
        raise _unauthorized()
    if not hmac.compare_digest(key.secret.encode(), password.encode()) or not key.enabled:
        raise _unauthorized()
    return key


def require_permissions(key: ApiKey, permissions: Iterable[str]) -> None:
    """Raise 403 naming every permission ``key`` lacks."""
    missing = [permission for permission in permissions if permission not in key.permissions]
    if missing:
        raise ApiError(403, f"This API key lacks the permission(s): {', '.join(missing)}.")
