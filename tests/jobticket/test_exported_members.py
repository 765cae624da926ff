"""``jobticket.__all__`` lists exactly the package's public members, in the style of httpx's own test."""

from __future__ import annotations

import jobticket

# Public submodules are imported by name (``from jobticket.webhooks import ...``), not re-exported.
SUBMODULES = {"matching", "variables", "webhooks"}
INCLUDED_PRIVATE_MEMBERS = {"__version__"}


def test_all_imports_are_exported() -> None:
    # dir(), not vars(): the HR-sync names load on first use (PEP 562) and the module's __dir__ lists them.
    members = {
        name
        for name in dir(jobticket)
        if (not name.startswith("_") or name in INCLUDED_PRIVATE_MEMBERS) and name not in SUBMODULES
    }
    members.discard("annotations")  # ``from __future__ import annotations`` leaves this name behind
    assert sorted(jobticket.__all__) == sorted(members)
    assert len(set(jobticket.__all__)) == len(jobticket.__all__), "a name is listed twice"


def test_every_exported_name_resolves_lazily_loaded_ones_included() -> None:
    for name in jobticket.__all__:
        assert getattr(jobticket, name) is not None, name
    assert jobticket.RosterError.__module__ == "jobticket._exceptions"
