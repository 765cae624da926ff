"""Helpers shared by the twin tests: the base URL, seed-key credentials, spec-checked clients."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobticket_kit.spec.validation import validating_hook
from jobticket_twin.control import CONTROL_PREFIX
from jobticket_twin.seed import SEED_KEYS

if TYPE_CHECKING:
    import httpx

BASE_URL = "http://127.0.0.1:8090"


def spec_checked(client: httpx.Client) -> httpx.Client:
    """Validate every API response of ``client``; unknown routes and methods must be 404/405 error bodies."""
    client.event_hooks["response"].append(
        validating_hook(skip_path_prefixes=(f"{CONTROL_PREFIX}/",), undocumented_statuses=(404, 405))
    )
    return client


def auth(name: str = "admin") -> tuple[str, str]:
    """Basic-auth pair of the seed key ``name``."""
    key = SEED_KEYS[name]
    return key.key_id, key.secret
