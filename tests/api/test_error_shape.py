"""Every route answers bad input with the one error shape and a 4xx, never a 500 (datasette's
test_error_shape habit). A route added without a bad request here fails the coverage test."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from hubbub.api.app import create_app

# (method, route) → a bad request for it: (url, json body, expected status, expected code)
BAD = {
    ("GET", "/v1/me"): ("/v1/me", None, 401, "unauthorized"),
    ("GET", "/v1/topics"): ("/v1/topics?group=Not%20A%20Group", None, 200, None),
    ("POST", "/v1/topics"): (
        "/v1/topics",
        {"name": "Bad", "query": "a AND OR b"},
        400,
        "invalid-query",
    ),
    ("GET", "/v1/topics/{name}"): ("/v1/topics/Nope", None, 404, "not-found"),
    ("PATCH", "/v1/topics/{name}"): ("/v1/topics/Aurora", {"query": "(open"}, 400, "invalid-query"),
    ("DELETE", "/v1/topics/{name}"): ("/v1/topics/Nope", None, 404, "not-found"),
    ("GET", "/v1/topics/{name}/history"): ("/v1/topics/Nope/history", None, 404, "not-found"),
    ("POST", "/v1/topics/{name}/revert"): (
        "/v1/topics/Aurora/revert",
        {"version": 99},
        400,
        "invalid-parameter",
    ),
    ("GET", "/v1/analytics/volume"): (
        "/v1/analytics/volume?since=2000-01-01&until=2026-01-01&interval=hour",
        None,
        400,
        "invalid-parameter",
    ),  # too many buckets
    ("GET", "/v1/analytics/sov"): (
        "/v1/analytics/sov?topic=Aurora",
        None,
        400,
        "invalid-parameter",
    ),
    ("GET", "/v1/analytics/sentiment"): (
        "/v1/analytics/sentiment?since=2026-10-10&until=2026-10-01",
        None,
        400,
        "invalid-parameter",
    ),  # bad date range
    ("GET", "/v1/analytics/top"): ("/v1/analytics/top?kind=nope", None, 400, "invalid-parameter"),
    ("GET", "/v1/analytics/authors"): (
        "/v1/analytics/authors?limit=0",
        None,
        422,
        "invalid-request",
    ),
    ("GET", "/v1/analytics/compare"): (
        "/v1/analytics/compare?topic=Aurora",
        None,
        400,
        "invalid-parameter",
    ),
    ("GET", "/v1/analytics/emerging"): (
        "/v1/analytics/emerging?q=aurora%20AND",
        None,
        400,
        "invalid-query",
    ),
    ("GET", "/v1/analytics/breakdown"): (
        "/v1/analytics/breakdown?by=nope",
        None,
        400,
        "invalid-parameter",
    ),
    ("GET", "/v1/posts"): ("/v1/posts?since=yesterday", None, 400, "invalid-parameter"),
    ("POST", "/v1/posts"): ("/v1/posts?format=xlsx", None, 400, "bad-request"),
    ("GET", "/v1/search"): ("/v1/search?limit=0", None, 422, "invalid-request"),
    ("GET", "/v1/stats"): ("/v1/stats?country=Narnia", None, 400, "invalid-parameter"),
    ("GET", "/v1/export"): ("/v1/export?format=xlsx", None, 400, "invalid-parameter"),
    ("GET", "/v1/tokens"): ("/v1/tokens", None, 403, "forbidden"),  # as an analyst
    ("POST", "/v1/tokens"): ("/v1/tokens", {"role": "king"}, 400, "invalid-parameter"),
    ("DELETE", "/v1/tokens/{token_id}"): ("/v1/tokens/nope", None, 404, "not-found"),
    ("GET", "/v1/sources"): ("/v1/sources", None, 200, None),  # no parameters to get wrong
    ("POST", "/api/import-dataset/"): ("/api/import-dataset/", None, 400, "invalid-parameter"),
    ("GET", "/api/check-query/"): ("/api/check-query/?key=nope", None, 400, "invalid-parameter"),
    ("GET", "/api/zeeschuimer/connect"): ("/api/zeeschuimer/connect", None, 200, None),
    ("GET", "/v1/alerts"): ("/v1/alerts?since=yesterday", None, 400, "invalid-parameter"),
    ("GET", "/v1/alerts/{alert_id}"): ("/v1/alerts/999", None, 404, "not-found"),
    ("POST", "/v1/alerts/{alert_id}/ack"): ("/v1/alerts/999/ack", None, 404, "not-found"),
    ("GET", "/v1/alerts/rules"): ("/v1/alerts/rules?topic=Nope", None, 200, None),  # empty list
    ("POST", "/v1/alerts/rules"): (
        "/v1/alerts/rules",
        {"topic": "Aurora", "kind": "threshold", "params": {"analytic": "likes", "value": 1}},
        400,
        "invalid-parameter",
    ),
    ("DELETE", "/v1/alerts/rules/{rule_id}"): ("/v1/alerts/rules/999", None, 404, "not-found"),
}
AS = {("GET", "/v1/tokens"): "analyst", ("GET", "/v1/me"): None}


def assert_shape(answer, status: int, code: str | None) -> None:
    assert answer.status_code == status, answer.text
    if code is None:
        return
    body = answer.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= {"code", "message", "hint", "position"} and error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if code == "invalid-query":
        assert isinstance(error["position"], int) and error["hint"]


def test_every_route_has_a_bad_request_here(client):
    routes = {
        (method.upper(), path)
        for path, item in client.app.openapi()["paths"].items()
        for method in item
        if path != "/health"
    }
    assert routes == set(BAD)


@pytest.mark.parametrize("route", sorted(BAD), ids=lambda r: f"{r[0]} {r[1]}")
def test_bad_input_gets_the_shape(client, world, route):
    method, _ = route
    url, body, status, code = BAD[route]
    who = AS.get(route, "admin")
    headers = world.auth(who) if who else {}
    assert_shape(client.request(method, url, json=body, headers=headers), status, code)


@pytest.mark.parametrize("route", sorted(BAD), ids=lambda r: f"{r[0]} {r[1]}")
def test_no_token_is_401_with_the_shape(client, route):
    method, _ = route
    url, body, _, _ = BAD[route]
    assert_shape(client.request(method, url, json=body), 401, "unauthorized")


def test_query_error_carries_position_and_hint(client, world):
    answer = client.get(
        "/v1/posts", params={"q": "apple AND banana OR juice"}, headers=world.auth("viewer")
    )
    assert_shape(answer, 400, "invalid-query")
    assert answer.json()["error"]["position"] > 0


def test_foreign_and_garbage_cursors_are_4xx(client, world):
    viewer = world.auth("viewer")
    page = client.get("/v1/posts", params={"topic": "Aurora", "limit": 2}, headers=viewer).json()
    assert page["next_cursor"]
    other = client.get(
        "/v1/posts",
        params={"topic": "Nimbus", "limit": 2, "cursor": page["next_cursor"]},
        headers=viewer,
    )
    assert_shape(other, 400, "invalid-parameter")
    garbage = client.get("/v1/posts", params={"cursor": "%%%not-base64"}, headers=viewer)
    assert_shape(garbage, 400, "invalid-parameter")


def test_unknown_route_wrong_method_and_bad_json(client, world):
    assert_shape(client.get("/v1/nope"), 404, "not-found")
    assert_shape(client.put("/v1/topics"), 405, "method-not-allowed")
    bad_json = client.post(
        "/v1/topics",
        content=b"{not json",
        headers={**world.auth("admin"), "content-type": "application/json"},
    )
    assert_shape(bad_json, 422, "invalid-request")
    missing = client.post("/v1/topics", json={"name": "x"}, headers=world.auth("admin"))
    assert_shape(missing, 422, "invalid-request")
    assert "query" in missing.json()["error"]["message"]


def test_conflict_and_bad_bucket(client, world):
    admin = world.auth("admin")
    assert_shape(
        client.post("/v1/topics", json={"name": "aurora", "query": "x"}, headers=admin),
        409,
        "conflict",
    )
    assert_shape(client.get("/v1/posts?bucket=[1]", headers=admin), 400, "invalid-parameter")


def test_a_bug_is_a_500_with_the_shape(world, store, monkeypatch):
    from hubbub.api import service

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(service.Service, "analyze", broken)
    with TestClient(create_app(world.home, store), raise_server_exceptions=False) as client:
        answer = client.get("/v1/analytics/volume", headers=world.auth("viewer"))
    assert_shape(answer, 500, "internal-error")
    assert "boom" not in answer.text
