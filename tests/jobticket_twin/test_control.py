"""The /_twin/ control interface: reset, keys, clock, subscription and document changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import jobticket_twin.seed as seed_module
from jobticket_twin import TwinConfig, create_app
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import in_process_client
from tests.jobticket_twin.helpers import BASE_URL, auth, spec_checked

if TYPE_CHECKING:
    import httpx

    from jobticket_twin.state import TwinState


def test_keys_lists_every_seed_key_with_its_permissions(client: httpx.Client) -> None:
    rows = {row["name"]: row for row in client.get("/_twin/keys").json()["keys"]}
    assert set(rows) == set(SEED_KEYS)
    assert rows["admin"]["username"] == SEED_KEYS["admin"].key_id
    assert rows["disabled"]["enabled"] is False
    assert rows["reader"]["permissions"] == ["view-employees"]


def test_reset_restores_the_seed_data_and_lifts_blocks(client: httpx.Client, state: TwinState) -> None:
    client.post("/_twin/employees/42/subscription", json={"status": "paused"})
    assert client.get("/employees/42", auth=auth()).json()["data"]["subscription"]["status"] == "paused"
    assert client.post("/_twin/reset").json() == {"seed": 0, "employees": 250}
    assert client.get("/employees/42", auth=auth()).json()["data"]["subscription"]["status"] == "active"


def test_reset_with_another_seed_changes_the_synthetic_data_but_not_the_examples(
    client: httpx.Client,
) -> None:
    first = client.get("/employees/1", auth=auth()).json()["data"]
    client.post("/_twin/reset", json={"seed": 5})
    assert client.get("/employees/1", auth=auth()).json()["data"] != first
    assert client.get("/employees/42", auth=auth()).json()["data"]["lastName"] == "Müller"
    assert client.post("/_twin/reset", json={"seed": "x"}).status_code == 422


def test_the_same_seed_gives_the_same_data() -> None:
    bodies = []
    for _ in range(2):
        with in_process_client(create_app(TwinConfig(seed=9)), BASE_URL) as client:
            bodies.append(spec_checked(client).get("/employees", params={"perPage": 100}, auth=auth()).json())
    assert bodies[0] == bodies[1]


def test_the_clock_advances_only_when_it_is_fake(client: httpx.Client) -> None:
    start = client.get("/_twin/clock").json()
    moved = client.post("/_twin/clock/advance", json={"seconds": 3600}).json()
    assert (moved["now"] - start["now"], moved["fake"]) == (3600, True)
    assert client.post("/_twin/clock/advance", json={"seconds": -1}).status_code == 422
    with in_process_client(create_app(TwinConfig())) as real:
        assert real.post("/_twin/clock/advance", json={"seconds": 1}).status_code == 409


def test_a_control_change_to_an_unknown_employee_is_404(client: httpx.Client) -> None:
    assert client.post("/_twin/employees/99999/subscription", json={"status": "paused"}).status_code == 404
    assert client.post("/_twin/employees/42/subscription", json={}).status_code == 422
    assert client.post("/_twin/employees/42/documents", json={"downloadable": "yes"}).status_code == 422


def test_a_generated_document_is_listed_for_its_employee(client: httpx.Client) -> None:
    created = client.post("/_twin/employees/250/documents", json={"documentName": "X", "downloadable": False})
    document = created.json()["data"]
    listed = client.get("/employees/250/documents", auth=auth()).json()["data"]["data"]
    assert [item["id"] for item in listed] == [document["id"]]
    assert client.get(f"/employee-documents/{document['id']}/download", auth=auth()).status_code == 409


def test_control_routes_are_not_rate_limited(client: httpx.Client) -> None:
    assert {client.get("/_twin/keys").status_code for _ in range(120)} == {200}


def test_the_documented_key_table_matches_the_seed_keys() -> None:
    documented = seed_module.__doc__ or ""
    for key in SEED_KEYS.values():
        assert f"{key.name:<30} {key.key_id}" in documented
        assert key.secret == f"twin-secret-{key.name}"
