"""The auth matrix: no token 401, another workspace's topic 404, a viewer cannot write 403."""

from __future__ import annotations

import pytest

from hubbub.auth import TokenStore


def test_health_needs_no_token(client):
    assert client.get("/health").json()["status"] == "ok"


@pytest.mark.parametrize(
    "header",
    [None, "Bearer nope", "Basic abc", "Bearer "],
    ids=["none", "unknown", "basic", "empty"],
)
def test_without_a_valid_token_401(client, header):
    headers = {"Authorization": header} if header else {}
    answer = client.get("/v1/topics", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"
    assert answer.headers["www-authenticate"] == "Bearer"


def test_a_token_sees_only_its_workspace(client, world):
    mine = {
        t["name"] for t in client.get("/v1/topics", headers=world.auth("viewer")).json()["topics"]
    }
    theirs = {
        t["name"] for t in client.get("/v1/topics", headers=world.auth("other")).json()["topics"]
    }
    assert "Aurora" in mine and "Secret" not in mine
    assert theirs == {"Secret"}
    for path in (
        "/v1/topics/Secret",
        "/v1/topics/Secret/history",
        "/v1/analytics/volume?topic=Secret",
    ):
        answer = client.get(path, headers=world.auth("admin"))
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "not-found"


def test_viewer_cannot_write(client, world):
    viewer = world.auth("viewer")
    attempts = [
        client.post("/v1/topics", json={"name": "X", "query": "x"}, headers=viewer),
        client.patch("/v1/topics/Aurora", json={"query": "x"}, headers=viewer),
        client.delete("/v1/topics/Aurora", headers=viewer),
        client.post("/v1/topics/Aurora/revert", json={"version": 1}, headers=viewer),
        client.get("/v1/tokens", headers=viewer),
    ]
    for answer in attempts:
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "forbidden"
    assert client.get("/v1/topics/Aurora", headers=viewer).json()["version"] == 1


def test_analyst_writes_but_cannot_manage_tokens(client, world):
    analyst = world.auth("analyst")
    made = client.post("/v1/topics", json={"name": "Tmp", "query": "nimbus"}, headers=analyst)
    assert made.status_code == 201 and made.json()["updated_by"] == "token:test-analyst"
    assert client.delete("/v1/topics/Tmp", headers=analyst).status_code == 200
    assert client.get("/v1/tokens", headers=analyst).status_code == 403


def test_admin_manages_its_workspace_tokens_and_revocation_is_immediate(client, world):
    admin = world.auth("admin")
    made = client.post("/v1/tokens", json={"role": "viewer", "name": "temp"}, headers=admin).json()
    fresh = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/v1/me", headers=fresh).json()["role"] == "viewer"
    listed = {t["id"] for t in client.get("/v1/tokens", headers=admin).json()["tokens"]}
    assert made["id"] in listed
    with TokenStore(world.home) as tokens:  # only digests are stored
        rows = tokens._conn.execute("SELECT * FROM tokens").fetchall()
        assert all(made["token"] not in tuple(row) for row in rows)
        assert {t.workspace for t in tokens.list()} == {"default", "other"}
    assert client.delete(f"/v1/tokens/{made['id']}", headers=admin).status_code == 200
    assert client.get("/v1/me", headers=fresh).status_code == 401


def test_workspace_header_must_match_a_normal_token(client, world):
    headers = {**world.auth("viewer"), "X-Hubbub-Workspace": "other"}
    assert client.get("/v1/topics", headers=headers).status_code == 403


def test_local_token_acts_in_any_workspace(client, world):
    token = client.app.state.hubbub.local_token
    headers = {"Authorization": f"Bearer {token}", "X-Hubbub-Workspace": "other"}
    assert [t["name"] for t in client.get("/v1/topics", headers=headers).json()["topics"]] == [
        "Secret"
    ]
