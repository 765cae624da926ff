"""``import jobticket`` loads no generated model module, no asyncio, not the HR-sync planner and not the HR
roster application; each comes when first used, and the client itself never loads the application.
Nothing the client does loads ``requests``: it sends with httpx and reads URLs as httpx."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "asyncio",
    "jobticket_api.models",
    "jobticket_api.api",
    "requests",
    "jobticket._hr_sync",
    "jobticket.hr_sync",
    "jobticket.roster",
)


def loaded_after(code: str) -> list[str]:
    """The HEAVY modules present in a fresh interpreter (``-I``) after running ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_import_jobticket_loads_neither_models_nor_asyncio() -> None:
    assert loaded_after("import jobticket") == []
    assert loaded_after("from jobticket import JobTicket, AsyncJobTicket, RosterError, validate_roster") == []


def test_the_models_load_on_first_use_and_sync_code_never_loads_asyncio() -> None:
    sync_call = """
import httpx, jobticket
handler = lambda request: httpx.Response(200, json={"status": "ok"})
with jobticket.JobTicket("http://127.0.0.1:9", username="u", password="p",
                         transport=httpx.MockTransport(handler)) as client:
    client.health()
"""
    assert loaded_after(sync_call) == ["jobticket_api.models", "jobticket_api.api"]


def test_building_a_client_imports_no_requests() -> None:
    build = """
import jobticket
jobticket.JobTicket("https://v1-api-staging.ticket-plus.app", username="u", password="p").close()
jobticket.AsyncJobTicket("http://[::1]:8090", username="u", password="p")
"""
    assert loaded_after(build) == []


def test_the_hr_sync_names_load_on_first_use() -> None:
    planner = ["jobticket._hr_sync"]
    assert loaded_after("from jobticket.hr_sync import SyncPlan") == [*planner, "jobticket.hr_sync"]
    old_name = "import warnings, jobticket; warnings.simplefilter('ignore'); jobticket.SyncPlan"
    assert loaded_after(old_name) == planner
    assert loaded_after("from jobticket import RosterError, validate_roster") == []


def test_a_guarded_sync_loads_the_planner_but_never_the_roster_application() -> None:
    dry_run = """
import httpx, jobticket
empty = {"data": {"data": [], "page": 1, "perPage": 100, "total": 0, "totalPages": 0}}
handler = lambda request: httpx.Response(200, json=empty)
with jobticket.JobTicket("http://127.0.0.1:9", username="u", password="p",
                         transport=httpx.MockTransport(handler)) as client:
    row = {"firstName": "A", "lastName": "B", "email": "a@example.org", "hrId": "1"}
    assert client.sync_roster(7, [row], dry_run=True).plan.created
"""
    assert loaded_after(dry_run) == ["jobticket_api.models", "jobticket_api.api", "jobticket._hr_sync"]


def test_the_roster_application_loads_no_requests_and_no_asyncio() -> None:
    assert loaded_after("import jobticket.roster") == ["jobticket._hr_sync", "jobticket.roster"]
