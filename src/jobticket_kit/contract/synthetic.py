"""Synthetic roster items: the only people a contract check ever sends to an HR sync."""

from __future__ import annotations

from typing import Any

__all__ = ["synthetic_employee"]


def synthetic_employee(tag: str, number: int, **overrides: Any) -> dict[str, Any]:
    """A roster item that can only be synthetic: example.com address, ``contract-`` hrId."""
    item: dict[str, Any] = {
        "firstName": f"Probe{number}",
        "lastName": f"Contract{tag}",
        "email": f"contract.{tag}.{number}@example.com",
        "hrId": f"contract-{tag}-{number}",
        "profileImage": None,
        "dateOfBirth": None,
        "startDate": "2024-01-01",
        "terminationDate": None,
        "autoSyncEmployee": None,
        "absences": [],
    }
    item.update(overrides)
    return item
