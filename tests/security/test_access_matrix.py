"""Access control over EVERY route of the app, found by walking `app.routes` (so a new route is
covered without editing this file):

- no credentials: 401 (API) or a redirect to the sign-in page (web pages);
- another workspace's token or session: 403/404 on this workspace's objects, and never any of
  this workspace's data in a body;
- a viewer's token or session on every write (POST/PUT/PATCH/DELETE): 403.

The few routes that are public, or POSTs that change nothing, are listed below, and the test
checks those lists are exact (a route that stops being public, or starts, fails it).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hubbub.alerts.rules import make_rule
from hubbub.alerts.store import AlertStore
from hubbub.api.app import create_app
from hubbub.auth import TokenStore
from hubbub.demo import generate
from hubbub.store import open_store
from hubbub.topics import Topic, TopicStore, load_demo_topics
from tests.alerts.test_store import alert
from tests.web.conftest import sign_in

# Reachable without credentials: (method, path template). Static files are a mount. (POST
# /signin is not here: without the sign-in form's CSRF token it is refused.)
PUBLIC = {
    ("GET", "/health"),
    ("GET", "/openapi.json"),  # the API's description, no data
    ("GET", "/docs"),  # Swagger UI, served from the package
    ("GET", "/signin"),
    ("GET", "/lang/{lang}"),  # sets the UI language cookie
    ("GET", "/topics/{name}"),  # a short link: redirects to the workspace page (signed in)
    ("GET", "/static"),
}
# Known departures from the matrix, each with what it answers and why it leaks nothing. The
# test fails when one is fixed, so the entry gets removed.
KNOWN_GAPS: dict[tuple[str, str, str], int] = {}
# POSTs a viewer may send: they change no data (sign in/out, a query's syntax check).
VIEWER_POSTS = {("POST", "/signin"), ("POST", "/signout"), ("POST", "/w/{workspace}/lint")}
# Session routes are about the caller's own session, not a workspace's data.
SESSION = {"/signin", "/signout"}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
TOPIC = "Zqxmarker"
# Strings only this workspace's data holds (none is in any URL the test sends).
LEAKS = ("qqsecretquery", "leakcheck-hook", "leakcheck-token", "leaksummary")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    query: tuple[str, ...] = ()  # required query parameters: sent, so validation passes

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def api(self) -> bool:
        return self.path.startswith(("/v1/", "/api/")) or self.path in ("/health",)


def routes(app: Any) -> list[Route]:
    """Every (method, path) the app serves, descending into included routers."""
    found: set[Route] = set()

    def add(route: Any, path: str | None, methods: Any) -> None:
        dependant = getattr(route, "dependant", None)
        required = tuple(
            sorted(
                field.name
                for field in _all_query_params(dependant)
                if field.field_info.is_required()
            )
        )
        for method in methods or {"GET"}:
            if path is not None and method != "HEAD":
                found.add(Route(method, path, required))

    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:  # FastAPI >= 0.16x keeps included routers as one entry
            for context in contexts():
                add(context, context.path, context.methods)
        else:
            add(route, getattr(route, "path", None), getattr(route, "methods", None))
    return sorted(found, key=lambda r: (r.path, r.method))


def _all_query_params(dependant: Any) -> Iterator[Any]:
    if dependant is None:
        return
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _all_query_params(sub)


@dataclass(frozen=True)
class World:
    home: Path
    tokens: dict[str, str]
    ids: dict[str, str]  # path parameter -> this workspace's object


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    home = tmp_path_factory.mktemp("access-matrix")
    with open_store(home) as store:
        store.write(list(generate(posts=300, seed=3)))
    load_demo_topics(home)
    with TopicStore(home) as topics:
        topics.add("default", Topic(TOPIC, "qqsecretquery OR aurora"), by="test")
        topics.add("other", Topic("Theirs", "zephyr"), by="test")
    with AlertStore(home) as alerts:
        rule = alerts.add_rule(
            make_rule(TOPIC, "volume_spike", channels=["webhook:https://h.example/leakcheck-hook"]),
            by="test",
        )
        fired = dataclasses.replace(
            alert(0, topic=TOPIC, rule_id=rule.id or 1), summary="leaksummary: 80 posts"
        )
        saved = alerts.save(fired, rule.channels, None)
    tokens: dict[str, str] = {}
    with TokenStore(home) as store_tokens:
        marker_id, tokens["admin"] = store_tokens.create("default", "admin", "leakcheck-token")
        tokens["viewer"] = store_tokens.create("default", "viewer", "viewer")[1]
        tokens["other"] = store_tokens.create("other", "admin", "other-admin")[1]
    assert saved is not None
    ids = {
        "workspace": "default",
        "name": TOPIC,
        "rule_id": str(rule.id),
        "alert_id": str(saved.id),
        "token_id": str(marker_id),
        "panel": "volume",
        "lang": "en",
    }
    return World(home, tokens, ids)


@pytest.fixture(scope="module")
def client(world: World, monkeypatch_module: pytest.MonkeyPatch) -> Iterator[TestClient]:
    with (
        open_store(world.home) as store,
        TestClient(create_app(world.home, store), follow_redirects=False) as test_client,
    ):
        yield test_client


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    # The marker rule's webhook host is not resolvable offline: skip the DNS part of the check.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HUBBUB_ALLOW_PRIVATE_URLS", "1")
        yield patch


def url(route: Route, ids: dict[str, str]) -> str:
    """The route's path with every parameter filled; unknown parameters get "1"."""
    path = route.path
    if path == "/static":
        return "/static/" + _a_static_file()
    return re.sub(r"{(\w+)(:[^}]*)?}", lambda m: ids.get(m.group(1), "1"), path)


