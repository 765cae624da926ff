"""The pacer's slots in Redis, shared by every host: one Lua script, one round trip per decision.

Why a script of our own rather than ``limits``' moving window: the pacer needs, atomically and in one
round trip, "is the credential blocked after a 429, and if not, take a slot or say how long until one
frees". ``limits`` answers only "taken or not" (the wait needs a second call, ``get_moving_window``)
and has no notion of a block imposed by the server. The script below is that decision, on a sorted
set of send times and a block key, on the Redis server's clock (so hosts whose clocks differ still
agree on the window) unless the pacer runs on a test clock. Keys share a hash tag, so it also works
on Redis Cluster. Needs the ``[redis]`` extra.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._environments import is_production_url
from ._exceptions import ConfigurationError, PacerStoreError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["RedisStore"]

# KEYS: the sorted set of send times, the block key. ARGV: operation, now ('' = the server's clock),
# then for "acquire": limit, window, a unique member; for "block": seconds.
_SCRIPT = """
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local blocked_until = tonumber(redis.call('GET', KEYS[2]) or '0')
local op = ARGV[1]
if op == 'blocked_for' then
  return string.format('%.6f', math.max(0, blocked_until - now))
end
if op == 'block' then
  local seconds = tonumber(ARGV[3])
  if now + seconds > blocked_until then
    redis.call('SET', KEYS[2], string.format('%.6f', now + seconds), 'PX', math.ceil(seconds * 1000) + 1000)
  end
  return '0'
end
if blocked_until > now then
  return string.format('%.6f', blocked_until - now)
end
local limit = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.6f', now - window))
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], string.format('%.6f', now), ARGV[5])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return string.format('%.6f', tonumber(oldest[2]) + window - now)
"""

_TIMEOUT_SECONDS = 2.0  # a pacing decision is one short script: a hung Redis must not hang the call


class RedisStore:
    """Slots in Redis: every process on every host that uses the same Redis shares them."""

    def __init__(self, client: Any, where: str) -> None:
        import redis  # noqa: PLC0415 - optional extra, imported only when a redis:// store is chosen

        self._client = client
        self._script: Callable[..., Any] = client.register_script(_SCRIPT)
        self._errors = (redis.exceptions.RedisError, OSError)
        self.where = where

    @classmethod
    def from_url(cls, url: str, source: str) -> RedisStore:
        """Connect lazily to ``url`` (``redis://[:password@]host:port/db`` or ``rediss://``)."""
        where = _redacted(url)
        try:
            import redis  # noqa: PLC0415 - optional extra
        except ImportError:
            raise ConfigurationError(
                f"{source}{where}: a redis:// pacer store needs the redis extra "
                "(pip install 'jobticket-api-client[redis]')"
            ) from None
        try:
            production = _reaches_production(url)
            client = redis.Redis.from_url(
                url, socket_timeout=_TIMEOUT_SECONDS, socket_connect_timeout=_TIMEOUT_SECONDS
            )
        except ValueError as error:
            raise ConfigurationError(f"{source}{where}: not a usable Redis URL ({error})") from None
        if production:
            raise ConfigurationError(f"{source}{where}: the API's production host is never a pacer store")
        return cls(client, where)

    def __repr__(self) -> str:
        return f"RedisStore({self.where!r})"

    def acquire(self, key: str, limit: int, window: float, now: float | None = None) -> float:
        return self._run(key, "acquire", now, limit, window, uuid.uuid4().hex)

    def block(self, key: str, seconds: float, now: float | None = None) -> None:
        self._run(key, "block", now, seconds)

    def blocked_for(self, key: str, now: float | None = None) -> float:
        return self._run(key, "blocked_for", now)

    def _run(self, key: str, operation: str, now: float | None, *args: object) -> float:
        keys = [f"jobticket:pacer:{{{key}}}:sent", f"jobticket:pacer:{{{key}}}:block"]
        argv = [operation, "" if now is None else repr(now), *map(str, args)]
        try:
            return float(self._script(keys=keys, args=argv))
        except self._errors as error:
            raise PacerStoreError(
                f"pacer store {self.where} failed ({type(error).__name__}: {error}); not sending, so as "
                "not to exceed the credential's rate limit"
            ) from error


def _reaches_production(url: str) -> bool:
    """Whether ``url`` could take redis-py to the API's production host; nothing is looked up.

    Both the host redis-py connects to (a ``?host=`` parameter included) and every other reading of the
    URL (percent escapes, ``@``, Unicode full stops) count.
    """
    from redis.connection import parse_url  # noqa: PLC0415 - optional extra

    parsed: dict[str, Any] = parse_url(url)  # type: ignore[no-untyped-call]
    return is_production_url(url) or is_production_url(str(parsed.get("host") or "localhost"))


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("://", 1)[0] + "://(unreadable)"
    host = parts.hostname or ""
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ":?"
    return f"{parts.scheme}://{host}{port}{parts.path}"
