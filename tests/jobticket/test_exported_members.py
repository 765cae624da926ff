"""``jobticket.__all__`` lists exactly the package's public members, in the style of httpx's own test."""

from __future__ import annotations

import jobticket

# Public submodules are imported by name (``from jobticket.webhooks import ...``), not re-exported.
SUBMODULES = {"matching", "variables", "webhooks"}
INCLUDED_PRIVATE_MEMBERS = {"__version__"}


def test_all_imports_are_exported() -> None:
    members = {
        name
        for name in vars(jobticket)
        if (not name.startswith("_") or name in INCLUDED_PRIVATE_MEMBERS) and name not in SUBMODULES
    }
    members.discard("annotations")  # ``from __future__ import annotations`` leaves this name behind
    assert sorted(jobticket.__all__) == sorted(members)
    assert len(set(jobticket.__all__)) == len(jobticket.__all__), "a name is listed twice"
