"""The server's local token (server.json, for the CLI on this machine) works only from a
loopback client, even when `hubbub serve --host` listens on other interfaces."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.security import test_auth_support as support

app, auth_world, cheap_hashes = support.app, support.auth_world, support.cheap_hashes


@pytest.mark.parametrize(
    ("address", "status"), [("127.0.0.1", 200), ("::1", 200), ("203.0.113.9", 401)]
)
def test_the_local_token_only_from_loopback(app: object, address: str, status: int) -> None:
    local = app.state.hubbub.local_token  # type: ignore[attr-defined]
    with TestClient(app, client=(address, 40000)) as client:  # type: ignore[arg-type]
        answer = client.get("/v1/me", headers={"Authorization": f"Bearer {local}"})
    assert answer.status_code == status
    if status == 401:
        assert "only from this machine" in answer.json()["error"]["message"]


def test_a_stored_token_works_from_anywhere(app: object, auth_world: support.AuthWorld) -> None:
    token = auth_world.tokens["viewer"]
    with TestClient(app, client=("203.0.113.9", 40000)) as client:  # type: ignore[arg-type]
        answer = client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["role"] == "viewer"
