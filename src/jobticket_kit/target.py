"""Which API our tooling talks to: the local twin or a remote target, and what it may do there.

:mod:`jobticket_kit.settings` reads the variables and builds the :class:`Target`. No base URL means the
local twin. The production host is refused here, before any request is built (by the host the HTTP
libraries would reach, not by how the string looks), and so is a URL they could read differently;
destructive operations need an explicit opt-in everywhere but the twin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jobticket import ConfigurationError, UnsafeURLError
from jobticket._settings import credential_problem
from jobticket_kit import variables
from jobticket_kit.hosts import is_production_url, resolve_base_url

__all__ = [
    "ALLOW_DESTRUCTIVE_VAR",
    "BASE_URL_VAR",
    "PASSWORD_VAR",
    "SANDBOX_INTEGRATION_VAR",
    "USERNAME_VAR",
    "DestructiveNotAllowed",
    "ProductionRefused",
    "Target",
    "TargetError",
    "read_base_url",
]

# The client's own variables (BASE_URL_VAR, USERNAME_VAR, PASSWORD_VAR) plus the kit's opt-ins.
BASE_URL_VAR = variables.BASE_URL
USERNAME_VAR = variables.USERNAME
PASSWORD_VAR = variables.PASSWORD
ALLOW_DESTRUCTIVE_VAR = variables.ALLOW_DESTRUCTIVE
SANDBOX_INTEGRATION_VAR = variables.SANDBOX_INTEGRATION_ID


class TargetError(RuntimeError):
    """The environment does not describe a target our tooling may use."""


class ProductionRefused(TargetError):
    """Our own tooling never sends a request to production."""


class DestructiveNotAllowed(TargetError):
    """A destructive operation was asked for without the opt-in it needs."""


@dataclass(frozen=True)
class Target:
    """An API to test: the local twin (``base_url is None``) or a remote one with credentials."""

    base_url: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sandbox_integration_id: int | None = None
    allow_destructive: bool = False

    @property
    def is_twin(self) -> bool:
        """True when the run starts and uses its own local twin."""
        return self.base_url is None

    def check(self) -> None:
        """Raise when the target is production or lacks what a remote run needs."""
        if self.base_url is None:
            return
        _refuse_production(self.base_url)
        if not (self.username and self.password):
            raise TargetError(f"{BASE_URL_VAR} is set, so {USERNAME_VAR} and {PASSWORD_VAR} must be set too")
        problem = credential_problem(self.username, self.password)
        if problem is not None:
            raise TargetError(f"{USERNAME_VAR}/{PASSWORD_VAR}: {problem}")

    def require_destructive(self) -> int | None:
        """Return the integration destructive calls may use, or raise when they are not allowed.

        On the twin anything goes (``None`` means: pick any twin integration). Elsewhere a dedicated
        sandbox integration and ``JOBTICKET_ALLOW_DESTRUCTIVE=1`` are both required.
        """
        if self.is_twin:
            return None
        if not self.allow_destructive or self.sandbox_integration_id is None:
            raise DestructiveNotAllowed(
                f"destructive operations against {self.base_url} need {ALLOW_DESTRUCTIVE_VAR}=1 and "
                f"{SANDBOX_INTEGRATION_VAR} naming a dedicated test integration"
            )
        return self.sandbox_integration_id


def _refuse_production(url: str) -> None:
    """Refuse a URL any HTTP library could send to production, however it is spelled (see ``jobticket``)."""
    if is_production_url(url):
        raise ProductionRefused(
            f"{BASE_URL_VAR}={url} is the production host; the contract suite, recording, the nightly "
            "check and the twin tests never run against production"
        )


def read_base_url(raw: str) -> str | None:
    """Read a base URL (``staging``, ``production`` or a URL) as both HTTP libraries do; refuse production.

    Empty means the local twin (None).
    """
    raw = raw.strip()
    if not raw:
        return None
    _refuse_production(raw)
    try:
        url = resolve_base_url(raw)
    except UnsafeURLError as error:
        raise TargetError(f"{BASE_URL_VAR}={error.url!r} refused: {error.reason}") from None
    except ConfigurationError as error:
        raise TargetError(
            f"{BASE_URL_VAR} must be an https:// URL (plain http is allowed on loopback only): {error}"
        ) from None
    _refuse_production(url)
    return url
