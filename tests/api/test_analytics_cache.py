"""Identical analytics requests share one answer; a topic edit or no-cache gets a fresh one."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def volume(client: TestClient, token: str, **headers: str) -> Any:
    return client.get(
        "/v1/analytics/volume",
        params={"topic": "Aurora", "interval": "day"},
        headers={"Authorization": f"Bearer {token}", **headers},
    )


def test_the_second_identical_request_is_answered_from_the_cache(client, world) -> None:
    token = world.tokens["viewer"]
    first = volume(client, token, **{"Cache-Control": "no-cache"})
    again = volume(client, token)
    assert first.headers["x-hubbub-cache"] == "miss" and again.headers["x-hubbub-cache"] == "hit"
    assert again.json() == first.json()
    assert (
        volume(client, token, **{"Cache-Control": "no-cache"}).headers["x-hubbub-cache"] == "miss"
    )
    other = client.get(
        "/v1/analytics/volume",
        params={"topic": "Aurora", "interval": "week"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert other.headers["x-hubbub-cache"] == "miss"


def test_a_topic_edit_is_seen_at_once(client, world) -> None:
    analyst = {"Authorization": f"Bearer {world.tokens['analyst']}"}
    made = client.post(
        "/v1/topics", json={"name": "CacheProbe", "query": "aurora"}, headers=analyst
    )
    assert made.status_code in (200, 201), made.text
    ask = {"topic": "CacheProbe", "interval": "day"}
    before = client.get("/v1/analytics/volume", params=ask, headers=analyst)
    assert (
        client.get("/v1/analytics/volume", params=ask, headers=analyst).headers["x-hubbub-cache"]
        == "hit"
    )
    edited = client.patch(
        "/v1/topics/CacheProbe", json={"query": "aurora AND NOT aurora"}, headers=analyst
    )
    assert edited.status_code == 200, edited.text
    after = client.get("/v1/analytics/volume", params=ask, headers=analyst)
    assert after.headers["x-hubbub-cache"] == "miss"
    assert after.json()["total"] == 0 < before.json()["total"]
    client.delete("/v1/topics/CacheProbe", headers=analyst)