def _a_static_file() -> str:
    import hubbub.web

    static = Path(hubbub.web.__file__).parent / "static"
    first = sorted(p for p in static.rglob("*") if p.is_file())[0]
    return str(first.relative_to(static))


def send(client: TestClient, route: Route, ids: dict[str, str], **kwargs: Any) -> Any:
    body = {"json": {}} if route.method in WRITES else {}
    params = {name: "1" for name in route.query}
    return client.request(route.method, url(route, ids), params=params, **body, **kwargs)


def _reset(client: TestClient) -> None:
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    client.headers.pop("Authorization", None)


def redirects_to_signin(response: Any) -> bool:
    return response.status_code in (302, 303, 307) and "/signin" in response.headers.get(
        "location", ""
    )


def test_every_route_is_enumerated(client: TestClient) -> None:
    found = routes(client.app)
    paths = {r.path for r in found}
    # A sample of each kind, so a change in how routes are nested cannot empty the matrix.
    assert {"/v1/topics", "/w/{workspace}/topics/{name}", "/api/import-dataset/"} <= paths
    assert len(found) > 40


def test_without_credentials_only_the_public_routes_answer(
    client: TestClient, world: World
) -> None:
    _reset(client)
    public, problems = set(), []
    for route in routes(client.app):
        response = send(client, route, world.ids)
        _reset(client)
        refused = response.status_code == 401 if route.api else redirects_to_signin(response)
        if not route.api and route.method in WRITES and response.status_code in (401, 403):
            refused = True  # a form POST without a session: refused before any redirect
        if not refused:
            public.add((route.method, route.path))
            if response.status_code >= 500:
                problems.append(f"{route}: {response.status_code}")
        body = response.text
        problems += [f"{route} leaks {leak!r}" for leak in LEAKS if leak in body]
    assert problems == []
    assert public == PUBLIC


def test_another_workspace_sees_nothing_of_this_one(client: TestClient, world: World) -> None:
    problems = []
    api_headers = {"Authorization": f"Bearer {world.tokens['other']}"}
    _reset(client)
    gaps: dict[tuple[str, str, str], int] = {}
    for route in [r for r in routes(client.app) if r.api]:
        response = send(client, route, world.ids, headers=api_headers)
        problems += _cross_workspace_problems(route, response, gaps)
    _reset(client)
    sign_in(client, world.tokens["other"])
    for route in [r for r in routes(client.app) if not r.api and r.path not in SESSION]:
        response = send(client, route, world.ids)
        problems += _cross_workspace_problems(route, response, gaps)
    _reset(client)
    assert problems == [], "\n".join(problems)
    assert gaps == {k: v for k, v in KNOWN_GAPS.items() if k[0] == "other"}
    # Nothing was changed by the attempts: this workspace's objects are all still there.
    with TopicStore(world.home) as topics:
        assert topics.get("default", TOPIC).query == "qqsecretquery OR aurora"
    with AlertStore(world.home) as alerts:
        assert alerts.rule("default", int(world.ids["rule_id"])).topic == TOPIC
        assert alerts.get("default", int(world.ids["alert_id"])).acked_at is None


def _cross_workspace_problems(
    route: Route, response: Any, gaps: dict[tuple[str, str, str], int]
) -> list[str]:
    """A route naming this workspace's object must refuse: 403/404; a web page may instead
    send the browser to sign in (as someone who may see it); a write may fail validation of
    the empty body first (422). Any route may answer, but never with this workspace's data."""
    problems = [f"{route} leaks {leak!r}" for leak in LEAKS if leak in response.text]
    names_ours = re.search(r"{(workspace|name|rule_id|alert_id|token_id)}", route.path)
    refused = response.status_code in (403, 404)
    refused |= not route.api and redirects_to_signin(response)
    refused |= route.method in WRITES and response.status_code == 422
    key = ("other", route.method, route.path)
    if names_ours and not refused and (route.method, route.path) not in PUBLIC:
        if KNOWN_GAPS.get(key) == response.status_code:
            gaps[key] = response.status_code
        else:
            problems.append(f"{route}: {response.status_code}, not 403/404")
    if response.status_code >= 500:
        problems.append(f"{route}: {response.status_code}")
    return problems


def test_a_viewer_cannot_write_anything(client: TestClient, world: World) -> None:
    problems = []
    writes = [r for r in routes(client.app) if r.method in WRITES]
    _reset(client)
    headers = {"Authorization": f"Bearer {world.tokens['viewer']}"}
    for route in [r for r in writes if r.api]:
        response = send(client, route, world.ids, headers=headers)
        if (route.method, route.path) not in VIEWER_POSTS and response.status_code != 403:
            problems.append(f"{route}: {response.status_code} {response.text[:120]}")
    _reset(client)
    sign_in(client, world.tokens["viewer"])
    for route in [r for r in writes if not r.api and r.path not in SESSION]:
        response = send(client, route, world.ids)
        allowed = (route.method, route.path) in VIEWER_POSTS
        if allowed != (response.status_code != 403):
            problems.append(f"{route}: {response.status_code} {response.text[:120]}")
    _reset(client)
    assert problems == []
    assert {(r.method, r.path) for r in writes} >= VIEWER_POSTS
