"""Hostile API request bodies and parameters: never a 500, always the one error shape.

Generated JSON (shaped like each route's body, or anything at all), raw bytes, and random query
strings go to every route that takes input, in-process through TestClient with an admin token.
TestClient re-raises an exception the app did not turn into an answer, so a crash fails here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import strategies as st

from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.demo import generate
from hubbub.store import open_store

from .fuzzing import json_values, lanes, one_line

FIELDS = {
    "/v1/topics": ["name", "query", "group", "description", "filters"],
    "/v1/topics/Aurora": ["name", "query", "group", "description", "filters"],
    "/v1/topics/Aurora/revert": ["version"],
    "/v1/tokens": ["role", "name"],
    "/v1/alerts/rules": ["topic", "kind", "window", "params", "cooldown", "channels", "digest"],
    "/v1/alerts/1/ack": [],
}
METHODS = {"/v1/topics/Aurora": "PATCH"}
READS = ["/v1/search", "/v1/posts", "/v1/stats", "/v1/analytics/volume", "/v1/alerts"]
PARAMS = ["q", "query", "topic", "since", "until", "limit", "interval", "platform", "lang"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    home: Path = tmp_path_factory.mktemp("fuzz-api")
    store = open_store(home)
    store.write(list(generate(posts=200, seed=2)))
    with TokenStore(home) as tokens:
        token = tokens.create("default", "admin", "fuzz")[1]
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(home, store)) as test_client:
        created = test_client.post(
            "/v1/topics", json={"name": "Aurora", "query": "aurora"}, headers=headers
        )
        assert created.status_code == 201, created.text
        yield test_client, headers
    store.close()


def assert_answer_is_sound(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["code"] and one_line(error["message"]), error


@cache  # built once per route: see fuzzing.json_values
def body_for(path: str) -> st.SearchStrategy[object]:
    shaped = st.fixed_dictionaries({}, optional={name: json_values(6) for name in FIELDS[path]})
    return shaped | json_values()


ROUTES = sorted(FIELDS)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, object]]:
    path = draw(st.sampled_from(ROUTES))
    method = METHODS.get(path, "POST")
    if draw(st.booleans()):
        return method, path, {"json": draw(body_for(path))}
    raw = draw(st.binary(max_size=300) | st.just(b'{"name": ') | st.just(b"[]"))
    return method, path, {"content": raw, "headers": {"Content-Type": "application/json"}}


def check_body(client, request) -> None:  # type: ignore[no-untyped-def]
    test_client, headers = client
    method, path, kwargs = request
    extra = kwargs.pop("headers", {})
    response = test_client.request(method, path, headers={**headers, **extra}, **kwargs)
    assert_answer_is_sound(response)


test_json_bodies, test_json_bodies_10k = lanes(60, request=requests())(check_body)


def check_import_body(client, body: bytes) -> None:  # type: ignore[no-untyped-def]
    test_client, headers = client
    response = test_client.post("/v1/posts?enrich=false", content=body, headers=headers)
    assert_answer_is_sound(response)


test_import_bodies, test_import_bodies_10k = lanes(
    25,
    body=st.binary(max_size=500)
    | st.lists(json_values(8), max_size=4).map(
        lambda items: b"\n".join(json.dumps(item).encode() for item in items)
    ),
)(check_import_body)


def check_parameters(client, path: str, params: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    test_client, headers = client
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in params)
    assert_answer_is_sound(test_client.get(f"{path}?{query}", headers=headers))


test_query_parameters, test_query_parameters_10k = lanes(
    60,
    path=st.sampled_from(READS),
    params=st.lists(
        st.tuples(
            st.sampled_from(PARAMS),
            st.text(max_size=30)
            | st.sampled_from(["-1", "0", "99999999999999999999", "2026-13-01", "NaN", "aurora OR"])
            | st.just(datetime(2026, 10, 1, tzinfo=UTC).isoformat()),
        ),
        max_size=4,
    ),
)(check_parameters)


def test_a_revert_to_a_version_beyond_64_bits_is_a_400_not_a_crash(client) -> None:  # type: ignore[no-untyped-def]
    # Found by test_json_bodies_10k: SQLite raised OverflowError, answered as a 500.
    test_client, headers = client
    response = test_client.post(
        "/v1/topics/Aurora/revert", json={"version": 9_223_424_813_412_909_055}, headers=headers
    )
    assert response.status_code == 400 and "has no version" in response.json()["error"]["message"]
