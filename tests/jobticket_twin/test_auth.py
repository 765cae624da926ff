"""HTTP Basic per key, the five permissions, and the error precedence 401 → 429 → 403 → 404 → 400 → 422."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import pytest

from jobticket_twin import TwinConfig, create_app
from jobticket_twin.models import PERMISSIONS
from jobticket_twin.testing import in_process_client
from tests.jobticket_twin.helpers import BASE_URL, auth, spec_checked

if TYPE_CHECKING:
    import httpx

    from jobticket_twin.state import TwinState

SYNC_BODY = {
    "syncId": "s-1",
    "employees": [{"firstName": "A", "lastName": "B", "email": "a@example.com", "hrId": "x"}],
}
OPERATIONS: list[tuple[str, str, str]] = [
    ("GET", "/employees", "view-employees"),
    ("GET", "/employees/42", "view-employees"),
    ("GET", "/employees/42/documents", "view-employees"),
    ("GET", "/employee-documents", "view-employees"),
    ("GET", "/employee-documents/101", "view-employees"),
    ("GET", "/employee-documents/101/download", "view-employees"),
    ("GET", "/hr-integrations", "view-hr-integrations"),
    ("GET", "/hr-integrations/7", "view-hr-integrations"),
    ("POST", "/hr-integrations/7/sync", "add-employees"),
]


def _call(client: httpx.Client, method: str, path: str, **kwargs: object) -> httpx.Response:
    if method == "POST":
        return client.post(path, json=SYNC_BODY, **kwargs)  # type: ignore[arg-type]
    return client.get(path, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("method", "path", "permission"), OPERATIONS)
def test_every_operation_rejects_missing_credentials_with_401(
    client: httpx.Client, method: str, path: str, permission: str
) -> None:
    response = _call(client, method, path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert response.json()["message"]


@pytest.mark.parametrize(
    "credentials",
    [
        (auth()[0], "wrong-secret"),
        ("00000000-0000-0000-0000-000000000000", "twin-secret-admin"),
        auth("disabled"),
    ],
    ids=["wrong-secret", "unknown-key", "disabled-key"],
)
def test_bad_or_disabled_credentials_are_401(client: httpx.Client, credentials: tuple[str, str]) -> None:
    assert client.get("/employees", auth=credentials).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer abc", "Basic !!!not-base64", "Basic " + base64.b64encode(b"no-colon").decode()]
)
def test_malformed_authorization_headers_are_401(client: httpx.Client, header: str) -> None:
    assert client.get("/employees", headers={"Authorization": header}).status_code == 401


@pytest.mark.parametrize(("method", "path", "permission"), OPERATIONS)
def test_a_key_without_the_operations_permission_gets_403(
    client: httpx.Client, method: str, path: str, permission: str
) -> None:
    response = _call(client, method, path, auth=auth(f"without-{permission}"))
    assert response.status_code == 403
    assert permission in response.json()["message"]


@pytest.mark.parametrize("permission", ["view-employees", "update-employees", "remove-employees"])
def test_sync_needs_all_four_permissions_and_changes_nothing_without_them(
    client: httpx.Client, state: TwinState, permission: str
) -> None:
    before = state.data
    response = client.post("/hr-integrations/7/sync", json=SYNC_BODY, auth=auth(f"without-{permission}"))
    assert response.status_code == 403
    assert state.data is before


def test_sync_does_not_need_view_hr_integrations(client: httpx.Client) -> None:
    response = client.post(
        "/hr-integrations/8/sync", json=SYNC_BODY, auth=auth("without-view-hr-integrations")
    )
    assert response.status_code == 204


def test_single_permission_keys_reach_only_their_operations(client: httpx.Client) -> None:
    assert client.get("/employees", auth=auth("reader")).status_code == 200
    assert client.get("/hr-integrations", auth=auth("reader")).status_code == 403
    assert client.get("/hr-integrations", auth=auth("integrations")).status_code == 200
    assert client.get("/employees", auth=auth("integrations")).status_code == 403


def test_precedence_403_before_404_and_401_before_everything(client: httpx.Client) -> None:
    assert client.get("/hr-integrations/99999", auth=auth("reader")).status_code == 403
    assert client.get("/employees/99999").status_code == 401
    assert client.get("/employees/abc", auth=auth("integrations")).status_code == 403


def test_precedence_404_before_400_before_422(client: httpx.Client) -> None:
    broken = {"content": b"{not json", "headers": {"Content-Type": "application/json"}}
    assert client.post("/hr-integrations/99999/sync", auth=auth(), **broken).status_code == 404  # type: ignore[arg-type]
    assert client.post("/hr-integrations/7/sync", auth=auth(), **broken).status_code == 400  # type: ignore[arg-type]
    invalid = client.post("/hr-integrations/7/sync", json={"syncId": ""}, auth=auth())
    assert invalid.status_code == 422
    assert client.get("/employees/99999/documents", params={"perPage": 0}, auth=auth()).status_code == 404


def test_the_environment_pair_is_accepted_with_every_permission() -> None:
    app = create_app(TwinConfig(extra_credentials=("ci-user", "ci-password")))
    with in_process_client(app, BASE_URL) as http:
        client = spec_checked(http)
        assert app.state.twin.keys["ci-user"].permissions == frozenset(PERMISSIONS)
        assert client.get("/hr-integrations", auth=("ci-user", "ci-password")).status_code == 200
        assert client.get("/employees", auth=("ci-user", "other")).status_code == 401
